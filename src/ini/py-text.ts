/**
 * Small pieces of Python's string semantics that supervisord's file reading depends on: which characters
 * `str.isspace()` / `str.strip()` / the `re` module's `\s` treat as whitespace, and universal newlines.
 * @module
 */

/**
 * The characters Python 3's `str.isspace()` accepts (bidirectional class WS, B or S, or category Zs). It
 * differs from JavaScript's `\s`: Python includes `\x1c`–`\x1f` and `\x85`, and excludes `\ufeff`.
 */
export const PY_WHITESPACE =
  '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/** Python's `ch.isspace()` for one character. */
export function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '' && PY_WHITESPACE.includes(ch);
}

/** Python's `s.strip()` (no argument). */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s[start])) start++;
  while (end > start && isSpace(s[end - 1])) end--;
  return s.slice(start, end);
}

/** Python's `s.rstrip()` (no argument). */
export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isSpace(s[end - 1])) end--;
  return s.slice(0, end);
}

/** Python's `s.strip(chars)`. */
export function pyStripChars(s: string, chars: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && chars.includes(s[start] ?? '')) start++;
  while (end > start && chars.includes(s[end - 1] ?? '')) end--;
  return s.slice(start, end);
}

/**
 * The lines of a text file as Python's `open(path, 'r')` yields them: universal newlines (`\r\n` and a lone
 * `\r` become `\n`), each line keeping its `\n` except possibly the last.
 */
export function pyLines(text: string): string[] {
  const normal = text.replace(/\r\n?/g, '\n');
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = normal.indexOf('\n', start);
    if (nl === -1) break;
    lines.push(normal.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < normal.length) lines.push(normal.slice(start));
  return lines;
}
