/**
 * The log options of a program's two output channels, as people write them (`stdout_logfile`,
 * `stdout_logfile_maxbytes`, ... in supervisord).
 * @module
 */

import type { LineStampFormat } from '../../logging/line-stamps.js';
import type { ByteSize, LogfilePath, RotationInterval } from './values.js';

/** The log options of stdout: supervisord's `stdout_*` keys, and procvisor's timestamps and rotation by time. */
export interface StdoutLogOptions {
  /**
   * Where the process's stdout goes: a path (`~` expanded), `'AUTO'` (a file in `childlogdir`), `'NONE'` or
   * `null` (no file). Expanded with the per-process names (`%(program_name)s`, `%(process_num)02d`...).
   * supervisord: `stdout_logfile`.
   * @default 'AUTO'
   * @example `'/var/log/web-%(process_num)02d.log'`
   */
  stdoutLogfile?: LogfilePath;
  /**
   * Rotate the stdout log file when it reaches this size; 0 = never rotate. Bytes, or text with a
   * KB/MB/GB suffix. supervisord: `stdout_logfile_maxbytes`.
   * @default '50MB' (52428800 bytes)
   * @example `'10MB'`
   */
  stdoutLogfileMaxbytes?: ByteSize;
  /**
   * How many rotated stdout log files to keep (`file.1` ... `file.N`); 0 = keep none. At most 1000.
   * supervisord: `stdout_logfile_backups`.
   * @default 10
   */
  stdoutLogfileBackups?: number;
  /**
   * Capture mode: bytes of stdout kept between `<!--XSUPERVISOR:BEGIN-->` and `<!--XSUPERVISOR:END-->` and
   * emitted as a PROCESS_COMMUNICATION_STDOUT event; 0 = capture mode off. supervisord:
   * `stdout_capture_maxbytes`.
   * @default 0
   */
  stdoutCaptureMaxbytes?: ByteSize;
  /**
   * Emit a PROCESS_LOG_STDOUT event for each chunk of stdout. supervisord: `stdout_events_enabled`.
   * @default false
   */
  stdoutEventsEnabled?: boolean;
  /**
   * Also send stdout lines to syslog, tagged with the process name. supervisord: `stdout_syslog`.
   * @default false
   */
  stdoutSyslog?: boolean;
  /**
   * procvisor (not supervisord): start each line of the stdout log file with the time its first byte was
   * read. `true` writes ISO 8601 with milliseconds in UTC and a space (`2026-12-02T20:41:07.123Z `); a
   * function writes what it returns. Events, `lines()` and capture-mode blocks keep the child's bytes.
   * @default false
   * @example `(time) => time.toLocaleTimeString() + ' '`
   */
  stdoutLogTimestamps?: boolean | LineStampFormat;
  /**
   * procvisor (not supervisord): also rotate the stdout log file on this interval, next to
   * `stdoutLogfileMaxbytes`: a count and a unit of rotating-file-stream (`s`, `m`, `h`, `d`, `M` = months).
   * `null` = by size only.
   * @default null
   * @example `'1d'`
   */
  stdoutLogfileInterval?: RotationInterval | null;
  /**
   * procvisor (not supervisord): gzip each rotated stdout log file (`file.1.gz`, `file.2.gz`, ...).
   * @default false
   */
  stdoutLogfileCompress?: boolean;
}

/** The log options of stderr: supervisord's `stderr_*` keys, and procvisor's timestamps and rotation by time. */
export interface StderrLogOptions {
  /**
   * Where the process's stderr goes: a path (`~` expanded), `'AUTO'` (a file in `childlogdir`), `'NONE'` or
   * `null` (no file). Not used with `redirectStderr`. supervisord: `stderr_logfile`.
   * @default 'AUTO'
   * @example `'/var/log/web.err.log'`
   */
  stderrLogfile?: LogfilePath;
  /**
   * Rotate the stderr log file when it reaches this size; 0 = never rotate. Bytes, or text with a
   * KB/MB/GB suffix. supervisord: `stderr_logfile_maxbytes`.
   * @default '50MB' (52428800 bytes)
   */
  stderrLogfileMaxbytes?: ByteSize;
  /**
   * How many rotated stderr log files to keep; 0 = keep none. At most 1000. supervisord:
   * `stderr_logfile_backups`.
   * @default 10
   */
  stderrLogfileBackups?: number;
  /**
   * Capture mode for stderr (PROCESS_COMMUNICATION_STDERR), in bytes; 0 = off. supervisord:
   * `stderr_capture_maxbytes`.
   * @default 0
   */
  stderrCaptureMaxbytes?: ByteSize;
  /**
   * Emit a PROCESS_LOG_STDERR event for each chunk of stderr. supervisord: `stderr_events_enabled`.
   * @default false
   */
  stderrEventsEnabled?: boolean;
  /**
   * Also send stderr lines to syslog, tagged with the process name. supervisord: `stderr_syslog`.
   * @default false
   */
  stderrSyslog?: boolean;
  /**
   * procvisor (not supervisord): as `stdoutLogTimestamps`, for the stderr log file.
   * @default false
   */
  stderrLogTimestamps?: boolean | LineStampFormat;
  /**
   * procvisor (not supervisord): as `stdoutLogfileInterval`, for the stderr log file.
   * @default null
   */
  stderrLogfileInterval?: RotationInterval | null;
  /**
   * procvisor (not supervisord): as `stdoutLogfileCompress`, for the stderr log file.
   * @default false
   */
  stderrLogfileCompress?: boolean;
}
