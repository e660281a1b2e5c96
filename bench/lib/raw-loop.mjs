// The soak's floor: the same crash loop without procvisor. `programs` loops of `child_process.spawn` with
// three pipes, the output read and dropped, each child started again once it is done ('close': it exited and
// its pipes are drained), paced as procvisor paces automatic starts (a queue, `perTurn` from a 0 ms timer per
// turn). What the host's event loop suffers from spawning alone, on this machine in its current state.
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { now, sleep } from './util.mjs';

export async function rawCrashLoop({ programs, seconds, argv, resolution, perTurn = 4 }) {
  const [file, ...args] = argv;
  let starts = 0;
  let running = true;
  let live = 0;
  let spawnMs = 0;
  let drained;
  const done = new Promise((resolve) => (drained = resolve));
  const start = () => {
    live++;
    starts++;
    const t = now();
    const c = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    spawnMs += now() - t;
    c.stdout.resume();
    c.stderr.resume();
    c.once('close', () => {
      live--;
      if (running) later();
      else if (live === 0) drained();
    });
  };
  const queue = [];
  let timer = null;
  const drain = () => {
    timer = null;
    const batch = queue.splice(0, perTurn);
    if (queue.length > 0) timer = setTimeout(drain, 0);
    for (const fn of batch) fn();
  };
  const later = () => {
    queue.push(start);
    timer ??= setTimeout(drain, 0);
  };
  const h = monitorEventLoopDelay({ resolution });
  h.enable();
  const t0 = now();
  for (let i = 0; i < programs; i++) start();
  await sleep(seconds * 1000);
  running = false;
  h.disable();
  const elapsed = (now() - t0) / 1000;
  const result = {
    seconds: elapsed,
    starts,
    startsPerSec: starts / elapsed,
    spawnMsEach: spawnMs / starts,
    p99: h.percentile(99) / 1e6,
    max: h.max / 1e6,
    mean: h.mean / 1e6,
  };
  await done;
  return result;
}
