/**
 * procvisor's own program options, not in supervisord, as people write them: `readiness`, `healthcheck`,
 * `dependsOn`, `backoff`. Their times are {@link Duration}s: milliseconds, or text with a unit (`'20s'`).
 * @module
 */

import type { Duration } from '../duration.js';

/**
 * A TCP address to connect to: a port on 127.0.0.1, or `{ host, port }`. A string is a port expanded with the
 * per-process names first (`'80%(process_num)02d'`).
 */
export type TcpTarget =
  | number
  | string
  | {
      /**
       * The host to connect to.
       * @default '127.0.0.1'
       */
      host?: string;
      /** The port, or its text (expanded per process). */
      port: number | string;
    };

/** What the process is given by a `check` function. */
export interface CheckedProcess {
  /** The process name. */
  name: string;
  /** Its pid. */
  pid: number;
}

/** The options every readiness kind shares. */
export interface ReadinessTiming {
  /**
   * How long to wait for readiness before the start counts as failed (the process is killed and goes to
   * BACKOFF): a {@link Duration}, milliseconds or text with a unit.
   * @default '30s'
   * @example `'20s'`
   */
  timeout?: Duration;
  /**
   * The pause between two attempts of the `tcp`, `http` and `check` kinds: a {@link Duration}.
   * @default '100ms'
   */
  interval?: Duration;
  /**
   * Also wait for `startsecs` (readiness on top of startsecs, not in place of it).
   * @default false
   */
  startsecs?: boolean;
}

/**
 * `readiness` (procvisor, not in supervisord): what makes STARTING become RUNNING, instead of supervisord's
 * "up for `startsecs`". Exactly one kind: `pattern` (an output line), `tcp` (a port accepting connections),
 * `http` (a URL answering 2xx) or `check` (a function). See docs/readiness.md.
 * @example `{ http: 'http://127.0.0.1:8080/health', timeout: '20s' }`
 */
export type ReadinessDefinition =
  | (ReadinessTiming & {
      /** A line of output matching this (a RegExp, or a string searched for literally) means ready. */
      pattern: string | RegExp;
      /**
       * Which output to watch.
       * @default 'both'
       */
      channel?: 'stdout' | 'stderr' | 'both';
    })
  | (ReadinessTiming & {
      /** A TCP port (on 127.0.0.1) or `{ host, port }` accepting a connection means ready. */
      tcp: TcpTarget;
    })
  | (ReadinessTiming & {
      /** An HTTP(S) URL answering 2xx means ready; expanded per process. */
      http: string;
    })
  | (ReadinessTiming & {
      /** A function returning (or resolving to) something truthy means ready; a throw means not yet. */
      check: (process: CheckedProcess) => unknown;
    });

/** The options every health check kind shares. */
export interface HealthcheckTiming {
  /**
   * The time between two checks: a {@link Duration}.
   * @default '10s'
   */
  period?: Duration;
  /**
   * How long one check may take; longer counts as a failure: a {@link Duration}.
   * @default '5s'
   */
  timeout?: Duration;
  /**
   * Failed checks in a row that make the process unhealthy (and restart it). 1 or more.
   * @default 3
   */
  failures?: number;
  /**
   * The time after RUNNING before the first check: a {@link Duration}.
   * @default 0
   */
  gracePeriod?: Duration;
}

/**
 * `healthcheck` (procvisor, not in supervisord): a check run while the process is RUNNING; after `failures`
 * failed checks in a row it is restarted through the ordinary stop path, with a PROCESS_HEALTH event.
 * @example `{ http: 'http://127.0.0.1:8080/health', period: '10s', timeout: '2s', failures: 3 }`
 */
export type HealthcheckDefinition =
  | (HealthcheckTiming & {
      /** An HTTP(S) URL that must answer 2xx, expanded per process. */
      http: string;
    })
  | (HealthcheckTiming & {
      /** A TCP port (on 127.0.0.1) or `{ host, port }` that must accept a connection. */
      tcp: TcpTarget;
    })
  | (HealthcheckTiming & {
      /** A function that must return (or resolve to) something truthy; a throw is a failure. */
      check: (process: CheckedProcess) => unknown;
    })
  | (HealthcheckTiming & {
      /** A command that must exit 0: a line run by `/bin/sh -c`, or an argv array. */
      exec: string | readonly string[];
    });

/** A `dependsOn` condition: the dependency was spawned, is RUNNING (ready), or exited with an expected code. */
export type DependencyConditionName = 'started' | 'ready' | 'exited-ok';

/**
 * One `dependsOn` entry: a condition, or `{ condition, onExit }` where `onExit` stops the dependents when the
 * dependency leaves RUNNING unexpectedly (`'stop'`), and starts them again once it meets the condition again
 * (`'restart'`).
 * @example `'ready'`, `{ condition: 'ready', onExit: 'restart' }`
 */
export type DependencyDefinition =
  | DependencyConditionName
  | {
      /**
       * The condition autostart waits for.
       * @default 'ready'
       */
      condition?: DependencyConditionName;
      /** What the dependents do when the dependency exits from RUNNING unexpectedly. */
      onExit?: 'stop' | 'restart';
    };

/**
 * `backoff` (procvisor, not in supervisord): the delay before each retry of a failed start (BACKOFF).
 * @example `{ strategy: 'exponential', initial: '1s', max: '30s', jitter: 0.1 }`
 */
export interface BackoffDefinition {
  /**
   * `'linear'` waits `initial × n` before the n-th retry (supervisord's 1 s, 2 s, 3 s... with `initial: '1s'`),
   * `'exponential'` waits `initial × 2^(n-1)`.
   * @default 'linear'
   */
  strategy?: 'linear' | 'exponential';
  /**
   * The first delay: a {@link Duration}.
   * @default '1s'
   */
  initial?: Duration;
  /**
   * The longest delay: a {@link Duration}; null = no cap.
   * @default null
   */
  max?: Duration | null;
  /**
   * 0..1: each delay is spread randomly by up to this fraction either way.
   * @default 0
   */
  jitter?: number;
  /**
   * How long the process must stay RUNNING before its failures are forgotten: a {@link Duration}. 0 = at
   * RUNNING, as supervisord. Until then an exit counts as a failure and its autorestart waits the next delay.
   * @default 0
   */
  resetAfter?: Duration;
}
