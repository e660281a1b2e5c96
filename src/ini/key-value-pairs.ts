/**
 * `environment=KEY="val",KEY2=val`: supervisord 4.2.5's `datatypes.dict_of_key_value_pairs`, which splits
 * the value with Python's `shlex.shlex(value)` in its legacy **non-POSIX** mode (quotes kept in tokens, no
 * backslash escapes, `#` comments), word characters extended by `/.+-():`. The tokenizer is the project's
 * port of Python's shlex (`src/python/shlex.ts`); the npm `shlex` package has no non-POSIX mode.
 * @module
 */

import { Shlex } from '../python/shlex.js';
import { pyStripChars } from './py-text.js';
import { nameRecord } from '../config/name-record.js';

/** The tokens of Python's `list(shlex.shlex(text))` with `wordchars += '/.+-():'`. */
export function shlexTokens(text: string): string[] {
  return new Shlex(text, { posix: false, extraWordchars: '/.+-():' }).tokens();
}

/**
 * `dict_of_key_value_pairs`: tokens are taken four at a time, `KEY`, `=`, `VALUE`, and one separator that
 * is skipped without being checked; the value has its surrounding quote characters stripped.
 * @throws Error `Unexpected end of key/value pairs in value '...'`, or shlex's `No closing quotation`
 */
export function dictOfKeyValuePairs(text: string): Record<string, string> {
  const tokens = shlexTokens(text);
  const out = nameRecord<string>();
  for (let i = 0; i < tokens.length; i += 4) {
    const k = tokens[i];
    const v = tokens[i + 2];
    if (k === undefined || v === undefined || tokens[i + 1] !== '=') {
      throw new Error(`Unexpected end of key/value pairs in value '${text}'`);
    }
    Object.defineProperty(out, k, {
      value: pyStripChars(v, `'"`),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
