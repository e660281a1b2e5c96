/**
 * Options of the start, stop and wait methods of a process (and of the supervisor's waits).
 * @module
 */
import { parseDuration, type Duration } from '../config/duration.js';

/** Options of the start and stop methods. */
export interface WaitOptions {
  /**
   * Wait until the process is RUNNING (start) or stopped (stop), as supervisord's `wait`.
   * @default true
   */
  readonly wait?: boolean;
  /**
   * Stops waiting (the action itself is not undone).
   * @default none: the wait is not abandoned
   */
  readonly signal?: AbortSignal;
}

/** Options of {@link Process.waitForState} and {@link Process.waitForOutput}, and of the supervisor's waits. */
export interface WaitForOptions {
  /**
   * How long until the wait fails with WAIT_FAILED: a {@link Duration}, milliseconds (`5000`) or text with a
   * unit (`'5s'`, `'500ms'`, `'2m'`).
   * @default no limit
   * @example `{ timeout: '30s' }`
   */
  readonly timeout?: Duration;
  /** Abandons the wait: it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * The bounds of a wait for the waiter: `timeout` parsed into milliseconds.
 * @throws TypeError quoting a `timeout` that is not a {@link Duration}
 */
export function waitBounds(options: WaitForOptions): {
  timeout: number | undefined;
  signal: AbortSignal | undefined;
} {
  const timeout = options.timeout === undefined ? undefined : parseDuration(options.timeout, 'timeout');
  return { timeout, signal: options.signal };
}
