/**
 * Python's `repr()`, as supervisord's messages quote values with `%r`.
 * @module
 */

/**
 * Python's `repr()` of a string (or of a number, which is its decimal text), as supervisord's messages
 * quote values with `%r`: single quotes unless the text holds a `'` and no `"`, backslash escapes for
 * `\\`, the quote, `\n`, `\r`, `\t` and other control characters.
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
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}
