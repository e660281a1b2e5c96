/**
 * The vocabulary of the pure core of a process: its snapshot, the inputs it accepts, the effects it returns
 * and the facts a transition reads. The table itself is in `transitions.ts`.
 * @module
 */
import type { ProcessStateName } from './states.js';

/** What supervisord keeps per process (`process.py Subprocess` attributes), minus the I/O handles. */
export interface Snapshot {
  readonly state: ProcessStateName;
  /** Consecutive failed starts (supervisord's `backoff`); reported as `tries`. */
  readonly backoff: number;
  /** Monotonic ms of the last spawn attempt; 0 means never started. */
  readonly laststart: number;
  /** Wall-clock ms of the last spawn attempt; 0 means never started. */
  readonly laststartWall: number;
  /** Wall-clock ms of the last exit that was processed; 0 means never. */
  readonly laststopWall: number;
  /** The child's pid, 0 when none. */
  readonly pid: number;
  /** A stop or kill signal has been sent to the current child. */
  readonly killing: boolean;
  /** Exit code of the last exit from RUNNING or STOPPING; -1 after a signal; null after a too-quick exit. */
  readonly exitstatus: number | null;
  /** Why the last start failed, or null. */
  readonly spawnerr: string | null;
  /** Readiness: the check passed during this start (procvisor). */
  readonly ready: boolean;
  /** Readiness with startsecs: startsecs have passed during this start (procvisor). */
  readonly startsecsPassed: boolean;
  /** The current start was abandoned (readiness timed out): the spawnerr to record when the child exits. */
  readonly failing: string | null;
}

/** @internal A fresh process: STOPPED, never started. */
export const INITIAL_SNAPSHOT: Snapshot = Object.freeze({
  state: 'STOPPED',
  backoff: 0,
  laststart: 0,
  laststartWall: 0,
  laststopWall: 0,
  pid: 0,
  killing: false,
  exitstatus: null,
  spawnerr: null,
  ready: false,
  startsecsPassed: false,
  failing: null,
});

/** The timers a process uses; at most one of each is pending. */
export type TimerName = 'startsecs' | 'backoff' | 'stopwait' | 'readiness' | 'fatal';

/** Time as carried by every input: monotonic ms for durations, wall-clock ms for reports. */
export interface Stamp {
  readonly now: number;
  readonly wall: number;
}

/** What can happen to a process. */
export type Input =
  /** supervisord's `spawn()`: a request to start (RPC, autostart, autorestart, backoff retry). */
  | ({ readonly type: 'start' } & Stamp)
  /** The child was forked and exec'd (or is running the failure reporter, see the spawner). */
  | ({ readonly type: 'spawned'; readonly pid: number } & Stamp)
  /** Spawning failed in the parent (supervisord's parent-side errors). */
  | ({ readonly type: 'spawnFailed'; readonly message: string } & Stamp)
  /** The child was reaped (`finish()`): an exit code, or -1 with the signal that killed it. */
  | ({
      readonly type: 'exit';
      readonly exitstatus: number;
      readonly signal: string | null;
    } & Stamp)
  /** A timer fired. */
  | ({ readonly type: 'timer'; readonly timer: TimerName } & Stamp)
  /** supervisord's `stop()`: send stopsignal. */
  | ({ readonly type: 'stop' } & Stamp)
  /** supervisord's `give_up()` during shutdown: BACKOFF becomes FATAL. */
  | ({ readonly type: 'giveUp' } & Stamp)
  /** The readiness check passed (procvisor). */
  | ({ readonly type: 'ready' } & Stamp)
  /** Sending a signal failed with something other than ESRCH: the state is unknown. */
  | ({ readonly type: 'signalFailed'; readonly message: string } & Stamp);

/** The type of an input. */
export type InputType = Input['type'];

/** A state-change event to emit, with the extras supervisord's event captures at creation. */
export interface StateChange {
  readonly from: ProcessStateName;
  readonly to: ProcessStateName;
  /** STARTING and BACKOFF: the backoff counter after the change. */
  readonly tries: number;
  /** RUNNING, STOPPING, STOPPED, EXITED: the pid (of the exited child for EXITED/STOPPED). */
  readonly pid: number;
  /** EXITED only. */
  readonly expected: boolean;
}

/** A log line for supervisord's activity log (same wording as `process.py`). */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

/** What the shell must do, in order. */
export type Effect =
  /** Emit a state change; `snapshot` is the state as of this change (listeners see it, as in supervisord). */
  | { readonly type: 'emit'; readonly change: StateChange; readonly snapshot: Snapshot }
  | { readonly type: 'spawn' }
  | { readonly type: 'signal'; readonly signal: number; readonly group: boolean }
  /** Arm a timer; `jitter` (0..1): the shell spreads `ms` randomly by up to that fraction either way. */
  | { readonly type: 'schedule'; readonly timer: TimerName; readonly ms: number; readonly jitter?: number }
  | { readonly type: 'cancel'; readonly timer: TimerName }
  | { readonly type: 'log'; readonly line: LogLine }
  /** Start checking readiness for the current child. */
  | { readonly type: 'probe' }
  /** Stop checking readiness. */
  | { readonly type: 'unprobe' }
  /** Feed this input back in after the current one is fully handled (never recursively). */
  | { readonly type: 'enqueue'; readonly input: 'start' };

/** The configuration and supervisor facts a transition reads. */
export interface TransitionContext {
  readonly name: string;
  readonly startsecs: number;
  readonly startretries: number;
  readonly autorestart: boolean | 'unexpected';
  readonly exitcodes: readonly number[];
  readonly stopsignal: number;
  readonly stopwaitsecs: number;
  readonly stopasgroup: boolean;
  readonly killasgroup: boolean;
  /** supervisord's mood is RUNNING: automatic starts (autorestart, backoff retries) are allowed. */
  readonly supervisorRunning: boolean;
  /** Signal name for messages, e.g. 'TERM'. */
  readonly signalName: (signal: number) => string;
  /** procvisor readiness (`timeout` in milliseconds): null for supervisord's startsecs rule. */
  readonly readiness: { readonly timeout: number; readonly startsecs: boolean } | null;
  /** procvisor `backoff`: absent or null for supervisord's 1 s, 2 s, 3 s... */
  readonly backoff?: BackoffPolicy | null;
  /** procvisor `retryAfterFatal`: milliseconds after FATAL to start again; absent or null: never. */
  readonly retryAfterFatal?: number | null;
}

/** How long a process waits before retrying a failed start (procvisor's `backoff` option). */
export interface BackoffPolicy {
  /** `'linear'`: initial × n; `'exponential'`: initial × 2^(n-1), for the n-th retry. */
  readonly strategy: 'linear' | 'exponential';
  /** Milliseconds. */
  readonly initial: number;
  /** Milliseconds; null for no cap. */
  readonly max: number | null;
  /** 0..1: each delay is spread randomly by up to this fraction either way. */
  readonly jitter: number;
  /**
   * Milliseconds in RUNNING after which the count of failures starts afresh; 0 = at RUNNING (supervisord). While
   * it is not over, an exit from RUNNING counts as a failure: its autorestart waits the next delay.
   */
  readonly resetAfter: number;
}

/** The result of a transition. */
export interface Result {
  readonly snapshot: Snapshot;
  readonly effects: readonly Effect[];
  /** Set when the input was refused, e.g. a stop with no child (supervisord returns this message). */
  readonly error?: string;
}
