/**
 * The host side of the watchdog: one small Node process per host, started when the first child of a
 * supervisor with `killOnExit` starts and ended (`bye`) when the last such supervisor has shut down. It is
 * told every process group the host creates, and kills them all, with every tagged descendant, when the
 * host dies without a chance to do it itself (SIGKILL). See `watchdog-main.ts` for the protocol.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GroupRoot } from './kill-tree.js';

/**
 * The compiled watchdog script next to this module; when this module runs from the TypeScript sources (a
 * test runner transpiling `src/`), the built one in `dist/`.
 */
function scriptPath(): string | null {
  for (const rel of ['./watchdog-main.js', '../../dist/platform/watchdog-main.js']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return null;
}

/** The host's watchdog: reference-counted by the supervisors that use it. */
export class Watchdog {
  readonly #hostTag: string;
  readonly #groups = new Map<number, GroupRoot>();
  #users = 0;
  #child: ChildProcess | null = null;
  #warned = false;
  /** Lines not yet written (see #write). */
  #queued = '';
  /** A flush is due at the end of this synchronous run, or at the end of this turn. */
  #soon = false;
  #later: NodeJS.Immediate | undefined;

  constructor(hostTag: string) {
    this.#hostTag = hostTag;
  }

  /** The watchdog's pid while it runs (sweeps must not kill it), else 0. */
  get pid(): number {
    return this.#child?.pid ?? 0;
  }

  /** A supervisor starts using the watchdog (it starts with the first tracked group). */
  retain(): void {
    this.#users++;
  }

  /** A supervisor is done with it; the last one ends it cleanly. */
  release(): void {
    if (this.#users === 0) return;
    this.#users--;
    if (this.#users > 0) return;
    this.#groups.clear();
    const child = this.#child;
    this.#child = null;
    const text = this.#queued;
    this.#queued = '';
    if (this.#later) clearImmediate(this.#later);
    this.#later = undefined;
    if (child?.stdin && !child.stdin.destroyed) child.stdin.end(`${text}bye\n`);
  }

  /** Tells the watchdog about a new process group, starting the watchdog if needed. */
  track(group: GroupRoot): void {
    this.#groups.set(group.pgid, group);
    if (!this.#child) this.#start();
    else this.#write(`+${group.pgid} ${group.start ?? '-'}\n`);
  }

  /** The group is empty: forget it (its number may be reused). */
  untrack(pgid: number): void {
    if (this.#groups.delete(pgid)) this.#write(`-${pgid}\n`, 'turn');
  }

  /**
   * Queues a line. A new group goes out at the end of the synchronous run that started it (a pacer turn
   * starts several children: one pipe write); a forgotten one may wait for the end of this turn of the event
   * loop, since exits arrive one callback each and a group the watchdog still knows is harmless (it checks
   * the leader's start time before it kills).
   */
  #write(line: string, when: 'now' | 'turn' = 'now'): void {
    this.#queued += line;
    if (when === 'now') {
      if (!this.#soon) {
        this.#soon = true;
        queueMicrotask(() => this.#flush());
      }
    } else if (!this.#later) {
      this.#later = setImmediate(() => this.#flush());
      this.#later.unref();
    }
  }

  #flush(): void {
    this.#soon = false;
    if (this.#later) clearImmediate(this.#later);
    this.#later = undefined;
    const text = this.#queued;
    this.#queued = '';
    const stdin = this.#child?.stdin;
    if (text && stdin && !stdin.destroyed) stdin.write(text);
  }

  #start(): void {
    const script = scriptPath();
    if (!script) {
      this.#warn('the watchdog script is missing: children will outlive a host killed with SIGKILL');
      return;
    }
    const env = { ...process.env };
    // The host's NODE_OPTIONS may ask for an inspector port or a loader; the watchdog needs neither.
    delete env.NODE_OPTIONS;
    let child: ChildProcess;
    try {
      child = spawn(
        process.execPath,
        ['--max-old-space-size=16', script, String(process.pid), this.#hostTag],
        {
          // Its own session: signals for the host's process group or terminal (^C) do not reach it, and it
          // outlives the host.
          detached: true,
          stdio: ['pipe', 'ignore', 'ignore'],
          cwd: '/',
          env,
          windowsHide: true,
        },
      );
    } catch (err) {
      this.#warn(`could not start the watchdog: ${(err as Error).message}`);
      return;
    }
    this.#child = child;
    child.on('error', (err) => {
      if (this.#child === child) this.#child = null;
      this.#warn(`could not start the watchdog: ${err.message}`);
    });
    child.on('exit', () => {
      // Killed by someone: the next tracked group starts a new one, told about every group again.
      if (this.#child === child) this.#child = null;
    });
    child.stdin?.on('error', () => {});
    // Neither the watchdog nor its pipe may keep the host's event loop alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    let text = '';
    for (const g of this.#groups.values()) text += `+${g.pgid} ${g.start ?? '-'}\n`;
    if (text) this.#write(text);
  }

  #warn(message: string): void {
    if (this.#warned) return;
    this.#warned = true;
    process.emitWarning(`procvisor: ${message}`, 'ProcvisorWarning');
  }
}
