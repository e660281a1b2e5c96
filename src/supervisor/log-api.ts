/**
 * The log methods of the control API (`rpcinterface.py readProcessStdoutLog`, `tailProcessStdoutLog`,
 * `clearProcessLogs` and their aliases), on the base class of {@link Supervisor}.
 * @module
 */
import { Faults, SupervisorError } from '../errors.js';
import { SafeEmitter, type ActivityLogRecord, type SupervisorEventMap } from '../events/emitter.js';
import type { ProcessResult } from '../group/results.js';
import type { TailResult } from '../logging/read.js';
import type { Process } from '../process/process.js';
import type { MainLog } from './main-log.js';

/** The log methods of {@link Supervisor}. */
export abstract class LogApi extends SafeEmitter<SupervisorEventMap> {
  /** @internal The process `name` names; SHUTDOWN_STATE, BAD_NAME. */
  abstract _process(name: string): Process;
  /** @internal Every active process by priority; SHUTDOWN_STATE. */
  abstract _allByPriority(): Process[];
  /** @internal The main (activity) log; SHUTDOWN_STATE. */
  abstract _mainLog(): MainLog;

  /**
   * supervisord's `readLog(offset, length)`: bytes of the main log (the `logfile` option: the activity log
   * file), read as {@link LogApi.readProcessStdoutLog} reads a process's. NO_FILE without a `logfile`, or
   * when it does not exist; BAD_ARGUMENTS, FAILED as there.
   */
  async readLog(offset: number, length: number): Promise<string> {
    return this._mainLog().read(offset, length);
  }

  /** supervisord's `readMainLog`: an alias of {@link LogApi.readLog}. */
  async readMainLog(offset: number, length: number): Promise<string> {
    return this.readLog(offset, length);
  }

  /** Writes a line to the activity log (see {@link Supervisor.log}). */
  abstract log(level: ActivityLogRecord['level'], message: string): void;

  /**
   * Rotates the log files of running processes now (procvisor, not supervisord): those of the process `name`
   * names, or of every process. The backups shift as a size rotation shifts them (`file` becomes `file.1`,
   * gzipped with `*LogfileCompress`), within `*LogfileBackups`; a new file opens. A stopped process has no
   * open log file and is left alone. BAD_NAME, SHUTDOWN_STATE.
   */
  async rotateLogs(name?: string): Promise<void> {
    const processes = name === undefined ? this._allByPriority() : [this._process(name)];
    await Promise.all(processes.map((p) => p._output.rotate()));
  }

  /**
   * supervisord's `clearLog`: empties the main log, which then starts with supervisord's `reopening log file`
   * line. NO_FILE without one.
   */
  async clearLog(): Promise<true> {
    await this._mainLog().clear();
    this.log('info', 'reopening log file');
    return true;
  }

  /**
   * supervisord's `readProcessStdoutLog(name, offset, length)`: `length` bytes of the stdout log from
   * `offset`; length 0 reads to the end; a negative offset (with length 0) reads the last `-offset` bytes.
   * Faults: BAD_NAME, NO_FILE (no log file, or it does not exist), BAD_ARGUMENTS (negative length, or a
   * negative offset with a length), FAILED (I/O error). Bytes that are not UTF-8 become U+FFFD.
   */
  async readProcessStdoutLog(name: string, offset: number, length: number): Promise<string> {
    return this._process(name)._output.read('stdout', offset, length);
  }

  /** supervisord's `readProcessLog`: an alias of {@link LogApi.readProcessStdoutLog}. */
  async readProcessLog(name: string, offset: number, length: number): Promise<string> {
    return this.readProcessStdoutLog(name, offset, length);
  }

  /** supervisord's `readProcessStderrLog`: as {@link LogApi.readProcessStdoutLog}, for stderr. */
  async readProcessStderrLog(name: string, offset: number, length: number): Promise<string> {
    return this._process(name)._output.read('stderr', offset, length);
  }

  /**
   * supervisord's `tailProcessStdoutLog(name, offset, length)`: up to `length` bytes from `offset`; when
   * more than `length` bytes follow `offset`, the last `length` bytes and `overflow` true. The returned
   * offset is the log's size: pass it back to get what comes next. `['', 0, false]` without a log file.
   * @example
   * ```ts
   * let [text, offset] = await sup.tailProcessStdoutLog('web', 0, 1600);
   * // later
   * [text, offset] = await sup.tailProcessStdoutLog('web', offset, 1600);
   * ```
   */
  async tailProcessStdoutLog(name: string, offset: number, length: number): Promise<TailResult> {
    return this._process(name)._output.tail('stdout', offset, length);
  }

  /** supervisord's `tailProcessLog`: an alias of {@link LogApi.tailProcessStdoutLog}. */
  async tailProcessLog(name: string, offset: number, length: number): Promise<TailResult> {
    return this.tailProcessStdoutLog(name, offset, length);
  }

  /** supervisord's `tailProcessStderrLog`: as {@link LogApi.tailProcessStdoutLog}, for stderr. */
  async tailProcessStderrLog(name: string, offset: number, length: number): Promise<TailResult> {
    return this._process(name)._output.tail('stderr', offset, length);
  }

  /**
   * supervisord's `clearProcessLogs`: deletes the process's current stdout and stderr log files (not the
   * rotated backups) and starts new empty ones; forgets captured text. BAD_NAME, FAILED.
   */
  async clearProcessLogs(name: string): Promise<true> {
    await this._process(name)._output.clear(name);
    return true;
  }

  /** supervisord's `clearProcessLog`: an alias of {@link LogApi.clearProcessLogs}. */
  async clearProcessLog(name: string): Promise<true> {
    return this.clearProcessLogs(name);
  }

  /** supervisord's `clearAllProcessLogs`: every process, by priority; one result struct each. */
  async clearAllProcessLogs(): Promise<ProcessResult[]> {
    const results: ProcessResult[] = [];
    for (const p of this._allByPriority()) {
      try {
        await p._output.clear(p.namespec);
        results.push({ name: p.name, group: p.groupName, status: Faults.SUCCESS, description: 'OK' });
      } catch (err) {
        if (!(err instanceof SupervisorError)) throw err;
        results.push({ name: p.name, group: p.groupName, status: err.faultCode, description: err.message });
      }
    }
    return results;
  }
}
