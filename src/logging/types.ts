/**
 * Types shared by the logging modules and the public API.
 * @module
 */

/** An output channel of a child. */
export type Channel = 'stdout' | 'stderr';

/**
 * A log could not be written: emitted as `'logError'` on the Supervisor. The child keeps running; its
 * output for that target is dropped until writing works again (see docs/logging.md).
 * @example
 * ```ts
 * sup.on('logError', (r) => console.error(`${r.processName} ${r.channel} -> ${r.target}: ${r.error.message}`));
 * ```
 */
export interface LogErrorRecord {
  readonly processName: string;
  readonly groupName: string;
  readonly channel: Channel;
  /** What failed: `'file'` (a log file or AUTO file) or `'syslog'`. */
  readonly kind: 'file' | 'syslog';
  /** The file path or syslog socket path. */
  readonly target: string;
  /** The underlying error (`code` is the errno name, e.g. `ENOSPC`, `EACCES`). */
  readonly error: Error;
}
