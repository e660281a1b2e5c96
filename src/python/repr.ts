/**
 * Python's `repr()`, as supervisord's messages quote values with `%r`.
 * @module
 */

/**
 * What Python's `str.isprintable()` calls not printable: Unicode's "Other" (control, format, surrogate,
 * private use, unassigned) and "Separator" categories; the ASCII space is the one exception.
 */
const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;

/** `\xNN`, `\uNNNN` or `\UNNNNNNNN`, as Python's repr writes a character that is not printable. */
function escapeCode(code: number): string {
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/**
 * Python's `repr()` of a string (or of a number, which is its decimal text), as supervisord's messages
 * quote values with `%r`: single quotes unless the text holds a `'` and no `"`, backslash escapes for
 * `\\`, the quote, `\n`, `\r`, `\t`, and `\x`, `\u` or `\U` for every other character Python does not
 * print (`str.isprintable()`: controls, format characters such as U+00AD, separators such as U+00A0).
 */
export function pythonRepr(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value !== 'string') return JSON.stringify(value) ?? String(value);
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NOT_PRINTABLE.test(ch)) out += escapeCode(code);
    else out += ch;
  }
  return out + quote;
}

/**
 * Python's `repr()` of `bytes`: `b'...'` (`b"..."` when the bytes hold a `'` and no `"`), printable ASCII as
 * is, backslash escapes for `\\`, the quote, `\n`, `\r`, `\t`, and `\xNN` for every other byte.
 */
export function pythonBytesRepr(data: Uint8Array): string {
  const quote = data.includes(0x27) && !data.includes(0x22) ? 0x22 : 0x27;
  let out = `b${String.fromCharCode(quote)}`;
  for (const b of data) {
    if (b === 0x5c) out += '\\\\';
    else if (b === quote) out += `\\${String.fromCharCode(quote)}`;
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out + String.fromCharCode(quote);
}
