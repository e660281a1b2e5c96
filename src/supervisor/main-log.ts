/**
 * The supervisor's main log: the activity log file of the configuration in force when the supervisor
 * started (or restarted), and supervisord's `readLog` and `clearLog` on it (`rpcinterface.py`).
 * @module
 */
import { existsSync } from 'node:fs';
import type { ResolvedConfig } from '../config/types.js';
import { SupervisorError } from '../errors.js';
import type { ActivityLogRecord } from '../events/emitter.js';
import { ActivityLog } from '../logging/activity-log.js';
import { readLogFile } from '../logging/read.js';

/** Where the main log reports its own faults (they never reach the host as exceptions). */
export interface MainLogReports {
  /** The file could not be opened or written. */
  fault(message: string, error: unknown): void;
}

/** The activity log file, if the configuration names one. */
export class MainLog {
  #log: ActivityLog | null = null;
  #path: string | null = null;
  readonly #reports: MainLogReports;

  constructor(reports: MainLogReports) {
    this.#reports = reports;
  }

  /** The file being written, or null. */
  get path(): string | null {
    return this.#path;
  }

  /** Opens the file `config` names (closing the one open before). An open that fails is reported. */
  async open(config: ResolvedConfig): Promise<void> {
    await this.close();
    this.#path = config.logfile;
    if (config.logfile === null) return;
    try {
      this.#log = new ActivityLog(
        {
          path: config.logfile,
          maxbytes: config.logfileMaxbytes,
          backups: config.logfileBackups,
          level: config.loglevel,
        },
        {
          error: (err) => this.#reports.fault(`cannot write the activity log ${config.logfile}`, err),
          recovered: () => {},
        },
      );
    } catch (err) {
      this.#reports.fault(`cannot open the activity log ${config.logfile}`, err);
    }
  }

  /** Writes one record (if the file is open and the level is high enough). */
  write(record: ActivityLogRecord): void {
    this.#log?.write(record);
  }

  /** Closes the file and opens it again, for a log rotated by another program (SIGUSR2 in supervisord). */
  async reopen(config: ResolvedConfig): Promise<void> {
    await this.open({ ...config, logfile: this.#path });
  }

  /**
   * supervisord's `readLog(offset, length)`: as `readProcessStdoutLog`, on the main log. NO_FILE without a
   * log file, or when it does not exist.
   */
  async read(offset: number, length: number): Promise<string> {
    const path = this.#path;
    if (path === null || !existsSync(path)) throw new SupervisorError('NO_FILE', path ?? '');
    await this.#log?.flushed();
    return (await readLogFile(path, offset, length)).toString('utf8');
  }

  /** supervisord's `clearLog`: empties the main log. NO_FILE without one. */
  async clear(): Promise<true> {
    const path = this.#path;
    if (path === null || !existsSync(path)) throw new SupervisorError('NO_FILE');
    if (this.#log) await this.#log.clear();
    return true;
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    const log = this.#log;
    this.#log = null;
    await log?.close();
  }
}
