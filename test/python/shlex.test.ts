import { describe, expect, it } from 'vitest';
import { Shlex, shlexSplit } from '../../src/python/shlex.js';

// Expected values are what Python 3.11's shlex.split / shlex.shlex return for the same input.
describe('shlexSplit (Python shlex.split)', () => {
  const cases: [string, string[] | string][] = [
    ["a $'b\\n' c", ['a', '$b\\n', 'c']],
    ['a "b\\"c" d', ['a', 'b"c', 'd']],
    ["a 'b\\'", ['a', 'b\\']],
    ['x #y z', ['x', '#y', 'z']],
    ['a\\ b', ['a b']],
    ['"a"b\'c\'', ['abc']],
    ['a "b', 'No closing quotation'],
    ['echo $"x"', ['echo', '$x']],
    ['a\\', 'No escaped character'],
    ['a\nb\tc', ['a', 'b', 'c']],
    ['""', ['']],
    ["''", ['']],
    ['a "\\$x" "\\\\" "\\a"', ['a', '\\$x', '\\', '\\a']],
    ["sh -c 'echo port 80; exec sleep 100'", ['sh', '-c', 'echo port 80; exec sleep 100']],
    ['', []],
    ['   ', []],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => {
      if (typeof expected === 'string') expect(() => shlexSplit(input)).toThrow(expected);
      else expect(shlexSplit(input)).toEqual(expected);
    });
  }
});

describe('Shlex non-POSIX (supervisord 4.2.5 environment= lexer)', () => {
  const lex = (s: string) => new Shlex(s, { posix: false, extraWordchars: '/.+-():' }).tokens();
  it('keeps quotes and splits punctuation into single tokens', () => {
    expect(lex('A="x y",B=2')).toEqual(['A', '=', '"x y"', ',', 'B', '=', '2']);
  });
  it('treats # as a comment', () => {
    expect(lex('A=bar#baz')).toEqual(['A', '=', 'bar']);
  });
  it('keeps path characters in words', () => {
    expect(lex('PATH=/usr/bin:/bin')).toEqual(['PATH', '=', '/usr/bin:/bin']);
  });
});
