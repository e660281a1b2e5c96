// Row 5: CPU used by the host (and procvisor's watchdog process) while N children sleep.
import { sleep, spawnSleepers, stopChildren } from '../lib/util.mjs';
import { launchSupervisord, rpc, sleepersConf } from '../lib/supervisord.mjs';
import { readdirSync, readFileSync } from 'node:fs';
import { sleepConfig } from './start-stop.mjs';

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** utime + stime (ms) of this host's children that are not `sleep` (procvisor's watchdog). */
function helpersCpuMs() {
  let total = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    if (Number(f[1]) !== process.pid || comm === 'sleep') continue;
    total += (Number(f[11]) + Number(f[12])) * TICK_MS;
  }
  return total;
}

async function measure(seconds) {
  await sleep(1000); // let start-up work finish
  const cpu0 = process.cpuUsage();
  const h0 = helpersCpuMs();
  const wakeups0 = process.resourceUsage().voluntaryContextSwitches;
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wakeups = process.resourceUsage().voluntaryContextSwitches - wakeups0;
  // The measuring itself (one timer) costs a few context switches.
  return { hostMs: (cpu.user + cpu.system) / 1000, helperMs: helpersCpuMs() - h0, wakeups, seconds };
}

export async function raw({ n, seconds }) {
  const children = await spawnSleepers(n);
  try {
    return await measure(seconds);
  } finally {
    await stopChildren(children, 'SIGKILL');
  }
}

export async function procvisor({ n, seconds }, { Supervisor }) {
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
    return await measure(seconds);
  } finally {
    await sup.shutdown();
  }
}

/** supervisord's own CPU (from /proc) while N children sleep: its select loop wakes once a second. */
export async function supervisord({ n, seconds }) {
  const sd = await launchSupervisord(sleepersConf(n));
  const cpuMs = () => {
    const stat = readFileSync(`/proc/${sd.pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  };
  try {
    await rpc(sd.socket, 'supervisor.startAllProcesses', true);
    await sleep(1000);
    const c0 = cpuMs();
    await sleep(seconds * 1000);
    return { hostMs: cpuMs() - c0, helperMs: 0, seconds };
  } finally {
    await sd.stop();
  }
}
