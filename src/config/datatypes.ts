/**
 * Value converters ported from supervisord's `supervisor/datatypes.py` (4.2.5). Each takes the text of one
 * option (numbers are accepted where supervisord's option is numeric) and returns the converted value, or
 * throws a plain `Error` whose message is supervisord's wording; callers turn it into a {@link ConfigIssue}.
 *
 * [ConfigIssue]: ../errors.ts
 * @module
 */

import { constants as osConstants, homedir } from 'node:os';
import path from 'node:path';
import { pythonRepr } from '../python/repr.js';

// Python's int(): surrounding whitespace, one optional sign, digits with single `_` between digits.
const DECIMAL_INT = /^[+-]?\d+(?:_\d+)*$/;
// int(x, 8): the same, with an optional 0o prefix (which may be followed by one `_`).
const OCTAL_INT = /^([+-]?)(?:0[oO]_?)?([0-7]+(?:_[0-7]+)*)$/;

function toNumber(digits: string, base: number, original: string): number {
  const n = parseInt(digits.replace(/_/g, ''), base);
  if (!Number.isSafeInteger(n)) throw new Error(`integer out of range: ${pythonRepr(original)}`);
  return n;
}

/**
 * `integer`: Python `int()` of the text (surrounding whitespace, a leading `+`/`-` and `_` between digits
 * are fine; no decimals, no hex). A number must be a (safe) integer.
 * @throws Error `invalid literal for int() with base 10: '1.5'`
 */
