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

  constructor(code: ErrorCode, text = '', options?: { cause?: unknown }) {
    super(text ? `${code}: ${text}` : code, options);
    this.name = new.target.name;
    this.code = code;
    this.faultCode = code === 'CONFIG_ERROR' || code === 'WAIT_FAILED' ? 0 : Faults[code];
    this.text = text;
  }
}

/** A process or group name that does not resolve (`BAD_NAME`). */
export class BadNameError extends SupervisorError {
  constructor(name: string) {
    super('BAD_NAME', name);
  }
}

/** A signal that does not exist (`BAD_SIGNAL`). */
export class BadSignalError extends SupervisorError {
  constructor(signal: string | number) {
    super('BAD_SIGNAL', String(signal));
  }
}

/** A fault about the lifecycle of a process: start or stop refused or failed. */
export class ProcessStateError extends SupervisorError {}

/** The command could not be found or run (`NO_FILE`, `NOT_EXECUTABLE`, `SPAWN_ERROR`). */
export class SpawnError extends SupervisorError {}

/** The supervisor is shutting down (`SHUTDOWN_STATE`). */
export class ShutdownStateError extends SupervisorError {
  constructor() {
    super('SHUTDOWN_STATE');
  }
}

/**
 * A wait (`waitForState`, `waitForOutput`, `waitForReady`) ran out of time, or a process it waited for failed.
 * Carries the process's info and its last output lines.
 */
export class WaitTimeoutError extends SupervisorError {
  constructor(
    message: string,
    /** getProcessInfo of the process concerned. */
    readonly info?: {
      readonly name: string;
      readonly group: string;
      readonly statename: string;
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

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super('CONFIG_ERROR', ConfigError.format(issues), options);
    this.issues = issues;
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
