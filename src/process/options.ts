/**
 * Options of the start, stop and wait methods of a process (and of the supervisor's waits).
 * @module
 */

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

/** Options of {@link Process.waitForState} and {@link Process.waitForOutput}. */
export interface WaitForOptions {
  /** Milliseconds until the wait fails with WAIT_FAILED. Default: no limit. */
  readonly timeout?: number;
  /** Abandons the wait: it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}
