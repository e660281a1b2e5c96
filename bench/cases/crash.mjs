// Row 6: `programs` children that exit at once, restarted for `seconds`: restarts per second and the host's
// event-loop delay p99.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { launchSupervisord, rpc } from '../lib/supervisord.mjs';
import { cpuMs, now, sleep } from '../lib/util.mjs';

function loopMonitor() {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  return () => {
    h.disable();
    return { p99: h.percentile(99) / 1e6, max: h.max / 1e6, mean: h.mean / 1e6 };
  };
}

/**
 * `programs` loops of spawn('true') and, once it is done ('close': exited and its pipes drained, which is
 * also when procvisor's spawner reports an exit), spawn again.
 */
export async function raw({ programs, seconds }) {
  let exits = 0;
  let running = true;
  let live = 0;
  let drained;
  const done = new Promise((resolve) => (drained = resolve));
  const loop = () => {
    live++;
    const c = spawn('true');
    c.once('close', () => {
      live--;
      exits++;
      if (running) loop();
      else if (live === 0) drained();
    });
  };
  const stopMonitor = loopMonitor();
  const c0 = process.cpuUsage();
  const t0 = now();
  for (let i = 0; i < programs; i++) loop();
  await sleep(seconds * 1000);
  running = false;
  const elapsed = now() - t0;
  const count = exits;
  const cpuPerRestart = cpuMs(c0) / count;
  const delay = stopMonitor();
  await done;
  return { restartsPerSec: (count / elapsed) * 1000, cpuPerRestart, ...delay };
}

/** startsecs=0, autorestart=true: each exit is EXITED, then STARTING again at once. */
export async function procvisor({ programs, seconds }, { Supervisor }) {
  const sup = new Supervisor({
    programs: {
      c: {
        command: 'true',
        numprocs: programs,
        processName: '%(program_name)s_%(process_num)d',
        startsecs: 0,
        autorestart: true,
        stdoutLogfile: 'NONE',
        stderrLogfile: 'NONE',
      },
    },
  });
  let exits = 0;
  let fatal = 0;
  sup.on('PROCESS_STATE_EXITED', () => exits++);
  sup.on('PROCESS_STATE_FATAL', () => fatal++);
  try {
    const stopMonitor = loopMonitor();
    const c0 = process.cpuUsage();
    const t0 = now();
    await sup.start();
    await sleep(seconds * 1000);
    const elapsed = now() - t0;
    const count = exits;
    const cpuPerRestart = cpuMs(c0) / count;
    const delay = stopMonitor();
    return { restartsPerSec: (count / elapsed) * 1000, cpuPerRestart, fatal, ...delay };
  } finally {
    await sup.shutdown();
  }
}

/** supervisord: the same programs, autostarted; restarts counted from its activity log's `exited:` lines. */
export async function supervisord({ programs, seconds }) {
  const sd = await launchSupervisord(
    [
      '[program:c]',
      'command=true',
      `numprocs=${programs}`,
      'process_name=%(program_name)s_%(process_num)d',
      'startsecs=0',
      'autostart=false',
      'autorestart=true',
      'stdout_logfile=NONE',
      'stderr_logfile=NONE',
    ].join('\n'),
  );
  const exitedLines = () =>
    (readFileSync(join(sd.dir, 'supervisord.log'), 'utf8').match(/ INFO exited: /g) ?? []).length;
  try {
    const before = exitedLines();
    const t0 = now();
    await rpc(sd.socket, 'supervisor.startAllProcesses', false);
    await sleep(seconds * 1000);
    const count = exitedLines() - before;
    return { restartsPerSec: (count / (now() - t0)) * 1000 };
  } finally {
    await sd.stop();
  }
}

/** Diagnostic: procvisor without containment (killOnExit: false): no watchdog, no process-table reads. */
export async function procvisorUncontained(params, mod) {
  const { Supervisor } = mod;
  class Uncontained extends Supervisor {
    constructor(config) {
      super(config, { killOnExit: false, handleSignals: false });
    }
  }
  return procvisor(params, { ...mod, Supervisor: Uncontained });
}
