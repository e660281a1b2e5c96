/**
 * procvisor's retry options (not in supervisord): `backoff` shapes the delays between failed starts, and
 * `retryAfterFatal` starts a FATAL process again after a while. Unset, supervisord's rule holds: 1 s, 2 s,
 * 3 s... then FATAL for good.
 * @module
 */
import { z } from 'zod';
import { secs } from './options.js';

const nonNegative = (what: string) =>
  secs().refine((v) => v >= 0, { error: `${what} must be 0 or more seconds` });

/** `backoff` and `retryAfterFatal`, as schema entries. */
export const retryOptions = {
  /**
   * procvisor: the delay before each retry of a failed start (BACKOFF), in seconds. `linear` with `initial: 1`
   * and no `max` is supervisord's 1 s, 2 s, 3 s...; `exponential` doubles from `initial`; `max` caps it;
   * `jitter` (0..1) spreads each delay randomly by up to that fraction either way. `resetAfter` (seconds,
   * default 0 = when RUNNING, as supervisord): until the process has been up that long, an exit counts as a
   * failure too and its autorestart waits the next delay.
   * @default null (supervisord's delays)
   * @example { strategy: 'exponential', initial: 1, max: 30, jitter: 0.1 }
   */
  backoff: z
    .strictObject(
      {
        strategy: z.enum(['linear', 'exponential']).default('linear'),
        initial: nonNegative('backoff.initial').default(1),
        max: z.union([nonNegative('backoff.max'), z.null()]).default(null),
        jitter: z.number().min(0).max(1).default(0),
        resetAfter: nonNegative('backoff.resetAfter').default(0),
      },
      { error: "expected { strategy?: 'linear' | 'exponential', initial?, max?, jitter?, resetAfter? } or null" },
    )
    .nullable()
    .default(null)
    .describe(
      "procvisor: retry delays in seconds: { strategy: 'linear' | 'exponential', initial, max, jitter (0..1), " +
        'resetAfter }; null = supervisord (1 s, 2 s, 3 s...). @default null',
    ),
  /**
   * procvisor: seconds after FATAL to start the process again, counting its tries afresh; null = never
   * (supervisord).
   * @default null
   */
  retryAfterFatal: z
    .union([nonNegative('retryAfterFatal'), z.null()])
    .default(null)
    .describe('procvisor: seconds after FATAL to start again, counting tries afresh; null = never. @default null'),
};
