// Row 7: PROCESS_COMMUNICATION_STDOUT events (capture mode: one event per block, whatever the chunking) per
// second, to an in-process listener and to an event listener process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchSupervisord, rpc } from '../lib/supervisord.mjs';
import { cpuMs, now, procCpuMs, sleep } from '../lib/util.mjs';

const fixture = (name) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

const producer = (count) => ({
  command: [process.execPath, fixture('communicate.mjs'), String(count)],
  startsecs: 0,
  autorestart: false,
  stdoutCaptureMaxbytes: '1MB',
  stdoutLogfile: 'NONE',
  stderrLogfile: 'NONE',
});

/** sup.on('PROCESS_COMMUNICATION_STDOUT'): first to last event. */
export async function inprocess({ count }, { Supervisor }) {
  const sup = new Supervisor({ programs: { p: producer(count) } });
  try {
    let received = 0;
    let first = 0;
    const all = new Promise((resolve) =>
      sup.on('PROCESS_COMMUNICATION_STDOUT', () => {
        if (++received === 1) first = now();
        if (received === count) resolve(now());
      }),
    );
    await sup.start();
    const last = await Promise.race([all, sleep(120_000).then(() => null)]);
    if (last === null) throw new Error(`only ${received} of ${count} events`);
    return { perSec: ((count - 1) / (last - first)) * 1000 };
  } finally {
    await sup.shutdown();
  }
}

async function untilFile(path, ms) {
  const end = now() + ms;
  for (;;) {
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      if (now() > end) return null;
      await sleep(20);
    }
  }
}

/** An eventListeners pool of one Node listener process answering OK at once. */
export async function listener({ count }, { Supervisor }) {
  const dir = mkdtempSync(join(tmpdir(), 'procvisor-bench-ev-'));
  const out = join(dir, 'result.json');
  let sup;
  try {
    try {
      sup = new Supervisor({
        programs: { p: { ...producer(count), autostart: false } },
        eventListeners: {
          l: {
            command: [process.execPath, fixture('listener.mjs'), out, String(count)],
            events: ['PROCESS_COMMUNICATION'],
            bufferSize: count + 10,
            stdoutLogfile: 'NONE',
            stderrLogfile: 'NONE',
          },
        },
      });
    } catch (err) {
      return { skipped: `eventListeners config refused: ${err.message}` };
    }
    await sup.start();
    if (!sup.getGroup('l'))
      return { skipped: 'eventListeners are accepted but no listener pool is started yet' };
    await sup.waitForState('l:l', 'RUNNING', { timeout: 10_000 });
    const listenerAtStart = sup.getProcess('l:l')?.state;
    const c0 = process.cpuUsage();
    await sup.startProcess('p');
    const r = await untilFile(out, 120_000);
    if (!r) throw new Error('the listener did not receive every event');
    return {
      perSec: ((r.count - 1) / (r.last - r.first)) * 1000,
      cpuPerEvent: cpuMs(c0) / count,
      listenerAtStart,
    };
  } finally {
    await sup?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** supervisord with the same listener and producer. */
export async function supervisord({ count }) {
  const sd = await launchSupervisord(
    [
      '[program:p]',
      `command=${process.execPath} ${fixture('communicate.mjs')} ${count}`,
      'startsecs=0',
      'autostart=false',
      'autorestart=false',
      'stdout_capture_maxbytes=1MB',
      'stdout_logfile=NONE',
      'stderr_logfile=NONE',
      '[eventlistener:l]',
      `command=${process.execPath} ${fixture('listener.mjs')} %(here)s/result.json ${count}`,
      'events=PROCESS_COMMUNICATION',
      `buffer_size=${count + 10}`,
      'stdout_logfile=NONE',
      'stderr_logfile=NONE',
    ].join('\n'),
  );
  try {
    // Both sides start the producer once the listener is RUNNING (procvisor: waitForState above). Until then
    // supervisord keeps every event in the pool's buffer and parses the producer's output before the
    // listener's first event, outside the first-to-last window the listener measures.
    const stateOf = async () =>
      /<name>statename<\/name>\s*<value>\s*<string>(\w+)</.exec(
        await rpc(sd.socket, 'supervisor.getProcessInfo', 'l'),
      )?.[1];
    const deadline = now() + 10_000;
    let listenerAtStart = await stateOf();
    while (listenerAtStart !== 'RUNNING') {
      if (now() > deadline) throw new Error(`supervisord's listener is ${listenerAtStart}, not RUNNING`);
      await sleep(20);
      listenerAtStart = await stateOf();
    }
    const c0 = procCpuMs(sd.pid);
    await rpc(sd.socket, 'supervisor.startProcess', 'p', false);
    const r = await untilFile(join(sd.dir, 'result.json'), 120_000);
    if (!r) throw new Error('the listener did not receive every event');
    return {
      perSec: ((r.count - 1) / (r.last - r.first)) * 1000,
      cpuPerEvent: (procCpuMs(sd.pid) - c0) / count,
      listenerAtStart,
    };
  } finally {
    await sd.stop();
  }
}

/**
 * Pins this worker, every thread of it, to CPU 0; the host, the listener, the producer (and supervisord)
 * started afterwards inherit it. False when taskset (util-linux) is missing or refused.
 */
function pinToOneCpu() {
  try {
    execFileSync('taskset', ['-a', '-c', '-p', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Diagnostic: `listener` with every process on one CPU, so that no round trip waits for another to wake. */
export async function listenerOneCpu(params, procvisor) {
  if (!pinToOneCpu()) return { skipped: 'taskset is not available' };
  return listener(params, procvisor);
}

/** Diagnostic: `supervisord` with every process on one CPU. */
export async function supervisordOneCpu(params) {
  if (!pinToOneCpu()) return { skipped: 'taskset is not available' };
  return supervisord(params);
}
