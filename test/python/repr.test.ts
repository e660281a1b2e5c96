import { describe, expect, it } from 'vitest';
import { pythonRepr } from '../../src/python/repr.js';

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
