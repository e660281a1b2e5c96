/**
 * The built `procvisor` command (`dist/cli/main.js`) as a real child process: its output as lines, waits
 * on them with generous deadlines, and its exit. Every run is killed (SIGKILL, then its children) by
 * {@link killAll} if a test leaves it running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEADLINE_MS } from '../helpers/wait.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');
export const HAVE_CLI = existsSync(CLI);

/** How a run ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const running = new Set<CliRun>();

/** One run of the command. */
export class CliRun {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  readonly #waiters = new Set<() => void>();

  constructor(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this);
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => this.#add('stdout', s));
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => this.#add('stderr', s));
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        running.delete(this);
        resolve({ code, signal });
        this.#notify();
      });
    });
  }

  #add(stream: 'stdout' | 'stderr', text: string): void {
    this[stream] += text;
    this.#notify();
  }

  #notify(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** The stdout lines so far. */
  get lines(): string[] {
    return this.stdout.split('\n').filter((l) => l !== '');
  }

  /**
   * Resolves with the first stdout line matching `re` (past or future) after the first `from` lines;
   * rejects if the command exits first or after `timeoutMs`, quoting its output.
   */
  line(re: RegExp, from = 0, timeoutMs = DEADLINE_MS): Promise<string> {
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (): void => {
        done = true;
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      const check = (): void => {
        if (done) return;
        const hit = this.lines.slice(from).find((l) => re.test(l));
        if (hit !== undefined) {
          finish();
          resolve(hit);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          finish();
          reject(new Error(`procvisor exited before printing ${re}:\n${this.stdout}\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out waiting for ${re}:\n${this.stdout}\n${this.stderr}`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  /** The pid in `spawned: '<name>' with pid N` (waiting for the line). */
  async pidOf(name: string, from = 0): Promise<number> {
    const line = await this.line(new RegExp(`spawned: '${name}' with pid \\d+`), from);
    return Number(/with pid (\d+)/.exec(line)?.[1]);
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    this.child.kill(signal);
    return this.exited;
  }
}

/** Kills whatever a failed test left running. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map((run) => {
      run.child.kill('SIGKILL');
      return run.exited;
    }),
  );
}
