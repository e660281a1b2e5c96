/**
 * Python's `format % mapping` operator (`%(name)s`, `%(name)05.2f`, ...), which supervisord's `expand()`
 * applies to its options (`supervisor/options.py expand`).
 * @module
 */

import { pythonRepr } from './repr.js';

/** The names a format may use, and their values. */
export type FormatValues = Readonly<Record<string, string | number>>;

/** A `%(name)…` names a key that is not in the mapping (Python's `KeyError`). */
export class MissingNameError extends Error {
  /** The name that was not found. */
  readonly key: string;
  constructor(key: string) {
    super(pythonRepr(key)); // str(KeyError('x')) is "'x'"
    this.name = 'MissingNameError';
    this.key = key;
  }
}

/**
 * The largest width or precision accepted. Python builds the text at any width until memory runs out; a
 * configuration has no use for more than this.
 */
export const MAX_FORMAT_WIDTH = 10_000;

const FLAGS = '-+ #0';
const CONVERSIONS = 'diouxXeEfFgGcrsa';

function typeName(v: unknown): string {
  return typeof v === 'string'
    ? 'str'
    : typeof v === 'number'
      ? Number.isInteger(v)
        ? 'int'
        : 'float'
      : typeof v;
}

interface Spec {
  readonly flags: string;
  readonly width: number;
  readonly precision: number | undefined;
  readonly conv: string;
}

function pad(body: string, sign: string, spec: Spec, numeric: boolean): string {
  const len = sign.length + body.length;
  if (spec.width <= len) return sign + body;
  const fill = spec.width - len;
  if (spec.flags.includes('-')) return sign + body + ' '.repeat(fill);
  if (numeric && spec.flags.includes('0')) {
    // Zero padding goes after the sign and any 0x/0o prefix, as in Python.
    const prefix = /^0[xXo]/.test(body) && spec.flags.includes('#') ? body.slice(0, 2) : '';
    return sign + prefix + '0'.repeat(fill) + body.slice(prefix.length);
  }
  return ' '.repeat(fill) + sign + body;
}

function signOf(negative: boolean, flags: string): string {
  if (negative) return '-';
  if (flags.includes('+')) return '+';
  if (flags.includes(' ')) return ' ';
  return '';
}

function formatGeneral(abs: number, spec: Spec): string {
  const upper = spec.conv === 'G';
  let p = spec.precision ?? 6;
  if (p === 0) p = 1;
  if (!Number.isFinite(abs)) return upper ? String(abs).toUpperCase() : String(abs);
  const exp = abs === 0 ? 0 : Number(abs.toExponential(p - 1).split('e')[1]);
  let out: string;
  if (exp < -4 || exp >= p) {
    out = pythonExponent(abs.toExponential(p - 1));
    if (!spec.flags.includes('#')) out = out.replace(/\.?0+e/, 'e');
  } else {
    out = abs.toFixed(Math.max(p - 1 - exp, 0));
    if (!spec.flags.includes('#')) out = out.includes('.') ? out.replace(/\.?0+$/, '') : out;
    else if (!out.includes('.')) out += '.';
  }
  return upper ? out.toUpperCase() : out;
}

