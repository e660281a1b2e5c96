// Row 4: the host's RSS growth per child (run with --expose-gc, one fresh process per measurement).
import { sleep, spawnSleepers, stopChildren } from '../lib/util.mjs';
import { sleepConfig } from './start-stop.mjs';

async function settledRss() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await sleep(100);
  }
  return process.memoryUsage().rss;
}

export async function raw({ n }) {
  const before = await settledRss();
  const children = await spawnSleepers(n);
  const after = await settledRss();
  await stopChildren(children, 'SIGKILL');
  return { perProcess: (after - before) / n, before, after };
}

export async function procvisor({ n }, { Supervisor }) {
  // The empty host: procvisor loaded and a Supervisor without programs started (and shut down).
  const empty = new Supervisor({});
  await empty.start();
  await empty.shutdown();
  const before = await settledRss();
  const sup = new Supervisor(sleepConfig(n));
  try {
    let running = 0;
    const allRunning = new Promise((resolve) =>
      sup.on('PROCESS_STATE_RUNNING', () => {
        if (++running === n) resolve();
      }),
    );
    await sup.start();
    await allRunning;
    const after = await settledRss();
    return { perProcess: (after - before) / n, before, after };
  } finally {
    await sup.shutdown();
  }
}
