/**
 * Error classes. Every fault of the control API is a {@link SupervisorError} whose `code` is supervisord's
 * fault name (`supervisor/xmlrpc.py Faults`) and whose `faultCode` is supervisord's number for it.
 * @module
 */

/** supervisord's fault names and numbers (`xmlrpc.py Faults`). */
export const Faults = {
  UNKNOWN_METHOD: 1,
  INCORRECT_PARAMETERS: 2,
  BAD_ARGUMENTS: 3,
  SIGNATURE_UNSUPPORTED: 4,
  SHUTDOWN_STATE: 6,
  BAD_NAME: 10,
  BAD_SIGNAL: 11,
  NO_FILE: 20,
  NOT_EXECUTABLE: 21,
  FAILED: 30,
  ABNORMAL_TERMINATION: 40,
  SPAWN_ERROR: 50,
  ALREADY_STARTED: 60,
  NOT_RUNNING: 70,
  SUCCESS: 80,
  ALREADY_ADDED: 90,
  STILL_RUNNING: 91,
  CANT_REREAD: 92,
} as const;

/** A supervisord fault name. */
export type FaultName = keyof typeof Faults;

/** Every error code procvisor uses: the fault names plus `CONFIG_ERROR` and `WAIT_FAILED`. */
export type ErrorCode = Exclude<FaultName, 'SUCCESS'> | 'CONFIG_ERROR' | 'WAIT_FAILED';

/** Every error code, for documentation and exhaustive tests. */
export const ERROR_CODES: readonly ErrorCode[] = [
  ...(Object.keys(Faults) as FaultName[]).filter((k): k is Exclude<FaultName, 'SUCCESS'> => k !== 'SUCCESS'),
  'CONFIG_ERROR',
  'WAIT_FAILED',
];

/**
 * Base class of every error procvisor throws on purpose.
 * @example
 * ```ts
 * try { await sup.startProcess('web'); }
 * catch (err) { if (err instanceof SupervisorError && err.code === 'ALREADY_STARTED') { ... } }
 * ```
 */
export class SupervisorError extends Error {
  /** supervisord's fault name (or `CONFIG_ERROR`). */
  readonly code: ErrorCode;
  /** supervisord's numeric fault code (0 for `CONFIG_ERROR`). */
  readonly faultCode: number;
  /** Text after the fault name, as in supervisord's faultString `NAME: text`. */
  readonly text: string;
  /**
   * What to do about it, when procvisor knows more than supervisord says (e.g. the process names of a
   * numprocs program for `BAD_NAME`). In `message`, in parentheses after the faultString; never on the wire.
   */
  readonly hint: string | undefined;

  /**
   * An error with a fault name and text; the message is supervisord's faultString, `CODE: text`, followed by
   * ` (hint)` when there is a hint.
   * @param code - the fault name (or `CONFIG_ERROR`, `WAIT_FAILED`)
   * @param text - what follows the fault name in the message; `''` for none
   * @param options - `cause`: the underlying error; `hint`: what to do about it
   */
  constructor(code: ErrorCode, text = '', options?: { cause?: unknown; hint?: string }) {
    const faultString = text ? `${code}: ${text}` : code;
    super(options?.hint ? `${faultString} (${options.hint})` : faultString, options);
    this.name = new.target.name;
    this.code = code;
    this.faultCode = code === 'CONFIG_ERROR' || code === 'WAIT_FAILED' ? 0 : Faults[code];
    this.text = text;
    this.hint = options?.hint || undefined;
  }

  /** supervisord's faultString for this error: `CODE: text`, or `CODE` (the message without the hint). */
  get faultString(): string {
    return this.text ? `${this.code}: ${this.text}` : this.code;
  }
}

/**
 * A process or group name that does not resolve (`BAD_NAME`).
 * @example
 * ```ts
 * await sup.stopProcess('nosuch').catch((err) => {
 *   if (err instanceof BadNameError) console.log(err.message); // BAD_NAME: nosuch
 * });
 * // A numprocs program's processes are `web:web-00`, ...; the message says so:
 * // BAD_NAME: web (web is a group of 2 processes: web:web-00, web:web-01; use 'web:*' for all of them)
 * ```
 */
export class BadNameError extends SupervisorError {
  /**
   * `BAD_NAME: <name>`, and the hint in parentheses when there is one.
   * @param name - the name that did not resolve, as given
   * @param hint - the names that would, e.g. `web is a group of 2 processes: web:web-00, web:web-01; use
   *   'web:*' for all of them`
   */
  constructor(name: string, hint?: string) {
    super('BAD_NAME', name, hint ? { hint } : undefined);
  }
}

/**
 * A signal that does not exist (`BAD_SIGNAL`).
 * @example
 * ```ts
 * await sup.signalProcess('web', 'NOPE'); // rejects with BadSignalError: BAD_SIGNAL: NOPE
 * ```
 */
export class BadSignalError extends SupervisorError {
  /**
   * `BAD_SIGNAL: <signal>`.
   * @param signal - the signal as given
   */
  constructor(signal: string | number) {
    super('BAD_SIGNAL', String(signal));
  }
}

