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

/**
 * Where a POSIX shell is, to hold the watchdog's Node process back until the run that started it is over
 * (see {@link HOLD}); without one the watchdog starts at once.
 */
const SHELL = '/bin/sh';
/** Whether {@link SHELL} exists, looked at once. */
let shellExists: boolean | undefined;

/**
 * The watchdog starts as a shell that waits for one line, then becomes the Node process (`exec`: the same
 * pid, the same stdin). The first child of a burst starts the watchdog, and a Node process needs some 60 to
 * 150 ms of CPU to boot: booting beside the burst it took the core the children exec on (the fork waits
 * for the exec), and starting 200 children took 10 to 20% longer. The `go` line goes first in the first
 * write, which comes when every write did before: at the end of the synchronous run that queued the first
 * group, by when the burst (the starts of a program, forked in one run) is over. The watchdog is told
 * nothing later than it was. If the host dies first, `read` sees the end of the pipe and Node starts all
 * the same, finds the end of its input, and sweeps by owner tag, as a watchdog started at once would have,
 * having been told nothing yet either.
 */
const HOLD = 'read -r go; exec "$0" "$@"';

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
  /** The watchdog waits for `go` (see {@link HOLD}): it goes first in the next write. */
  #holding = false;

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
    const go = this.#goLine();
    if (child?.stdin && !child.stdin.destroyed) child.stdin.end(`${go}${text}bye\n`);
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

  /** Ends the hold: the `go` line to put first in what is written now, or '' when not holding. */
  #goLine(): string {
    const go = this.#holding ? 'go\n' : '';
    this.#holding = false;
    return go;
  }

  #flush(): void {
    this.#soon = false;
    if (this.#later) clearImmediate(this.#later);
    this.#later = undefined;
    const text = this.#goLine() + this.#queued;
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
    const argv = ['--max-old-space-size=16', script, String(process.pid), this.#hostTag];
    const hold = (shellExists ??= existsSync(SHELL));
    const env = { ...process.env };
    // The host's NODE_OPTIONS may ask for an inspector port or a loader; the watchdog needs neither.
    delete env.NODE_OPTIONS;
    let child: ChildProcess;
    try {
      child = spawn(hold ? SHELL : process.execPath, hold ? ['-c', HOLD, process.execPath, ...argv] : argv, {
        // Its own session: signals for the host's process group or terminal (^C) do not reach it, and it
        // outlives the host.
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
        cwd: '/',
        env,
        windowsHide: true,
      });
    } catch (err) {
      this.#warn(`could not start the watchdog: ${(err as Error).message}`);
      return;
    }
    this.#child = child;
    this.#holding = hold;
    const gone = () => {
      if (this.#child !== child) return;
      this.#child = null;
      this.#holding = false;
    };
    child.on('error', (err) => {
      gone();
      this.#warn(`could not start the watchdog: ${err.message}`);
    });
    child.on('exit', () => {
      // Killed by someone: the next tracked group starts a new one, told about every group again.
      gone();
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
