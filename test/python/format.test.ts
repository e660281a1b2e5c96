// Python's `format % mapping`; expected values are what Python 3 gives (the last block asks Python itself).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MissingNameError, pythonFormat } from '../../src/python/format.js';

const values = { s: 'abc', n: 7, m: -255, b: 12345678, t: 0.0001234, u: 'é\n', x: 'xy' };

describe('pythonFormat', () => {
  it.each([
    ['plain text', 'plain text'],
    ['%(s)s', 'abc'],
    ['a %(s)s b %(n)s', 'a abc b 7'],
    ['100%%', '100%'],
    ['%%(s)s', '%(s)s'],
    ['%(s)s%%%(n)d', 'abc%7'],
    ['%(n)d', '7'],
    ['%(n)i', '7'],
    ['%(n)u', '7'],
    ['%(n)02d', '07'],
    ['%(n)05d', '00007'],
    ['%(n)-5d|', '7    |'],
    ['%(n)+05d', '+0007'],
    ['%(n) d', ' 7'],
    ['%(m)05d', '-0255'],
    ['%(n).3d', '007'],
    ['%(m)x', '-ff'],
    ['%(m)#X', '-0XFF'],
    ['%(n)#o', '0o7'],
    ['%(n)o', '7'],
    ['%(n)5.1f', '  7.0'],
    ['%(n)f', '7.000000'],
    ['%(n)e', '7.000000e+00'],
    ['%(b)e', '1.234568e+07'],
    ['%(n)g', '7'],
    ['%(b)g', '1.23457e+07'],
    ['%(t)g', '0.0001234'],
    ['%(t).3g', '0.000123'],
    ['%(t)#g', '0.000123400'],
    ['%(s)-6s|', 'abc   |'],
    ['%(s)05s', '  abc'],
    ['%(s).2s', 'ab'],
    ['%(s)r', "'abc'"],
    ['%(s)a', "'abc'"],
    ['%(u)r', "'é\\n'"],
    ['%(u)a', "'\\xe9\\n'"],
    ['%(n)r', '7'],
    ['%(n)c', '\x07'],
    ['%(n)ld', '7'],
    ['%(a(b))s', 'nested'],
  ])('%j → %j', (format, expected) => {
    expect(pythonFormat(format, { ...values, 'a(b)': 'nested' })).toBe(expected);
  });

  it.each([
    ['%(s)d', '%d format: a real number is required, not str'],
    ['%(s)i', '%i format: a real number is required, not str'],
    ['%(s)x', '%x format: an integer is required, not str'],
    ['%(s)f', 'must be real number, not str'],
    ['%(x)c', '%c requires int or char'],
    ['%(s)', 'incomplete format'],
    ['a%', 'incomplete format'],
    ['%(s', 'incomplete format key'],
    ['%(s)y', "unsupported format character 'y' (0x79) at index 4"],
    ['%(n)5%', "unsupported format character '%' (0x25) at index 5"],
    ['date +%s', "'%s' at index 6 has no (name)"],
    ['%d', "'%d' at index 0 has no (name)"],
    ['%(s)*d', '* wants int'],
  ])('%j fails: %s', (format, message) => {
    expect(() => pythonFormat(format, values)).toThrow(message);
  });

  it('reports a missing name like a KeyError', () => {
    expect(() => pythonFormat('%(nope)s', values)).toThrow(MissingNameError);
    expect(() => pythonFormat('%(nope)s', values)).toThrow("'nope'");
  });
});

const PY = '/usr/bin/python3';
describe.skipIf(!existsSync(PY))('agrees with Python %', () => {
  const formats = [
    '%(n)05d',
    '%(m)#x',
    '%(b)g',
    '%(t).3g',
    '%(s)-6s|',
    '%(s)r',
    '%(n)+.3d',
    '%(b).2e',
    '%(n)#8.3f',
  ];
  it.each(formats)('%s', (format) => {
    const script = 'import sys, json; print(json.dumps(sys.argv[1] % json.loads(sys.argv[2])))';
    const expected = JSON.parse(
      execFileSync(PY, ['-c', script, format, JSON.stringify(values)], { encoding: 'utf8' }),
    );
    expect(pythonFormat(format, values)).toBe(expected);
  });
});
