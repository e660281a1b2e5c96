/**
 * Automatic restarts with real children are paced: at most STARTS_PER_TURN forks in one turn of the event
 * loop, even when the restarts of one program share one command lookup in flight (its answer used to
 * release every restart waiting on it into the same turn).
 */
import { expect } from 'vitest';
import { STARTS_PER_TURN } from '../../src/supervisor/pacer.js';
import { it } from '../helpers/core.js';

/** 150 missing directories before the real PATH: each lookup stats them one after the other. */
function slowPath(tmp: string): string {
  const missing = Array.from({ length: 150 }, (_, i) => `${tmp}/missing-${i}`);
  return [...missing, process.env.PATH ?? '/usr/bin:/bin'].join(':');
}

/**
 * Counts, per turn of the event loop (one check phase each), the starts of `sup` that come from `fromState`,
 * until there have been `count`; resolves with the most in one turn.
 */
async function mostStartsPerTurn(
  sup: { on(type: 'PROCESS_STATE_STARTING', fn: (e: { fromState: string }) => void): unknown },
  fromState: string,
  count: number,
): Promise<number> {
  let turn = 0;
  let counting = true;
  const tick = () => {
    turn++;
    if (counting) setImmediate(tick);
  };
  setImmediate(tick);
  const perTurn = new Map<number, number>();
  let seen = 0;
  try {
    await new Promise<void>((resolve) =>
      sup.on('PROCESS_STATE_STARTING', (e) => {
        if (e.fromState !== fromState) return;
        perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
        if (++seen === count) resolve();
      }),
    );
  } finally {
    counting = false;
  }
  return Math.max(...perTurn.values());
}

const quiet = { stdoutLogfile: 'NONE', stderrLogfile: 'NONE' } as const;

it('restarts sharing one slow PATH lookup still fork at most STARTS_PER_TURN per turn', async ({
  supervise,
  tmp,
}) => {
  // The lookup is long enough for every crashing process's restart to join the one in flight.
  const h = supervise({
    programs: {
      c: {
        command: 'true',
        numprocs: 12,
        processName: '%(program_name)s_%(process_num)d',
        startsecs: 0,
        autorestart: true,
        environment: { PATH: slowPath(tmp) },
        ...quiet,
      },
    },
  });
  // Only restarts: the autostart of all 12 is one pass, as supervisord's.
  const most = mostStartsPerTurn(h.sup, 'EXITED', 120);
  await h.sup.start();
  expect(await most).toBeLessThanOrEqual(STARTS_PER_TURN);
});

it('backoff retries that fall due together are paced the same way', async ({ supervise, tmp }) => {
  const h = supervise({
    programs: {
      c: {
        command: 'true', // exits before startsecs: BACKOFF, retried after 50 ms
        numprocs: 12,
        processName: '%(program_name)s_%(process_num)d',
        startsecs: 5,
        startretries: 3,
        backoff: { strategy: 'linear', initial: '50ms', max: '50ms' },
        autorestart: false,
        environment: { PATH: slowPath(tmp) },
        ...quiet,
      },
    },
  });
  const most = mostStartsPerTurn(h.sup, 'BACKOFF', 36);
  await h.sup.start();
  expect(await most).toBeLessThanOrEqual(STARTS_PER_TURN);
});
