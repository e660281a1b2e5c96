// Every example in examples/ runs as a user would run it (`node examples/<name>.mjs`, importing the package
// by its name through the package's self-reference), on ports that are free now, and leaves nothing running.
// examples/demo.mjs has its own test (demo.test.ts).
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Generous: each example needs a second or two; a loaded machine may need many more. */
const RUN_TIMEOUT_MS = 120_000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` in the repository with extra environment; kills it if it outlives the timeout. */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      // `node` in a supervisord.conf command is looked up on PATH: make it this node.
      env: { ...base, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), RUN_TIMEOUT_MS - 10_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** A port prefix P (ports P00, P01, ...) from 181 up whose first `count` ports are free now. */
async function freePrefix(count: number): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const prefix = 181 + Math.floor(Math.random() * 400); // 18100 .. 58099
    const servers: Server[] = [];
    try {
      for (let n = 0; n < count; n++) servers.push(await listen(prefix * 100 + n));
      return String(prefix);
    } catch {
      // busy: try another prefix
    } finally {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    }
  }
  throw new Error(`no ${count} free ports found`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every pid an example printed: `pid 4242,` (status), `"pid":4242` (a worker's answer), `pid A -> B`. */
function printedPids(output: string): number[] {
  const pids = new Set<number>();
  for (const m of output.matchAll(/pid (\d+)(?: -> (\d+))?|"pid":(\d+)/g)) {
    for (const g of [m[1], m[2], m[3]]) if (g) pids.add(Number(g));
  }
  return [...pids];
}

/** The example's children are gone: it awaited shutdown(), which resolves when every child is reaped. */
function expectNoneAlive(output: string): void {
  const pids = printedPids(output);
  expect(pids.length).toBeGreaterThan(0);
  expect(pids.filter(alive)).toEqual([]);
}

describe('examples', () => {
  it(
    'ini-demo.mjs runs the web program from examples/web.conf',
    async () => {
      const prefix = await freePrefix(3);
      const res = await run(['examples/ini-demo.mjs'], { WEB_PORT_PREFIX: prefix });
      expect(res.code, res.stderr).toBe(0);
      for (const n of ['00', '01', '02']) {
        expect(res.stdout).toMatch(new RegExp(`^web:web-${n} +RUNNING +pid \\d+, uptime `, 'm'));
        expect(res.stdout).toContain(`GET :${prefix}${n} -> {"name":"web-${n}",`);
      }
      expect(res.stdout).toContain('stopped: web-00=STOPPED web-01=STOPPED web-02=STOPPED');
      expectNoneAlive(res.stdout);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'worker-pool.mjs routes only to ready workers and gets a killed one back',
    async () => {
      const prefix = await freePrefix(3);
      const res = await run(['examples/worker-pool.mjs'], { POOL_SIZE: '3', POOL_PORT_PREFIX: prefix });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain('served by: worker-00 worker-01 worker-02 worker-00 worker-01 worker-02');
      expect(res.stdout).toMatch(/^while worker-01 restarts: worker-0[02]$/m);
      expect(res.stdout).toMatch(/^worker-01 is back: pid \d+ -> \d+$/m);
      expect(res.stdout).toContain('pool: worker-00=RUNNING worker-01=RUNNING worker-02=RUNNING');
      expectNoneAlive(res.stdout);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'vitest-fixture/ runs its own tests against a supervised server',
    async () => {
      const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
      const res = await run([vitest, 'run', '--config', 'examples/vitest-fixture/vitest.config.ts']);
      expect(res.code, res.stdout + res.stderr).toBe(0);
      expect(res.stdout).toMatch(/Tests\s+.*2 passed/);
    },
    RUN_TIMEOUT_MS,
  );
});