export function integer(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${pythonRepr(value)}`);
    return value;
  }
  const s = String(value).trim();
  if (!DECIMAL_INT.test(s)) throw new Error(`invalid literal for int() with base 10: ${pythonRepr(value)}`);
  const n = toNumber(s, 10, value);
  return n === 0 ? 0 : n; // no -0
}

/** supervisord's `TRUTHY_STRINGS`. */
export const TRUTHY_STRINGS: readonly string[] = ['yes', 'true', 'on', '1'];
/** supervisord's `FALSY_STRINGS`. */
export const FALSY_STRINGS: readonly string[] = ['no', 'false', 'off', '0'];

/**
 * `boolean`: case-insensitive `yes|true|on|1` → true, `no|false|off|0` → false. A boolean passes through.
 * @throws Error `not a valid boolean value: 'maybe'`
 */
export function boolean(value: string | boolean | number): boolean {
  if (typeof value === 'boolean') return value;
  const s = String(value).toLowerCase();
  if (TRUTHY_STRINGS.includes(s)) return true;
  if (FALSY_STRINGS.includes(s)) return false;
  throw new Error(`not a valid boolean value: ${pythonRepr(value)}`);
}

/**
 * `auto_restart`: truthy words → `true` (restart unconditionally), falsy words → `false`, `unexpected` →
 * `'unexpected'` (restart when the exit code is not in exitcodes); case-insensitive.
 * @throws Error `invalid 'autorestart' value 'sometimes'`
 */
export function autoRestart(value: string | boolean): boolean | 'unexpected' {
  if (typeof value === 'boolean') return value;
  const s = String(value).toLowerCase();
  if (TRUTHY_STRINGS.includes(s)) return true;
  if (FALSY_STRINGS.includes(s)) return false;
  if (s === 'unexpected') return 'unexpected';
  // supervisord quotes the lower-cased value.
  throw new Error(`invalid 'autorestart' value ${pythonRepr(s)}`);
}

const BYTE_SUFFIXES: Readonly<Record<string, number>> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/**
 * `byte_size` (supervisord's `SuffixMultiplier`): a case-insensitive `kb`/`mb`/`gb` suffix multiplies by
 * 1024, 1024² or 1024³; the rest goes through Python `int()`. No decimals (`1.5MB`), no `B` or single-letter
 * suffix (`5B`, `5K`). `10 MB` works because `int('10 ')` tolerates the space. A number is taken as bytes.
 * @throws Error `invalid literal for int() with base 10: '1.5'`
 */
export function byteSize(value: string | number): number {
  if (typeof value === 'number') return integer(value);
  const v = String(value).toLowerCase();
  const multiplier = BYTE_SUFFIXES[v.slice(-2)];
  if (multiplier !== undefined && v.length >= 2) {
    const n = integer(v.slice(0, -2)) * multiplier;
    if (!Number.isSafeInteger(n)) throw new Error(`byte size out of range: ${pythonRepr(value)}`);
    return n;
  }
  return integer(v);
}

/**
 * `octal_type`: Python `int(value, 8)`: `022`, `22` and `0o22` all give 0o22 (18). A number is taken as
 * the mode itself (write `0o022` in JavaScript).
 * @throws Error `8 can not be converted to an octal type`
 */
export function octal(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`${value} can not be converted to an octal type`);
    return value;
  }
  const m = OCTAL_INT.exec(String(value).trim());
  if (!m) throw new Error(`${value} can not be converted to an octal type`);
  const n = toNumber(m[2] ?? '', 8, value);
  return m[1] === '-' && n !== 0 ? -n : n;
}

/**
 * `list_of_exitcodes`: a comma list of integers, each 0..255; the empty string gives `[]` (then no exit is
 * ever expected). An array of numbers is checked the same way.
 * @throws Error `not a valid list of exit codes: '1,,2'`
 */
export function exitCodes(value: string | number | readonly (number | string)[]): number[] {
  const fail = (): never => {
    throw new Error(
      `not a valid list of exit codes: ${pythonRepr(Array.isArray(value) ? value.join(',') : value)}`,
    );
  };
  let items: readonly (number | string)[];
  if (typeof value === 'number') items = [value];
  else if (typeof value === 'string') items = value === '' ? [] : value.split(',');
  else items = value;
  const codes: number[] = [];
  for (const item of items) {
    let n: number;
    try {
      n = integer(item);
    } catch {
      return fail();
    }
    if (n < 0 || n > 255) fail();
    codes.push(n);
  }
  return codes;
}

/** The signals this platform knows, by name without `SIG` (aliases included), from `os.constants.signals`. */
const SIGNALS: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>();
  for (const [name, num] of Object.entries(osConstants.signals)) map.set(name.replace(/^SIG/, ''), num);
  // Python's signal module also knows these (Linux numbering); Node does not list them.
  if (process.platform === 'linux') {
    if (!map.has('CLD')) map.set('CLD', 17);
    map.set('RTMIN', 34);
    map.set('RTMAX', 64);
  }
  return map;
})();

/** Canonical name for each number: the first name Node lists for it (SIGABRT before SIGIOT, like Python). */
const SIGNAL_NAMES: ReadonlyMap<number, string> = (() => {
  const map = new Map<number, string>();
  for (const [name, num] of SIGNALS) if (!map.has(num)) map.set(num, name);
  return map;
})();

/**
 * `signal_number`: a signal name with or without `SIG`, any case, surrounding space ignored (`term`,
 * `TERM`, `SIGTERM`), or the number of a real signal (`15`). Returns the signal number.
 *
 * Difference from supervisord: supervisord also accepts `0` and the names `SIG_DFL`, `SIG_IGN`, `SIG_BLOCK`,
 * `SIG_UNBLOCK`, `SIG_SETMASK` (a quirk of collecting every `signal.SIG*` attribute; `SIG_IGN` even means
 * SIGHUP). Sending "signal 0" stops nothing, so these are rejected here with supervisord's own messages.
 * @throws Error `value 'FOO' is not a valid signal name` / `value '99' is not a valid signal number`
 */
export function signalNumber(value: string | number): number {
  let num: number;
  if (typeof value === 'number' || DECIMAL_INT.test(String(value).trim())) {
    try {
      num = integer(value);
    } catch {
      throw new Error(`value ${pythonRepr(value)} is not a valid signal number`);
    }
  } else {
    let name = String(value).trim().toUpperCase();
    if (name.startsWith('SIG')) name = name.slice(3);
    const found = SIGNALS.get(name);
    if (found === undefined) throw new Error(`value ${pythonRepr(value)} is not a valid signal name`);
    num = found;
  }
  if (!SIGNAL_NAMES.has(num)) throw new Error(`value ${pythonRepr(value)} is not a valid signal number`);
  return num;
}

/**
 * The name of a signal number without `SIG` (`15` → `'TERM'`), as supervisord prints it in
 * `getProcessInfo` descriptions and logs.
 * @throws Error `value 99 is not a valid signal number`
 */
export function signalName(num: number): string {
  const name = SIGNAL_NAMES.get(num);
  if (name === undefined) throw new Error(`value ${pythonRepr(num)} is not a valid signal number`);
  return name;
}

/** The value {@link logfileName} returns for the deprecated `syslog` file name. */
export const SYSLOG = Symbol('procvisor.logfile.syslog');

/**
 * `logfile_name`: case-insensitive `none`/`off` (or null) → `null` (no log file), `auto` → `'AUTO'` (a file
 * in childlogdir), `syslog` → {@link SYSLOG} (supervisord's deprecated spelling of `*_syslog=true`);
 * anything else is a path, with a leading `~` expanded to the home directory.
 *
 * Difference from supervisord: supervisord's `existing_dirpath` also requires the parent directory to exist
 * when the configuration is read. This converter does not touch the file system; the directory is checked
 * when the log file is opened.
 */
export function logfileName(value: string | null): string | 'AUTO' | null | typeof SYSLOG {
  if (value === null) return null;
  const s = String(value).toLowerCase();
  if (s === 'none' || s === 'off') return null;
  if (s === 'auto') return 'AUTO';
  if (s === 'syslog') return SYSLOG;
  return expandUser(value);
}

/** Python's `os.path.expanduser` for the current user: `~` and `~/x` only (`~other` is left alone). */
export function expandUser(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return path.join(homedir(), p.slice(2));
  return p;
}

/**
 * `process_or_group_name`: stripped; must not contain a space, `:` or `/` (they break the event listener
 * protocol and web UI URLs).
 * @throws Error `Invalid name: 'a b' because of character: ' '`
 */
export function processOrGroupName(value: string): string {
  const s = String(value).trim();
  for (const ch of [' ', ':', '/']) {
    if (s.includes(ch))
      throw new Error(`Invalid name: ${pythonRepr(value)} because of character: ${pythonRepr(ch)}`);
  }
  return s;
}

/**
 * `user=` at configuration time: a user name or a numeric uid (returned as a number). Unlike supervisord's
 * `name_to_uid`, names are not looked up in the passwd database here: that happens at spawn.
 * @throws Error `Invalid user name ''`
 */
export function nameToUid(value: string | number): string | number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`Invalid user id ${value}`);
    return value;
  }
  const s = String(value).trim();
  if (DECIMAL_INT.test(s)) {
    const n = integer(s);
    if (n < 0) throw new Error(`Invalid user id ${value}`);
    return n;
  }
  if (s === '' || /[\s:]/.test(s)) throw new Error(`Invalid user name ${value}`);
  return s;
}

/** supervisord's log level names (`loggers.py LevelsByName`, lower-cased descriptions) and their numbers. */
export const LOG_LEVELS = {
  critical: 50,
  error: 40,
  warn: 30,
  info: 20,
  debug: 10,
  trace: 5,
  blather: 3,
} as const;

/** A supervisord log level name. */
export type LogLevel = keyof typeof LOG_LEVELS;

/**
 * `logging_level`: one of `critical`, `error`, `warn`, `info`, `debug`, `trace`, `blather`, any case.
 * @throws Error `bad logging level name 'loud'`
 */
export function loggingLevel(value: string): LogLevel {
  const s = String(value).toLowerCase();
  if (Object.hasOwn(LOG_LEVELS, s)) return s as LogLevel;
  throw new Error(`bad logging level name ${pythonRepr(value)}`);
}
