/**
 * The real clients of the wire tests, run as they are: Debian's supervisorctl and supervisord (supervisor
 * 4.2.5) and Python's xmlrpc.client. Every child is awaited; a test that starts a long-lived one kills it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { DEADLINE_MS } from '../helpers/wait.js';

/** Debian's python3, which has the supervisor package (pyenv's python3 may come first on PATH). */
export const PYTHON = '/usr/bin/python3';
export const SUPERVISORCTL = '/usr/bin/supervisorctl';
export const SUPERVISORD = '/usr/bin/supervisord';

/** Whether the clients are installed (CI installs Debian's supervisor package). */
export const haveClients =
  existsSync(SUPERVISORCTL) &&
  existsSync(SUPERVISORD) &&
  existsSync('/usr/lib/python3/dist-packages/supervisor/childutils.py');

/** What a finished child printed, and how it ended. */
export interface Ran {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
}

/**
 * Runs a command to its end, with `input` on its stdin; rejects when it runs past `timeoutMs` (after
 * killing it).
 */
export function run(
  cmd: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${cmd} ${args.join(' ')} ran past ${options.timeoutMs ?? DEADLINE_MS} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? DEADLINE_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, status });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** `supervisorctl -c conf ARGS...`. */
export function ctl(conf: string, args: readonly string[], input?: string): Promise<Ran> {
  return run(SUPERVISORCTL, ['-c', conf, ...args], { input, timeoutMs: 20_000 });
}

/** Runs a Python script (Debian's python3) and resolves with its output; rejects on a non-zero exit. */
export async function python(
  script: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs?: number,
  args: readonly string[] = [],
): Promise<string> {
  const res = await run(PYTHON, ['-c', script, ...args], { env, timeoutMs });
  if (res.status !== 0) throw new Error(`python exited ${res.status}:\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

/** A long-lived child whose output is collected, with a way to wait for some of it. */
export interface LiveChild {
  readonly child: ChildProcess;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** Resolves once its stdout contains `text`; rejects after the deadline or when it exits first. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with its exit status once it has exited. */
  readonly exited: Promise<number | null>;
}

export function live(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): LiveChild {
  const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of [...waiters]) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  let gone = false;
  void exited.then(() => {
    gone = true;
    for (const w of [...waiters]) w();
  });
  return {
    child,
    exited,
    output: () => out,
    waitFor: (text, timeoutMs = DEADLINE_MS) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (out.includes(text)) done(() => resolve());
          else if (gone)
            done(() =>
              reject(new Error(`${cmd} exited before printing ${JSON.stringify(text)}:\n${out}\n${err}`)),
            );
        };
        const timer = setTimeout(
          () =>
            done(() => reject(new Error(`${cmd} did not print ${JSON.stringify(text)}:\n${out}\n${err}`))),
          timeoutMs,
        );
        const done = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        waiters.add(check);
        check();
      }),
  };
}

/** A TCP port free at the time of asking (for a conf that must name one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Retries `attempt` until it resolves with a truthy value; rejects after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  attempt: () => Promise<T | false | undefined>,
  timeoutMs = DEADLINE_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
