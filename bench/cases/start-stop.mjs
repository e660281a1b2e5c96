// Rows 1 and 2: start N `sleep 1000` until every one is RUNNING, then stop them all.
import { readFileSync } from 'node:fs';
import { cpuMs, now, procCpuMs, sleep, spawnSleepers, stopChildren } from '../lib/util.mjs';
import { countState, launchSupervisord, logTimes, rpc, sleepersConf } from '../lib/supervisord.mjs';

/** Raw child_process.spawn (default options: three pipes) until every 'spawn' event; kill and wait for 'exit'. */
export async function raw({ n }) {
  return spawnAll(n);
}

/**
 * Diagnostic: the same raw spawns from a host that has loaded procvisor and resolved (not started) the
 * same configuration. fork(2) copies the parent's page tables and exec tears them down, so every spawn
 * costs time in proportion to the host's resident memory; this baseline has procvisor's code in memory.
 */
export async function rawLoaded({ n }, { Supervisor }) {
  const sup = new Supervisor(sleepConfig(n));
  const result = await spawnAll(n);
  await sup.shutdown();
  return result;
}

async function spawnAll(n) {
  const c0 = process.cpuUsage();
  const t0 = now();
  const children = await spawnSleepers(n);
  const start = now() - t0;
  const startCpu = cpuMs(c0);
  const rss = process.memoryUsage().rss;
  const c1 = process.cpuUsage();
  const t1 = now();
  await stopChildren(children);
  return { start, stop: now() - t1, startCpu, stopCpu: cpuMs(c1), rss };
}

export function sleepConfig(n) {
  return {
    programs: {
      s: {
        command: 'sleep 1000',
        numprocs: n,
        processName: '%(program_name)s_%(process_num)d',
        startsecs: 0,
        autorestart: false,
        stdoutLogfile: 'NONE',
        stderrLogfile: 'NONE',
      },
    },
  };
}

/** A Supervisor (constructed inside the timing) until N PROCESS_STATE_RUNNING; stopAllProcesses(). */
export async function procvisor({ n }, { Supervisor }) {
  const c0 = process.cpuUsage();
  const t0 = now();
  const sup = new Supervisor(sleepConfig(n));
  try {
    let running = 0;
    const allRunning = new Promise((resolve, reject) => {
      sup.on('PROCESS_STATE_RUNNING', () => {
        if (++running === n) resolve();
      });
      sup.on('PROCESS_STATE_FATAL', (e) => reject(new Error(`${e.processName} FATAL`)));
    });
    await sup.start();
    await allRunning;
    const start = now() - t0;
    const startCpu = cpuMs(c0);
    const rss = process.memoryUsage().rss;
    const c1 = process.cpuUsage();
    const t1 = now();
    const results = await sup.stopAllProcesses();
    const stop = now() - t1;
    const stopCpu = cpuMs(c1);
    if (results.length !== n || results.some((r) => r.status !== 80)) throw new Error('stop failed');
    return { start, stop, startCpu, stopCpu, rss };
  } finally {
    await sup.shutdown();
  }
}

/**
 * supervisord, driven as `supervisorctl start all` / `stop all` drive it: startAllProcesses(wait=true) over
 * XML-RPC. With startsecs=0 supervisord marks each process RUNNING inside that call (rpcinterface.py
 * calls transition() after spawn()), so its 1 s select loop is not in the way; the timing excludes
 * supervisord's own start-up.
 */
export async function supervisord({ n }) {
  const sd = await launchSupervisord(sleepersConf(n));
  try {
    const c0 = procCpuMs(sd.pid);
    const t0 = now();
    await rpc(sd.socket, 'supervisor.startAllProcesses', true);
    const start = now() - t0;
    const startCpu = procCpuMs(sd.pid) - c0;
    const info = await rpc(sd.socket, 'supervisor.getAllProcessInfo');
    if (countState(info, 'RUNNING') !== n) throw new Error(`only ${countState(info, 'RUNNING')} RUNNING`);
    const c1 = procCpuMs(sd.pid);
    const t1 = now();
    await rpc(sd.socket, 'supervisor.stopAllProcesses', true);
    const stop = now() - t1;
    return { start, stop, startCpu, stopCpu: procCpuMs(sd.pid) - c1 };
  } finally {
    await sd.stop();
  }
}

/**
 * supervisord autostarting the same programs, as its users see it: from its "supervisord started" line to
 * the last "entered RUNNING state" line of its activity log (millisecond timestamps). Nothing is sent to
 * supervisord meanwhile (the log is read from disk), since a request would wake its main loop: that loop
 * waits up to a second before the pass that spawns, and marks a process RUNNING on a later pass
 * (`startsecs=0` needs `now - laststart > 0`), so both waits are in this figure. `spawnPhase` is the first
 * spawn to the last, `firstSpawn` the wait before it.
 */
export async function supervisordAutostart({ n }) {
  const sd = await launchSupervisord(sleepersConf(n, { autostart: true }), { poll: false });
  try {
    const deadline = now() + 120_000;
    let t;
    for (;;) {
      await sleep(100);
      const gone = sd.exited();
      if (gone) throw new Error(gone);
      let text = '';
      try {
        text = readFileSync(sd.log, 'utf8');
      } catch {
        // not written yet
      }
      t = logTimes(text);
      if (t.running >= n) break;
      if (now() > deadline) throw new Error(`only ${t.running} RUNNING after 120 s`);
    }
    return {
      start: t.lastRunning - t.started,
      spawnPhase: t.lastSpawned - t.firstSpawned,
      firstSpawn: t.firstSpawned - t.started,
    };
  } finally {
    await sd.stop();
  }
}