/** JavaScript writes `1.5e+7`; Python writes at least two exponent digits: `1.5e+07`. */
function pythonExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function convert(value: string | number, spec: Spec): string {
  const { conv, flags, precision } = spec;
  switch (conv) {
    case 's':
    case 'r':
    case 'a': {
      let text = conv === 's' || typeof value === 'number' ? String(value) : pythonRepr(value);
      if (conv === 'a') text = text.replace(/[\u0080-\u{10ffff}]/gu, (ch) => asciiEscape(ch));
      if (precision !== undefined) text = text.slice(0, precision);
      return pad(text, '', spec, false);
    }
    case 'c': {
      let ch: string;
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0x10ffff) {
        ch = String.fromCodePoint(value);
      } else if (typeof value === 'string' && [...value].length === 1) ch = value;
      else throw new TypeError('%c requires int or char');
      return pad(ch, '', spec, false);
    }
    case 'd':
    case 'i':
    case 'u': {
      if (typeof value !== 'number') {
        throw new TypeError(`%${conv} format: a real number is required, not ${typeName(value)}`);
      }
      let digits = String(Math.trunc(Math.abs(value)));
      if (precision !== undefined && digits.length < precision) digits = digits.padStart(precision, '0');
      return pad(digits, signOf(value < 0, flags), spec, true);
    }
    case 'o':
    case 'x':
    case 'X': {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw new TypeError(`%${conv} format: an integer is required, not ${typeName(value)}`);
      }
      let digits = Math.abs(value).toString(conv === 'o' ? 8 : 16);
      if (conv === 'X') digits = digits.toUpperCase();
      if (precision !== undefined && digits.length < precision) digits = digits.padStart(precision, '0');
      if (flags.includes('#')) digits = (conv === 'o' ? '0o' : conv === 'x' ? '0x' : '0X') + digits;
      return pad(digits, signOf(value < 0, flags), spec, true);
    }
    default: {
      // e E f F g G
      if (typeof value !== 'number') throw new TypeError(`must be real number, not ${typeName(value)}`);
      const abs = Math.abs(value);
      const p = precision ?? 6;
      let body: string;
      if (conv === 'f' || conv === 'F') {
        body = abs.toFixed(p);
        if (flags.includes('#') && p === 0) body += '.';
      } else if (conv === 'e' || conv === 'E') {
        body = pythonExponent(abs.toExponential(p));
        if (flags.includes('#') && p === 0) body = body.replace('e', '.e');
      } else body = formatGeneral(abs, spec);
      if (conv === 'E' || conv === 'F') body = body.toUpperCase();
      return pad(body, signOf(value < 0 || Object.is(value, -0), flags), spec, true);
    }
  }
}

function asciiEscape(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/**
 * Python's `format % mapping`: `%(name)s`, `%(name)d`, `%(name)05.2f`, `%(name)r`… with Python's flags
 * (`-+ #0`), width, precision and conversions (`diouxXeEfFgGcrsa`); `%%` is a literal `%`.
 *
 * Difference from Python: a conversion without a `(name)` (`date +%s`) is an error here. Python would
 * format the whole mapping there (`date +{'here': …}`) for `%s`/`%r`/`%a` and fail for the others, which
 * only ever hides a forgotten `%%`.
 * @throws MissingNameError when a name is not in `values` (Python's `KeyError`)
 * @throws Error with Python's wording when the format is malformed or a value has the wrong type
 */
export function pythonFormat(format: string, values: FormatValues): string {
  let out = '';
  let i = 0;
  const n = format.length;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    if (i >= n) throw new Error('incomplete format');
    if (format[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    let key: string | undefined;
    if (format[i] === '(') {
      // Python allows balanced parentheses inside the key.
      let depth = 1;
      const start = ++i;
      while (i < n && depth > 0) {
        if (format[i] === '(') depth++;
        else if (format[i] === ')') depth--;
        i++;
      }
      if (depth > 0) throw new Error('incomplete format key');
      key = format.slice(start, i - 1);
    }
    let flags = '';
    while (i < n && FLAGS.includes(format[i] ?? '')) flags += format[i++];
    let width = 0;
    let precision: number | undefined;
    if (format[i] === '*') throw new Error('* wants int: a (name) mapping cannot supply a width');
    while (i < n && /\d/.test(format[i] ?? '')) width = width * 10 + Number(format[i++]);
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') throw new Error('* wants int: a (name) mapping cannot supply a precision');
      precision = 0;
      while (i < n && /\d/.test(format[i] ?? '')) precision = precision * 10 + Number(format[i++]);
    }
    if (width > MAX_FORMAT_WIDTH || (precision ?? 0) > MAX_FORMAT_WIDTH) {
      throw new Error(`width too big (at most ${MAX_FORMAT_WIDTH})`);
    }
    while (i < n && 'hlL'.includes(format[i] ?? '')) i++;
    if (i >= n) throw new Error('incomplete format');
    const conv = format[i] ?? '';
    if (!CONVERSIONS.includes(conv)) {
      const code = conv.charCodeAt(0);
      throw new Error(
        `unsupported format character ${pythonRepr(conv)} (0x${code.toString(16)}) at index ${i}`,
      );
    }
    i++;
    if (key === undefined) {
      throw new Error(
        `'%${conv}' at index ${pct} has no (name); write %% for a literal '%' (Python would insert the whole mapping)`,
      );
    }
    if (!Object.hasOwn(values, key)) throw new MissingNameError(key);
    const value = values[key] as string | number;
    out += convert(value, { flags, width, precision, conv });
  }
  return out;
}
