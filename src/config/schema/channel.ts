/**
 * The six log options of each output channel (`stdout_logfile`, `stdout_logfile_maxbytes`, ...), shared by
 * programs and event listener pools.
 * @module
 */

import { z } from 'zod';
import type { LineStampFormat } from '../../logging/line-stamps.js';
import { bool, boundedInt, bytes, logfile } from './options.js';

/** A rotating-file-stream interval: a count and a unit (s, m, h, d, M), or null. */
const interval = () =>
  z.union([z.string().regex(/^[1-9]\d*[smhdM]$/), z.null()], {
    error: "expected an interval like '1d', '6h', '30m' or '10s' (units s, m, h, d, M), or null",
  });

/** `true`, `false` or a function formatting the time a line started (procvisor, not supervisord). */
const timestamps = () =>
  z.union([z.boolean(), z.custom<LineStampFormat>((v) => typeof v === 'function')], {
    error: 'expected true, false or a function (time: Date) => string',
  });

/** `*_logfile_maxbytes` etc. for one channel, as schema entries (`stdout` or `stderr`). */
export function channelOptions<C extends 'stdout' | 'stderr'>(c: C) {
  const C = c;
  return {
    [`${C}Logfile`]: logfile()
      .default('AUTO')
      .describe(
        `\`${C}_logfile\`: where the process's ${C} goes: a path (\`~\` expanded), 'AUTO' (a file in childlogdir, ` +
          `removed at start unless nocleanup), 'NONE' or null (no file), or the deprecated 'syslog'. ` +
          'Expanded twice with the per-process names (write %%%% for a literal %). @default "AUTO"',
      ),
    [`${C}LogfileMaxbytes`]: bytes()
      .default(50 * 1024 * 1024)
      .describe(
        `\`${C}_logfile_maxbytes\`: rotate the log file when it reaches this many bytes; 0 = never rotate. ` +
          'Number of bytes or text with a KB/MB/GB suffix (powers of 1024). @default "50MB"',
      ),
    [`${C}LogfileBackups`]: boundedInt('logfileBackups')
      .default(10)
      .describe(`\`${C}_logfile_backups\`: rotated files to keep; 0 = keep none. @default 10`),
    [`${C}CaptureMaxbytes`]: bytes()
      .default(0)
      .describe(
        `\`${C}_capture_maxbytes\`: bytes kept in capture mode (PROCESS_COMMUNICATION events); 0 = capture mode off. ` +
          '@default 0',
      ),
    [`${C}EventsEnabled`]: bool()
      .default(false)
      .describe(
        `\`${C}_events_enabled\`: emit PROCESS_LOG_${C.toUpperCase()} events for each chunk. @default false`,
      ),
    [`${C}Syslog`]: bool()
      .default(false)
      .describe(
        `\`${C}_syslog\`: also send ${C} lines to syslog, tagged with the process name. @default false`,
      ),
    [`${C}LogfileInterval`]: interval()
      .default(null)
      .describe(
        `procvisor: also rotate the ${C} log file on this interval ('1d', '6h', '30m', '10s'), next to ` +
          'maxbytes. @default null',
      ),
    [`${C}LogfileCompress`]: bool()
      .default(false)
      .describe(`procvisor: gzip the rotated ${C} log files (file.1.gz, ...). @default false`),
    [`${C}LogTimestamps`]: timestamps()
      .default(false)
      .describe(
        `procvisor: start each line of the ${C} log file with the time it was read: true = ISO 8601 with ` +
          'milliseconds (UTC) and a space, or a function (time: Date) => string. @default false',
      ),
  } as unknown as C extends 'stdout' ? StdoutOptions : StderrOptions;
}

