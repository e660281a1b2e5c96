// Shared helpers of the benchmark suite: statistics, worker processes, and the sweep that guarantees no
// process of a run survives it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { procPids } from './procfs.mjs';

/** Every process a bench run starts carries this variable (inherited through fork and exec). */
export const TAG_ENV = 'PROCVISOR_BENCH_RUN';

export const now = () => performance.now();
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Median of per-round ratios a[i] / b[i] (rounds ran side by side, so each pair shares the machine's mood). */
export function medianRatio(a, b) {
  const r = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i]) && b[i] !== 0) r.push(a[i] / b[i]);
  }
  return median(r);
}

/** Pids of every process whose environment holds `TAG_ENV=tag` (Linux /proc). */
export function taggedPids(tag) {
  const needle = `${TAG_ENV}=${tag}`;
  const out = [];
  for (const pid of procPids()) {
    if (pid === process.pid) continue;
    let env;
    try {
      env = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (env.startsWith(`${needle}\0`) || env.includes(`\0${needle}\0`) || env.endsWith(`\0${needle}`)) {
      out.push(pid);
    }
  }
  return out;
}

/** SIGKILLs every tagged process until none is left; returns how many were killed. */
export async function sweep(tag) {
  let killed = 0;
  for (let round = 0; round < 20; round++) {
    const pids = taggedPids(tag);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // already gone
      }
    }
    await sleep(50);
  }
  return killed;
}

const WORKER = fileURLToPath(new URL('../worker.mjs', import.meta.url));

/**
 * Runs one measurement in a fresh Node process (its own heap, its own process group) and returns the JSON
 * it reports. The soft fd limit is raised to the hard one first. On timeout the worker's group is killed;
 * the caller sweeps the tag afterwards whatever happens.
 */
export function runWorker({ tag, kase, variant, params, timeoutMs, nodeArgs = [] }) {
  return new Promise((resolve) => {
    const args = [...nodeArgs, WORKER, kase, variant, JSON.stringify(params)];
    const quoted = args.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
    const child = spawn(
      '/bin/sh',
      ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" ${quoted}`, process.execPath],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, [TAG_ENV]: tag },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      err += `\n(worker timed out after ${timeoutMs} ms)`;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (line) {
        resolve(JSON.parse(line.slice(7)));
        return;
      }
      resolve({ error: `worker ${kase}/${variant} failed (${signal ?? code}): ${err.trim().slice(-2000)}` });
    });
  });
}

/** Sum of the sizes of `base` and its rotated backups (`base.1`, `base.2`, ...). */
export async function logBytes(fsp, dir, name) {
  let total = 0;
  let names;
  try {
    names = await fsp.readdir(dir);
  } catch {
    return 0;
  }
  for (const n of names) {
    if (n !== name && !(n.startsWith(`${name}.`) && /^\d+$/.test(n.slice(name.length + 1)))) continue;
    try {
      total += (await fsp.stat(`${dir}/${n}`)).size;
    } catch {
      // rotated away meanwhile: counted under its new name on the next look
    }
  }
  return total;
}

/** CPU time (user + system, ms) of this process since `from` (a process.cpuUsage() value). */
export function cpuMs(from) {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/** CPU time (user + system, ms, 10 ms ticks) of another process, from /proc/<pid>/stat. */
export function procCpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** supervisord's byte sizes: '50MB' = 50 * 1024 * 1024. */
export function parseBytes(text) {
  const m = /^(\d+)\s*(KB|MB|GB)?$/i.exec(String(text).trim());
  if (!m) throw new Error(`bad size ${text}`);
  const unit = { '': 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30 }[(m[2] ?? '').toUpperCase()];
  return Number(m[1]) * unit;
}

/**
 * Raw baseline: spawns `n` `sleep 1000` children (with `options`, for `spawn`) and resolves with them once
 * every one has spawned.
 */
export async function spawnSleepers(n, { file = 'sleep', ...options } = {}) {
  const children = [];
  await new Promise((resolve, reject) => {
    let spawned = 0;
    for (let i = 0; i < n; i++) {
      const c = spawn(file, ['1000'], options);
      c.once('error', reject);
      c.once('spawn', () => {
        if (++spawned === n) resolve();
      });
      children.push(c);
    }
  });
  return children;
}

/** Sends `signal` to each child and resolves once every one has exited. */
export function stopChildren(children, signal = 'SIGTERM') {
  return Promise.all(
    children.map(
      (c) =>
        new Promise((resolve) => {
          c.once('exit', resolve);
          c.kill(signal);
        }),
    ),
  );
}
