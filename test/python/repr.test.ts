import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pythonBytesRepr, pythonRepr } from '../../src/python/repr.js';

describe('pythonRepr', () => {
  it.each([
    ['abc', "'abc'"],
    ["it's", `"it's"`],
    [`a'b"c`, `'a\\'b"c'`],
    ['a\\b', "'a\\\\b'"],
    ['a\nb\t', "'a\\nb\\t'"],
    ['\x01', "'\\x01'"],
    [5, '5'],
  ])('%j → %s', (input, expected) => {
    expect(pythonRepr(input)).toBe(expected);
  });
});

describe.runIf(hasPython())("pythonRepr and pythonBytesRepr against Python's repr()", () => {
  it('quote, escape and keep the same characters and bytes as Python does', () => {
    const strings = [
      ...['plain', "it's", 'say "hi"', `both ' and "`, 'tab\there\r\n', 'é✓ 😀', ' lead and trail '],
      ...['3\u00a0', '\x85', '\u2028', '\u200b', '\u00ad', '\ufeff', '\x00\x1f\x7f', '\ue000', '\u{10ffff}'],
    ];
    const bytes = [
      [0x61, 0xff, 0x27, 0x5c, 0x0a],
      [0x22, 0xff, 0x27],
      [0x22, 0x80],
      [...Array.from({ length: 32 }, (_, i) => i), 0x20, 0x7e, 0x7f, 0x80, 0xff],
    ];
    const theirs = JSON.parse(
      execFileSync(
        'python3',
        [
          '-c',
          'import sys, json; d = json.load(sys.stdin); ' +
            'print(json.dumps([repr(s) for s in d["s"]] + [repr(bytes(b)) for b in d["b"]]))',
        ],
        { input: JSON.stringify({ s: strings, b: bytes }), encoding: 'utf8' },
      ),
    ) as string[];
    const ours = [
      ...strings.map((s) => pythonRepr(s)),
      ...bytes.map((b) => pythonBytesRepr(Uint8Array.from(b))),
    ];
    expect(ours).toEqual(theirs);
  });
});

function hasPython(): boolean {
  try {
    execFileSync('python3', ['-c', 'pass'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
