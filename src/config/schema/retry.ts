/**
 * procvisor's retry options (not in supervisord): `backoff` shapes the delays between failed starts, and
 * `retryAfterFatal` starts a FATAL process again after a while. Unset, supervisord's rule holds: 1 s, 2 s,
 * 3 s... then FATAL for good.
 * @module
 */
import { z } from 'zod';
import { duration } from './options.js';

// Durations (milliseconds, or text with a unit): see duration.ts, whose parser rejects negative ones.

/** `backoff` and `retryAfterFatal`, as schema entries. */
export const retryOptions = {
  /**
   * procvisor: the delay before each retry of a failed start (BACKOFF). `initial`, `max` and `resetAfter` are
   * Durations (milliseconds, or text with a unit). `linear` with `initial: '1s'` and no `max` is supervisord's
   * 1 s, 2 s, 3 s...; `exponential` doubles from `initial`; `max` caps it; `jitter` (0..1) spreads each delay
   * randomly by up to that fraction either way. `resetAfter` (default 0 = when RUNNING, as supervisord):
   * until the process has been up that long, an exit counts as a failure too and its autorestart waits the
   * next delay.
   * @default null (supervisord's delays)
   * @example { strategy: 'exponential', initial: '1s', max: '30s', jitter: 0.1 }
   */
  backoff: z
    .strictObject(
      {
        strategy: z.enum(['linear', 'exponential']).default('linear'),
        initial: duration().default(1000),
        max: duration().nullable().default(null),
        jitter: z.number().min(0).max(1).default(0),
        resetAfter: duration().default(0),
      },
      { error: "expected { strategy?: 'linear' | 'exponential', initial?, max?, jitter?, resetAfter? } or null" },
    )
    .nullable()
    .default(null)
    .describe(
      "procvisor: retry delays (milliseconds, or text like '1s'): { strategy: 'linear' | 'exponential', initial, max, jitter (0..1), " +
        'resetAfter }; null = supervisord (1 s, 2 s, 3 s...). @default null',
    ),
  /**
   * procvisor: how long after FATAL to start the process again, counting its tries afresh: a Duration
   * (milliseconds, or text with a unit such as `'5m'`); null = never (supervisord).
   * @default null
   */
  retryAfterFatal: duration()
    .nullable()
    .default(null)
    .describe("procvisor: how long after FATAL to start again (milliseconds, or text like '5m'), counting tries afresh; " +
        'null = never. @default null'),
};
