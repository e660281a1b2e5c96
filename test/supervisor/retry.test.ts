/**
 * `backoff` and `retryAfterFatal` (procvisor) with real children: the retries wait at least the policy's
 * delays, and a FATAL program comes back.
 */
import { expect } from 'vitest';
import { it, prog } from '../helpers/core.js';

it('exponential retries capped at max, then FATAL, then back after retryAfterFatal', async ({
  supervise,
}) => {
  const h = supervise({
    programs: {
      p: prog(['--exit=1'], {
        startsecs: 1,
        startretries: 3,
        backoff: { strategy: 'exponential', initial: '200ms', max: '400ms' },
        retryAfterFatal: '300ms',
      }),
    },
  });
  const starts: number[] = [];
  h.sup.on('PROCESS_STATE_STARTING', () => starts.push(performance.now()));
  await h.sup.start();
  await h.reach('p', 'FATAL');
  await h.reach('p', 'STARTING', 5); // the start after FATAL
  const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
  // Each retry waits at least its delay: 0.2 s, 0.4 s, 0.4 s (capped), then 0.3 s after FATAL.
  [200, 400, 400, 300].forEach((ms, i) => expect(gaps[i]).toBeGreaterThanOrEqual(ms - 5));
  expect(h.seq('p').filter((s) => s.startsWith('BACKOFF->STARTING'))).toHaveLength(3);
  expect(h.seq('p')).toContain('FATAL->STARTING tries:0');
});
