/**
 * The activity log file: supervisord's main log (`[supervisord] logfile`), one line per activity record
 * (`spawned: 'web' with pid 123`, `exited: web (exit status 1; not expected)`) at or above `loglevel`, in
 * supervisord's format (`supervisor/loggers.py`: `%(asctime)s %(levelname)s %(message)s`, local time with
 * milliseconds, four-letter level names), rotated like a child's log.
 * @module
 */
import { LOG_LEVELS, type LogLevel } from '../config/datatypes.js';
import type { ActivityLogRecord } from '../events/emitter.js';
import { LogFile, type LogFileEvents } from './log-file.js';

/** supervisord's level names (`loggers.py LOG_LEVELS_BY_NUM`), by procvisor's record levels. */
const LEVEL_NAMES: Readonly<Record<ActivityLogRecord['level'] | 'critical', string>> = {
  critical: 'CRIT',
  error: 'ERRO',
  warn: 'WARN',
  info: 'INFO',
  debug: 'DEBG',
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2026-12-02 16:42:49,347`: supervisord's asctime, in local time. */
export function asctime(wallMs: number): string {
  const d = new Date(wallMs);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`
  );
}

/** One line of the activity log, as supervisord writes it. */
export function formatActivity(record: ActivityLogRecord): string {
  return `${asctime(record.time)} ${LEVEL_NAMES[record.level]} ${record.message}\n`;
}

/** Options of an {@link ActivityLog}. */
export interface ActivityLogOptions {
  readonly path: string;
  readonly maxbytes: number;
  readonly backups: number;
  /** The lowest level written. */
  readonly level: LogLevel;
}

/**
 * The activity log file of one supervisor. A write error never throws: it is reported once through
 * `events.error`, and lines are dropped until the file can be written again.
 */
export class ActivityLog {
  readonly path: string;
  readonly #threshold: number;
  readonly #file: LogFile;

  /** @throws the `open(2)` error when the file cannot be opened */
  constructor(options: ActivityLogOptions, events: Pick<LogFileEvents, 'error' | 'recovered'>) {
    this.path = options.path;
    this.#threshold = LOG_LEVELS[options.level];
    this.#file = LogFile.open(
      options.path,
      { maxbytes: options.maxbytes, backups: options.backups },
      // Nothing pauses on an activity log: lines are few, and the high-water mark bounds what waits.
      { ...events, drain: () => {} },
    );
  }

  /** Writes the record if its level is at or above `loglevel`. */
  write(record: ActivityLogRecord): void {
    if (LOG_LEVELS[record.level] < this.#threshold) return;
    this.#file.write(Buffer.from(formatActivity(record)));
  }

  /** Resolves once every line written so far is in the file. */
  flushed(): Promise<void> {
    return this.#file.flushed();
  }

  /** Truncates the file (supervisord's `clearLog` removes it and reopens). */
  clear(): Promise<void> {
    return this.#file.clear();
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return this.#file.close();
  }
}