// The six options of each channel, spelt out so that editors and the API reference show their documentation.
type LogfileOption = z.ZodDefault<ReturnType<typeof logfile>>;
type BytesOption = z.ZodDefault<ReturnType<typeof bytes>>;
type CountOption = z.ZodDefault<ReturnType<typeof boundedInt>>;
type FlagOption = z.ZodDefault<ReturnType<typeof bool>>;
type StampOption = z.ZodDefault<ReturnType<typeof timestamps>>;
type IntervalOption = z.ZodDefault<ReturnType<typeof interval>>;
interface StdoutOptions {
  /**
   * `stdout_logfile`: where the process's stdout goes: a path (`~` expanded), `'AUTO'` (a file in
   * `childlogdir`), `'NONE'` or `null` (no file). Expanded twice with the per-process names.
   * @default 'AUTO'
   */
  stdoutLogfile: LogfileOption;
  /** `stdout_logfile_maxbytes`: rotate the stdout log at this size, in bytes (or `'50MB'`); 0 = never. @default '50MB' (52428800 bytes) */
  stdoutLogfileMaxbytes: BytesOption;
  /** `stdout_logfile_backups`: rotated stdout log files to keep; 0 = keep none. @default 10 */
  stdoutLogfileBackups: CountOption;
  /** `stdout_capture_maxbytes`: bytes kept in capture mode (PROCESS_COMMUNICATION_STDOUT); 0 = capture mode off. @default 0 */
  stdoutCaptureMaxbytes: BytesOption;
  /** `stdout_events_enabled`: emit a PROCESS_LOG_STDOUT event for each chunk of stdout. @default false */
  stdoutEventsEnabled: FlagOption;
  /** `stdout_syslog`: also send stdout lines to syslog, tagged with the process name. @default false */
  stdoutSyslog: FlagOption;
  /**
   * procvisor (not supervisord): start each line of the stdout log file with the time its first byte was
   * read. `true` writes ISO 8601 with milliseconds in UTC and a space (`2026-12-02T20:41:07.123Z `); a
   * function writes what it returns. Events, `lines()` and capture-mode blocks keep the child's bytes.
   * @default false
   */
  stdoutLogTimestamps: StampOption;
  /**
   * procvisor (not supervisord): also rotate the stdout log file on this interval, next to
   * `stdoutLogfileMaxbytes` (rotating-file-stream's `interval`: `'1d'`, `'6h'`, `'30m'`, `'10s'`).
   * @default null
   */
  stdoutLogfileInterval: IntervalOption;
  /** procvisor (not supervisord): gzip each rotated stdout log file (`file.1.gz`, `file.2.gz`, ...). @default false */
  stdoutLogfileCompress: FlagOption;
}
interface StderrOptions {
  /**
   * `stderr_logfile`: where the process's stderr goes: a path (`~` expanded), `'AUTO'` (a file in
   * `childlogdir`), `'NONE'` or `null` (no file). Not used with `redirectStderr`.
   * @default 'AUTO'
   */
  stderrLogfile: LogfileOption;
  /** `stderr_logfile_maxbytes`: rotate the stderr log at this size, in bytes (or `'50MB'`); 0 = never. @default '50MB' (52428800 bytes) */
  stderrLogfileMaxbytes: BytesOption;
  /** `stderr_logfile_backups`: rotated stderr log files to keep; 0 = keep none. @default 10 */
  stderrLogfileBackups: CountOption;
  /** `stderr_capture_maxbytes`: bytes kept in capture mode (PROCESS_COMMUNICATION_STDERR); 0 = capture mode off. @default 0 */
  stderrCaptureMaxbytes: BytesOption;
  /** `stderr_events_enabled`: emit a PROCESS_LOG_STDERR event for each chunk of stderr. @default false */
  stderrEventsEnabled: FlagOption;
  /** `stderr_syslog`: also send stderr lines to syslog, tagged with the process name. @default false */
  stderrSyslog: FlagOption;
  /** procvisor (not supervisord): as `stdoutLogTimestamps`, for the stderr log file. @default false */
  stderrLogTimestamps: StampOption;
  /** procvisor (not supervisord): as `stdoutLogfileInterval`, for the stderr log file. @default null */
  stderrLogfileInterval: IntervalOption;
  /** procvisor (not supervisord): as `stdoutLogfileCompress`, for the stderr log file. @default false */
  stderrLogfileCompress: FlagOption;
}
