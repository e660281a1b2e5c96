/**
 * `healthcheck` (procvisor, not in supervisord): a check run while a process is RUNNING; after `failures`
 * failed checks in a row the process is restarted through the ordinary stop path.
 * @module
 */
import { z } from 'zod';
import { converted, duration, int, kindUnionError } from './options.js';

const positive = (what: string) => duration().refine((v) => v > 0, { error: `${what} must be more than 0` });

// Durations (milliseconds, or text with a unit): see duration.ts.
const healthCommon = {
  /** The time between two checks: a Duration. @default '10s' */
  period: positive('period').default(10_000),
  /** How long one check may take; longer counts as a failure: a Duration. @default '5s' */
  timeout: positive('timeout').default(5_000),
  /** Failed checks in a row that make the process unhealthy (and restart it). @default 3 */
  failures: converted(int(''), (n) => {
    if (n < 1) throw new Error('failures must be 1 or more');
    return n;
  }).default(3),
  /** The time after RUNNING before the first check: a Duration. @default 0 */
  gracePeriod: duration().default(0),
};

/** `healthcheck`: one kind (`http`, `tcp`, `check` or `exec`) and the common options. */
export const healthcheck = z
  .union(
    [
      z.strictObject({
        /** An HTTP(S) URL that must answer 2xx, expanded per process. */
        http: z.string().min(1),
        ...healthCommon,
      }),
      z.strictObject({
        /** A TCP port (on 127.0.0.1) or `{ host, port }` that must accept a connection. */
        tcp: z.union([
          z.number().int().min(1).max(65535),
          z.string().min(1),
          z.strictObject({ host: z.string().default('127.0.0.1'), port: z.union([z.number().int(), z.string()]) }),
        ]),
        ...healthCommon,
      }),
      z.strictObject({
        /** A function that must return (or resolve to) something truthy; a throw is a failure. */
        check: z.custom<(process: { name: string; pid: number }) => unknown>((v) => typeof v === 'function', {
          error: 'expected a function',
        }),
        ...healthCommon,
      }),
      z.strictObject({
        /** A command that must exit 0: a line run by `/bin/sh -c`, or an argv array. */
        exec: z.union([z.string().min(1), z.array(z.string()).min(1)]),
        ...healthCommon,
      }),
    ],
    {
      error: kindUnionError(
        'expected one of { http }, { tcp }, { check } or { exec }, with optional period, timeout, failures, gracePeriod',
      ),
    },
  )
  .nullable()
  .default(null)
  .describe(
    'procvisor health check while RUNNING: { http } (2xx), { tcp } (accepts), { check } (a function) or { exec } ' +
      "(exits 0), every period (timeout each; durations in milliseconds or text like '10s'); after failures in a " +
        'row the process is restarted. @default null',
  );
