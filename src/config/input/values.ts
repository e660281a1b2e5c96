/**
 * The value types of the configuration as people write it: signals, byte sizes, log file settings, log
 * levels. They are narrower than what the schema accepts at run time: the schema also takes supervisord's
 * text forms (`'3'`, `'true'`, `'022'`), which the INI entry gives it, but a TypeScript program has no reason
 * to write them.
 * @module
 */

/** A signal's name without `SIG`, upper case: `'TERM'`, `'HUP'`, `'USR1'`... */
export type SignalName =
  | 'HUP'
  | 'INT'
  | 'QUIT'
  | 'ILL'
  | 'TRAP'
  | 'ABRT'
  | 'IOT'
  | 'BUS'
  | 'FPE'
  | 'KILL'
  | 'USR1'
  | 'SEGV'
  | 'USR2'
  | 'PIPE'
  | 'ALRM'
  | 'TERM'
  | 'CHLD'
  | 'CLD'
  | 'STKFLT'
  | 'CONT'
  | 'STOP'
  | 'TSTP'
  | 'TTIN'
  | 'TTOU'
  | 'URG'
  | 'XCPU'
  | 'XFSZ'
  | 'VTALRM'
  | 'PROF'
  | 'WINCH'
  | 'IO'
  | 'POLL'
  | 'PWR'
  | 'SYS'
  | 'INFO'
  | 'EMT'
  | 'RTMIN'
  | 'RTMAX';

/**
 * A signal: its name with or without `SIG` (`'TERM'`, `'SIGTERM'`), or its number (`15`). Checked against
 * the signals of the platform when the configuration is resolved.
 * @example `'TERM'`, `'SIGINT'`, `9`
 */
export type Signal = SignalName | `SIG${SignalName}` | number;

/**
 * A size in bytes: a number of bytes, or text with a `KB`, `MB` or `GB` suffix (powers of 1024), as
 * supervisord writes them.
 * @example `1024`, `'50MB'`, `'64KB'`, `'1GB'`
 */
export type ByteSize = number | `${number}KB` | `${number}MB` | `${number}GB`;

/**
 * A log file setting: a path (`~` expanded), `'AUTO'` (a file in `childlogdir`, removed at start unless
 * `nocleanup`), or `'NONE'` or `null` (no file). supervisord's deprecated `'syslog'` is taken too, as
 * `*Syslog: true` without a file.
 */
export type LogfilePath = 'AUTO' | 'NONE' | (string & {}) | null;

/** A log level of the activity log: supervisord's names, in lower or upper case. */
export type LogLevelName =
  | 'critical'
  | 'error'
  | 'warn'
  | 'info'
  | 'debug'
  | 'trace'
  | 'blather'
  | Uppercase<'critical' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'blather'>;

/** A rotation interval of rotating-file-stream: a count and a unit (`s`, `m`, `h`, `d`, `M` = months). */
export type RotationInterval = `${number}${'s' | 'm' | 'h' | 'd' | 'M'}`;

/** An environment: `{ NAME: value }`; numbers and booleans are converted to strings. */
export type EnvironmentInput = Record<string, string | number | boolean>;
