// Would spawning from a small helper process beat spawning from the host? Issue 14 asks to measure it
// before adopting it: `node bench/spawn-helper.mjs [--n 200] [--rounds 5]` (after `npm run build`).
//
// Both variants run in this one host, which first loads procvisor and resolves a configuration of N
// programs, so it is the size of a supervising host. Rounds alternate between them:
// - direct: `spawn('/usr/bin/sleep', ['1000'], { detached: true })` N times from this host, until every
//   'spawn' event (three pipes each, as procvisor's spawner makes them);
// - helper: a Node process forked at the start (not timed) spawns them. For each child it opens three
//   connections to a unix socket this host listens on, writes an 8-byte id on each, and passes them to the
//   child as its stdin, stdout and stderr; it reports the pid over IPC. A child counts as started once its
//   pid and its three connections have reached this host, which then holds three sockets per child as the
//   spawner would. Handing pipes over IPC instead would cost an acknowledged round trip per pipe.
//
// It prints the median wall time of each, the host's CPU, and the helper's CPU (from /proc).
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMs, median, now, procCpuMs, spawnSleepers, stopChildren } from './lib/util.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const n = arg('n', 200);
const roundCount = arg('rounds', 5);

if (process.argv[2] === '--helper') {
  // The helper: spawns what it is asked to, with three connections to the host as the child's stdio.
  const socketPath = process.argv[3];
  // At most 32 children connecting at once: a burst of 3,000 connections overflows the listen backlog.
  const queue = [];
  let connecting = 0;
  const next = () => {
    while (connecting < 32 && queue.length > 0) start(queue.shift());
  };
  const start = (m) => {
    connecting++;
    const socks = [];
    let connected = 0;
    const go = () => {
      connecting--;
      const c = spawn(m.file, m.args, { stdio: socks, detached: true });
      for (const s of socks) s.destroy();
      c.on('exit', () => process.send({ t: 'exit', id: m.id }));
      process.send({ t: 'pid', id: m.id, pid: c.pid });
      next();
    };
    for (let ch = 0; ch < 3; ch++) {
      const s = net.connect(socketPath, () => {
        const id = Buffer.alloc(8);
        id.writeUInt32LE(m.id, 0);
        id.writeUInt32LE(ch, 4);
        s.write(id, () => {
          if (++connected === 3) go();
        });
      });
      socks.push(s);
    }
  };
  process.on('message', (m) => {
    if (m.t === 'bye') process.exit(0);
    queue.push(m);
    next();
  });
} else {
  await main();
}

async function main() {
  const { Supervisor } = await import('../dist/index.js');
  const { sleepConfig } = await import('./cases/start-stop.mjs');
  const loaded = new Supervisor(sleepConfig(n)); // resolved, not started: the host's size
  const dir = mkdtempSync(join(tmpdir(), 'procvisor-spawn-helper-'));
  const socketPath = join(dir, 'h.sock');
  const conns = [];
  let onConn = () => {};
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.once('readable', function header() {
      const id = s.read(8);
      if (!id) return void s.once('readable', header);
      s.on('data', () => {});
      conns.push(s);
      onConn();
    });
  });
  await new Promise((resolve) => server.listen(socketPath, resolve));
  const helper = fork(new URL(import.meta.url).pathname, ['--helper', socketPath], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise((resolve) => helper.once('spawn', resolve));

  async function viaHelper() {
    conns.length = 0;
    const pids = [];
    const c0 = process.cpuUsage();
    const h0 = procCpuMs(helper.pid);
    const t0 = now();
    await new Promise((resolve) => {
      const check = () => pids.length === n && conns.length === 3 * n && resolve();
      onConn = check;
      helper.on('message', function onPid(m) {
        if (m.t !== 'pid') return;
        pids.push(m.pid);
        if (pids.length === n) helper.off('message', onPid);
        check();
      });
      for (let id = 0; id < n; id++) helper.send({ t: 'spawn', id, file: '/usr/bin/sleep', args: ['1000'] });
    });
    const result = { ms: now() - t0, cpu: cpuMs(c0), helperCpu: procCpuMs(helper.pid) - h0 };
    let exited = 0;
    await new Promise((resolve) => {
      helper.on('message', function onExit(m) {
        if (m.t === 'exit' && ++exited === n) {
          helper.off('message', onExit);
          resolve();
        }
      });
      for (const pid of pids) process.kill(pid, 'SIGTERM');
    });
    for (const s of conns) s.destroy();
    return result;
  }

  async function direct() {
    const c0 = process.cpuUsage();
    const t0 = now();
    const children = await spawnSleepers(n, { file: '/usr/bin/sleep', detached: true });
    const result = { ms: now() - t0, cpu: cpuMs(c0), helperCpu: 0 };
    await stopChildren(children);
    return result;
  }

  const samples = { direct: [], helper: [] };
  try {
    for (let r = 0; r < roundCount; r++) {
      const order = r % 2 === 0 ? ['direct', 'helper'] : ['helper', 'direct'];
      for (const v of order) samples[v].push(await (v === 'direct' ? direct() : viaHelper()));
    }
  } finally {
    helper.send({ t: 'bye' });
    server.close();
    await loaded.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
  const fmt = (list, key) => `${median(list.map((s) => s[key])).toFixed(1)} ms`;
  console.log(
    `${n} children, ${roundCount} alternating rounds, host RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
  );
  for (const [v, list] of Object.entries(samples)) {
    console.log(
      `${v.padEnd(7)} wall ${fmt(list, 'ms')}, host CPU ${fmt(list, 'cpu')}, helper CPU ${fmt(list, 'helperCpu')}`,
    );
  }
}
