#!/usr/bin/env node
// A pool of identical HTTP workers with readiness: `node examples/worker-pool.mjs`.
//
// - `numprocs` workers from one program, each on its own port (`%(process_num)02d` in the command and in the
//   readiness URL);
// - `readiness: { http }`: a worker is RUNNING only once it answers HTTP, so the pool never routes to a
//   worker that is still starting;
// - requests go round-robin to the RUNNING workers only; a worker killed with SIGKILL leaves the rotation
//   and comes back, ready, after its automatic restart.
//
// Environment: POOL_SIZE (default 4), POOL_PORT_PREFIX (default 182: ports 18200, 18201, ...).
import { fileURLToPath } from 'node:url';
/* global fetch -- Node 20's fetch, not in this project's ESLint globals */
import { Supervisor } from 'procvisor';

const size = Number(process.env.POOL_SIZE ?? 4);
const prefix = process.env.POOL_PORT_PREFIX ?? '182';
const worker = fileURLToPath(new URL('./worker.mjs', import.meta.url));

const sup = await Supervisor.launch(
  {
    programs: {
      pool: {
        command: [process.execPath, worker, '-p', `${prefix}%(process_num)02d`],
        numprocs: size,
        processName: 'worker-%(process_num)02d',
        autorestart: true,
        stopwaitsecs: 5,
        stdoutLogfile: 'NONE', // nothing kept on disk; waitForOutput and lines() still see the output
        redirectStderr: true,
        readiness: { http: `http://127.0.0.1:${prefix}%(process_num)02d/`, timeout: '20s', interval: '50ms' },
      },
    },
  },
  { timeout: 60_000 },
);

/** The port of a worker, from its command line. */
const portOf = (p) => Number(p.config.command.at(-1));

/** Round-robin over the workers that are RUNNING now. */
let next = 0;
async function dispatch(path) {
  const ready = sup.getGroup('pool').processes.filter((p) => p.state === 'RUNNING');
  if (ready.length === 0) throw new Error('no worker is ready');
  const p = ready[next++ % ready.length];
  const res = await fetch(`http://127.0.0.1:${portOf(p)}${path}`);
  return res.json();
}

try {
  sup.on('PROCESS_STATE', (e) => console.log(`${e.processName}: ${e.fromState} -> ${e.state}`));
  const answers = [];
  for (let i = 0; i < size * 2; i++) answers.push((await dispatch(`/job/${i}`)).name);
  console.log('served by:', answers.join(' '));

  // A crash: the victim leaves the rotation at once, and rejoins once it is ready again.
  const victim = sup.getProcess('pool:worker-01');
  const oldPid = victim.pid;
  process.kill(oldPid, 'SIGKILL');
  // EXITED (then STARTING at once, by autorestart), or BACKOFF if it died within startsecs of its start.
  await victim.waitForState((p) => p.state !== 'RUNNING', { timeout: 10_000 });
  console.log('while worker-01 restarts:', (await dispatch('/during')).name);
  await victim.waitForState('RUNNING', { timeout: 30_000 }); // RUNNING = answering HTTP again
  console.log(`worker-01 is back: pid ${oldPid} -> ${victim.pid}`);
  console.log(
    'pool:',
    sup
      .getGroup('pool')
      .info()
      .map((i) => `${i.name}=${i.statename}`)
      .join(' '),
  );
} finally {
  await sup.shutdown();
}