/**
 * A fault about the lifecycle of a process: start or stop refused or failed (`ALREADY_STARTED`,
 * `NOT_RUNNING`, `ABNORMAL_TERMINATION`, `FAILED`, `STILL_RUNNING`).
 * @example
 * ```ts
 * try {
 *   await sup.stopProcess('web');
 * } catch (err) {
 *   if (!(err instanceof ProcessStateError && err.code === 'NOT_RUNNING')) throw err; // already stopped
 * }
 * ```
 */
export class ProcessStateError extends SupervisorError {}

/**
 * The command could not be found or run (`NO_FILE`, `NOT_EXECUTABLE`), or the start failed
 * (`SPAWN_ERROR`: the spawn failed, or with `wait` the process exited within `startsecs`).
 * @example
 * ```ts
 * try {
 *   await sup.startProcess('web');
 * } catch (err) {
 *   if (err instanceof SpawnError) console.error(err.code, (await sup.getProcessInfo('web')).spawnerr);
 * }
 * ```
 */
export class SpawnError extends SupervisorError {}

/**
 * The supervisor is shutting down (`SHUTDOWN_STATE`): every control method except `getState()` refuses.
 * @example
 * ```ts
 * void sup.shutdown();
 * await sup.startProcess('web'); // rejects with ShutdownStateError
 * ```
 */
export class ShutdownStateError extends SupervisorError {
  /** Takes no arguments: the message is always `SHUTDOWN_STATE`. */
  constructor() {
    super('SHUTDOWN_STATE');
  }
}

/**
 * A wait (`waitForState`, `waitForOutput`, `waitForReady`) ran out of time, or a process it waited for failed
 * (`WAIT_FAILED`). Carries the process's info and its last output lines.
 * @example
 * ```ts
 * try {
 *   await sup.waitForReady({ timeout: 30_000 });
 * } catch (err) {
 *   if (err instanceof WaitTimeoutError) console.error(err.message, err.info?.statename, err.output.join('\n'));
 *   throw err;
 * }
 * ```
 */
export class WaitTimeoutError extends SupervisorError {
  /**
   * `WAIT_FAILED: <message>`.
   * @param message - what was waited for and what happened instead
   * @param info - the process concerned, when there is one
   * @param output - its last output lines
   */
  constructor(
    message: string,
    /** getProcessInfo of the process concerned. */
    readonly info?: {
      /** The process name. */
      readonly name: string;
      /** The group name. */
      readonly group: string;
      /** Its state when the wait failed. */
      readonly statename: string;
      /** `getProcessInfo`'s description (the spawn error for BACKOFF and FATAL). */
      readonly description: string;
    },
    /** The last lines it wrote. */
    readonly output: readonly string[] = [],
  ) {
    super('WAIT_FAILED', message);
  }
}

/** One problem found in a configuration. */
export interface ConfigIssue {
  /** Where the problem is: keys from the top of the config, e.g. `['programs', 'web', 'startsecs']`. */
  readonly path: readonly (string | number)[];
  /** What is wrong, in words. */
  readonly message: string;
  /** For INI input: the file the value came from. */
  readonly file?: string;
  /** For INI input: the line (1-based) the value came from. */
  readonly line?: number;
  /** For INI input: the section the value came from. */
  readonly section?: string;
}

/**
 * A configuration was rejected. Lists every problem found; nothing of the config was applied.
 * @example
 * ```ts
 * try { new Supervisor({ programs: { web: { command: 'node server.js', startsecs: -1 } } }); }
 * catch (err) { if (err instanceof ConfigError) console.log(err.issues); }
 * ```
 */
export class ConfigError extends SupervisorError {
  /** Every problem found. */
  readonly issues: readonly ConfigIssue[];
  /**
   * @internal How many of the first `issues` supervisord itself would report, for the XML-RPC wire
   * (`CANT_REREAD`): all of them, except after an INI read, where supervisord stops at its first error.
   */
  readonly wireIssues: number;

  /**
   * `CONFIG_ERROR: ` and one line per issue (see {@link ConfigError.format}).
   * @param issues - every problem found (at least one)
   * @param options - `cause`: the underlying error; `wireIssues`: how many of the first issues the XML-RPC wire reports (internal)
   */
  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown; wireIssues?: number }) {
    super(
      'CONFIG_ERROR',
      ConfigError.format(issues),
      options?.cause === undefined ? {} : { cause: options.cause },
    );
    this.issues = issues;
    this.wireIssues = Math.min(options?.wireIssues ?? issues.length, issues.length);
  }

  /** One line per issue: `path: message` (with `file:line [section]` first when known). */
  static format(issues: readonly ConfigIssue[]): string {
    return issues
      .map((i) => {
        const where = i.file
          ? `${i.file}${i.line ? `:${i.line}` : ''}${i.section ? ` [${i.section}]` : ''}: `
          : '';
        const path = i.path.length ? `${i.path.join('.')}: ` : '';
        return `${where}${path}${i.message}`;
      })
      .join('\n');
  }
}
