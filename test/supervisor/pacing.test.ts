/**
 * Automatic restarts with real children are paced: at most STARTS_PER_TURN forks in one turn of the event
 * loop, even when the restarts of one program share one command lookup in flight (its answer used to
 * release every restart waiting on it into the same turn).
 */
import { expect } from 'vitest';
import { STARTS_PER_TURN } from '../../src/supervisor/pacer.js';
import { it } from '../helpers/core.js';

it('restarts sharing one slow PATH lookup still fork at most STARTS_PER_TURN per turn', async ({
  supervise,
  tmp,
}) => {
  // 150 missing directories before the real PATH: each lookup stats them one after the other, long enough
  // for every crashing process's restart to join the one in flight.
  const missing = Array.from({ length: 150 }, (_, i) => `${tmp}/missing-${i}`);
  const h = supervise({
    programs: {
      c: {
        command: 'true',
        numprocs: 12,
        processName: '%(program_name)s_%(process_num)d',
        startsecs: 0,
        autorestart: true,
        stdoutLogfile: 'NONE',
        stderrLogfile: 'NONE',
        environment: { PATH: [...missing, process.env.PATH ?? '/usr/bin:/bin'].join(':') },
      },
    },
  });
  // The turn of the event loop: one check phase (setImmediate) per turn while the test runs.
  let turn = 0;
  let counting = true;
  const tick = () => {
    turn++;
    if (counting) setImmediate(tick);
  };
  setImmediate(tick);
  const perTurn = new Map<number, number>();
  let restarts = 0;
  const enough = new Promise<void>((resolve) =>
    h.sup.on('PROCESS_STATE_STARTING', (e) => {
      if (e.fromState !== 'EXITED') return; // the autostart of all 12 is one pass, as supervisord's
      perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
      if (++restarts === 120) resolve();
    }),
  );
  try {
    await h.sup.start();
    await enough;
  } finally {
    counting = false;
  }
  expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(STARTS_PER_TURN);
});
