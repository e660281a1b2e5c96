// `npm run demo` end to end: the `web` program, three real HTTP workers. The demo is run as users run it
// (node examples/demo.mjs against dist/), on free ports so parallel runs do not collide.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEMO = join(ROOT, 'examples', 'demo.mjs');
/** Generous: the demo needs a few seconds; a loaded machine may need many more. */
const DEMO_TIMEOUT_MS = 120_000;

interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Every pid the demo printed (state changes carry `pid=N`, HTTP answers `"pid":N`). */
function printedPids(output: string): number[] {
  const pids = new Set<number>();
  for (const m of output.matchAll(/pid=(\d+)|"pid":(\d+)/g)) pids.add(Number(m[1] ?? m[2]));
  pids.delete(0);
  return [...pids];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** A multiple of 100 whose three ports are free now (DEMO_PORT_BASE must be a multiple of 100). */
async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 100 * (200 + Math.floor(Math.random() * 400)); // 20000 .. 59900
    const servers: Server[] = [];
    try {
      for (let n = 0; n < 3; n++) servers.push(await listen(base + n));
      return base;
    } catch {
      // busy: try another base
    } finally {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    }
  }
  throw new Error('no free port range found');
}

const leaked: number[] = [];

/**
 * Runs the demo to its end; on our own deadline, asks it to stop (SIGINT) and then kills it. `onOutput` sees
 * the stdout so far after every chunk.
 */
function runDemo(
  env: Record<string, string>,
  onOutput?: (stdout: string, child: ChildProcess) => void,
): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      onOutput?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const deadline = setTimeout(() => {
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    }, DEMO_TIMEOUT_MS - 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

beforeAll(() => {
  // `npm test` builds first; this covers running the file alone on a fresh clone.
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) {
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('build failed');
  }
}, DEMO_TIMEOUT_MS);

afterEach(() => {
  // A leaked worker fails the test that leaked it, and is killed here so it cannot hurt the next one.
  for (const pid of leaked.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

describe('npm run demo', () => {
  it(
    'supervises three workers, shows a restart and the status table, and exits 0 leaving nothing behind',
    async () => {
      const run = await runDemo({ DEMO_PORT_BASE: String(await freePortBase()), DEMO_PAUSE_MS: '200' });
      const out = run.stdout;
      const pids = printedPids(out);
      leaked.push(...pids.filter(alive));

      expect(run.stderr, out).toBe('');
      expect(run.code, out).toBe(0);
      expect(leaked, 'worker pids still alive after the demo exited').toEqual([]);

      // Every process reached RUNNING; three distinct workers answered HTTP.
      for (const n of ['00', '01', '02']) {
        expect(out).toMatch(new RegExp(`web:web-${n} +STOPPED +→ STARTING +tries=0`));
        expect(out).toMatch(new RegExp(`web:web-${n} +STARTING → RUNNING +pid=\\d+`));
        expect(out).toMatch(new RegExp(`→ \\{"name":"web-${n}","pid":\\d+,"port":\\d+${n}\\}`));
      }

      // The restart after SIGKILL: RUNNING → EXITED (unexpected) → STARTING → RUNNING, with a new pid.
      const kill = out.indexOf('killing web:web-01');
      expect(kill, out).toBeGreaterThan(0);
      const after = out.slice(kill);
      expect(after).toMatch(/web:web-01 +RUNNING +→ EXITED +pid=\d+ expected=false/);
      expect(after).toMatch(/web:web-01 +EXITED +→ STARTING +tries=0/);
      expect(after).toMatch(/web:web-01 +STARTING → RUNNING +pid=\d+/);
      const restarted =
        /restarted: web:web-01 went RUNNING → EXITED → STARTING → RUNNING \(pid (\d+) → (\d+)\)/.exec(after);
      expect(restarted, out).not.toBeNull();
      expect(restarted![1]).not.toBe(restarted![2]);

      // The status table, exactly as supervisorctl formats it: '%-33s%-10s%s'.
      const table = out.slice(out.indexOf('== the status table'));
      for (const n of ['00', '01', '02']) {
        const prefix = `web:web-${n}`.padEnd(33) + 'RUNNING'.padEnd(10);
        expect(table).toMatch(new RegExp(`^${prefix}pid \\d+, uptime \\d+:\\d\\d:\\d\\d$`, 'm'));
      }

      // A log tail, stdout and the redirected stderr in one file, then an orderly shutdown.
      expect(out).toMatch(/web-01\[\d+\] listening on http:\/\/127\.0\.0\.1:\d+01\//);
      expect(out).toContain('SUPERVISOR_STATE_CHANGE_STOPPING');
      for (const n of ['00', '01', '02']) {
        expect(out).toMatch(new RegExp(`web:web-${n} +STOPPING → STOPPED +pid=\\d+`));
      }
      expect(out).toContain('no process left behind');

      // Each step says, in plain words, what happens and how to read it.
      expect(out).toContain('numprocs=3 asks for three copies');
      expect(out).toContain('RUNNING means it has stayed up for startsecs = 1 s');
      expect(out).toContain('autorestart=true: when a process dies without being asked to stop');
      expect(out).toContain('the same table `supervisorctl status` prints');
      expect(out).toContain('procvisor sends each process SIGTERM');
      expect(out).not.toMatch(/seed article|\[program:testing\]/i);
    },
    DEMO_TIMEOUT_MS,
  );

  it(
    'says clearly that a port is busy and exits 1 without starting anything',
    async () => {
      const base = await freePortBase();
      const squatter = await listen(base + 1);
      try {
        const run = await runDemo({ DEMO_PORT_BASE: String(base), DEMO_PAUSE_MS: '0' });
        leaked.push(...printedPids(run.stdout).filter(alive));
        expect(run.code, run.stdout + run.stderr).toBe(1);
        expect(run.stderr).toContain(`port ${base + 1} is busy (EADDRINUSE)`);
        expect(run.stdout).not.toContain('STARTING');
        expect(leaked).toEqual([]);
      } finally {
        await new Promise((r) => squatter.close(r));
      }
    },
    DEMO_TIMEOUT_MS,
  );

  it(
    'shuts down on SIGINT (Ctrl-C) and exits 0 leaving nothing behind',
    async () => {
      let sent = false;
      const run = await runDemo(
        { DEMO_PORT_BASE: String(await freePortBase()), DEMO_PAUSE_MS: '60000' },
        (stdout, child) => {
          // Interrupt once the workers answered HTTP: the demo is then in its pause for the viewer.
          if (!sent && stdout.includes('"name":"web-02"')) {
            sent = true;
            child.kill('SIGINT');
          }
        },
      );
      const r = { ...run, pids: printedPids(run.stdout) };
      leaked.push(...r.pids.filter(alive));
      expect(r.stdout).toContain('got SIGINT: shutting down');
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.pids.length).toBeGreaterThanOrEqual(3);
      expect(leaked).toEqual([]);
    },
    DEMO_TIMEOUT_MS,
  );
});
