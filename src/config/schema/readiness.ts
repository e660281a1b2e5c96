/**
 * procvisor's own program options, not in supervisord: `readiness` (when STARTING becomes RUNNING) and
 * `dependsOn` (what autostart waits for).
 * @module
 */

import { z } from 'zod';
import { bool, duration, kindUnionError } from './options.js';

/** A dependency condition of `dependsOn`. */
export const DEPENDENCY_CONDITIONS = ['started', 'ready', 'exited-ok'] as const;

const readinessCommon = {
  /** How long to wait for readiness before the start counts as failed (BACKOFF): a Duration. @default '30s' */
  timeout: duration()
    .default(30_000)
    .describe(
      "How long to wait for readiness; past it the start failed. Milliseconds, or text with a unit ('30s'). " +
        '@default "30s"',
    ),
  /** The pause between attempts of the tcp, http and check kinds: a Duration. @default '100ms' */
  interval: duration()
    .default(100)
    .describe("Pause between tcp/http/check attempts. Milliseconds, or text with a unit ('100ms'). @default 100"),
  /** Also require `startsecs` to have passed (readiness on top of startsecs). @default false */
  startsecs: bool()
    .default(false)
    .describe('Also wait for startsecs (readiness on top of startsecs, not in place of it). @default false'),
};

/**
 * `readiness` (procvisor, not in supervisord): decides when STARTING becomes RUNNING. Exactly one kind.
 */
export const readiness = z
  .union(
    [
      z.strictObject({
        /** A line of output matching this (a RegExp, or a string searched for) means ready. */
        pattern: z.union([z.string().min(1), z.instanceof(RegExp)]),
        /** Which output to watch. @default 'both' */
        channel: z.enum(['stdout', 'stderr', 'both']).default('both'),
        ...readinessCommon,
      }),
      z.strictObject({
        /** A TCP port (on 127.0.0.1) or `{ host, port }` accepting connections means ready. */
        tcp: z.union([
          z.number().int().min(1).max(65535),
          z.string().min(1),
          z.strictObject({
            host: z.string().default('127.0.0.1'),
            port: z.union([z.number().int(), z.string()]),
          }),
        ]),
        ...readinessCommon,
      }),
      z.strictObject({
        /** An HTTP(S) URL answering 2xx means ready. */
        http: z.string().min(1),
        ...readinessCommon,
      }),
      z.strictObject({
        /** A function returning (or resolving to) true means ready; a throw counts as not ready yet. */
        check: z.custom<(process: { name: string; pid: number }) => unknown>((v) => typeof v === 'function', {
          error: 'expected a function',
        }),
        ...readinessCommon,
      }),
    ],
    {
      error: kindUnionError(
        'expected one of { pattern }, { tcp }, { http } or { check }, with optional timeout, interval, startsecs',
      ),
    },
  )
  .nullable()
  .default(null)
  .describe(
    'procvisor readiness: { pattern } (an output line), { tcp } (a port accepting connections), { http } (a URL ' +
      'answering 2xx) or { check } (a function); decides when STARTING becomes RUNNING. @default null',
  );

/** What a dependent does when its dependency leaves RUNNING unexpectedly (`dependsOn` `onExit`). */
export const DEPENDENCY_EXIT_ACTIONS = ['stop', 'restart'] as const;

const condition = z.enum(DEPENDENCY_CONDITIONS);
const dependency = z.union(
  [
    condition,
    z.strictObject({
      condition: condition.default('ready'),
      onExit: z.enum(DEPENDENCY_EXIT_ACTIONS).optional(),
    }),
  ],
  {
    error:
      "expected 'started' | 'ready' | 'exited-ok', or { condition?: 'started' | 'ready' | 'exited-ok', " +
      "onExit?: 'stop' | 'restart' }",
  },
);

/**
 * `dependsOn` (procvisor, not in supervisord): `{ program: condition }`, or `{ program: { condition, onExit } }`
 * where `onExit` stops the dependents when the dependency leaves RUNNING unexpectedly (`'stop'`), and starts
 * them again once it meets the condition again (`'restart'`).
 */
export const dependsOn = z
  .record(z.string(), dependency, {
    error: "expected { program: 'started' | 'ready' | 'exited-ok' | { condition, onExit } }",
  })
  .default({})
  .describe(
    "procvisor dependencies: { program: 'started' | 'ready' | 'exited-ok' } or { program: { condition: " +
      "'ready', onExit: 'stop' | 'restart' } }; autostart waits for them, shutdown stops dependents first, and " +
      'with onExit a dependency that exits from RUNNING stops its dependents (restarting them when it is back ' +
      'with restart). @default {}',
  );
