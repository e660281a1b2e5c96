/**
 * Faults nobody asked about, made visible: a log that cannot be written (a path without permission, a full
 * disk) or a syslog socket that has gone away leaves the child running, so without a `'logError'` listener
 * nobody would know. Each distinct fault is also a process warning (printed on stderr by Node), once.
 * @module
 */
import type { LogErrorRecord } from '../logging/types.js';

/** The `code` of the process warnings procvisor emits for faults of the logs it writes. */
export const FaultWarningCodes = {
  /** A child's log file, an AUTO log file or the activity log (`logfile`) cannot be opened or written. */
  LOG: 'PROCVISOR_LOG_FAULT',
  /** A child's output cannot reach syslog (the socket is missing or went away, or `logger` is missing). */
  SYSLOG: 'PROCVISOR_SYSLOG_FAULT',
} as const;

/** A code of {@link FaultWarningCodes}. */
export type FaultWarningCode = (typeof FaultWarningCodes)[keyof typeof FaultWarningCodes];

/** The warning's type (its `name`), shared with procvisor's other process warnings. */
const TYPE = 'ProcvisorWarning';

/** Distinct faults remembered; past this the oldest is forgotten (and would warn again). */
const REMEMBERED = 1000;

/**
 * Emits one process warning per distinct fault: the same process, channel, target and errno code warn once
 * for the life of the supervisor (a full disk fails again after every retry; it is one fault). The
 * `'logError'` event and `Process.faults` still record every occurrence.
 */
export class FaultWarnings {
  readonly #enabled: boolean;
  readonly #seen = new Set<string>();

  /** @param enabled - false: never warn (`SupervisorOptions.warnings: false`) */
  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  /** A child's log could not be written. */
  logError(record: LogErrorRecord): void {
    const code = record.kind === 'syslog' ? FaultWarningCodes.SYSLOG : FaultWarningCodes.LOG;
    const errno = errnoOf(record.error);
    const key = [record.groupName, record.processName, record.channel, record.kind, record.target, errno];
    const what = record.kind === 'syslog' ? `syslog (${record.target})` : `log file ${record.target}`;
    const namespec =
      record.groupName === record.processName
        ? record.processName
        : `${record.groupName}:${record.processName}`;
    this.#warn(
      key.join('\0'),
      code,
      `procvisor: ${namespec} ${record.channel}: cannot write to ${what}: ${record.error.message}. The process ` +
        'keeps running; its output there is dropped until writing works again.',
    );
  }

  /** The activity log (`logfile`) could not be opened or written. */
  mainLogError(message: string, error: unknown): void {
    const text = error instanceof Error ? error.message : String(error);
    this.#warn(
      ['main', message, errnoOf(error)].join('\0'),
      FaultWarningCodes.LOG,
      `procvisor: ${message}: ${text}`,
    );
  }

  #warn(key: string, code: FaultWarningCode, message: string): void {
    if (!this.#enabled || this.#seen.has(key)) return;
    this.#seen.add(key);
    if (this.#seen.size > REMEMBERED) this.#seen.delete(this.#seen.values().next().value as string);
    process.emitWarning(message, {
      type: TYPE,
      code,
      detail:
        `Every fault is also a 'logError' event and a note in getProcessInfo().faults. Silence this warning ` +
        `with new Supervisor(config, { warnings: false }) or node --disable-warning=${code}.`,
    });
  }
}

function errnoOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : '';
}
