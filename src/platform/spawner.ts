/**
 * The process-creation seam. {@link nodeSpawner} starts real children with `node:child_process`; tests pass
 * a fake {@link Spawner} to drive processes without the operating system.
 *
 * supervisord forks, then the child sets up its process group, fds, privileges, directory and umask before
 * exec; anything failing there is written to the child's fd 2 and the child exits 127
 * (`process.py _spawn_as_child`). Node does that set-up inside libuv and reports failures to the parent
 * instead, so for those failures this spawner starts a tiny reporter child (`/bin/sh`) that writes
 * supervisord's message to the same pipe and exits 127: the supervisor sees exactly what supervisord's
 * users see.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { userGroups } from './users.js';

/** Everything needed to start one child. */
export interface SpawnRequest {
  /** The process name, for messages. */
  readonly name: string;
  /** Absolute path of the program. */
  readonly file: string;
  /** argv, argv[0] as written in the command. */
  readonly argv: readonly string[];
  /** The working directory; `null` = the host's. */
  readonly cwd: string | null;
  /** The complete environment of the child. */
  readonly env: Readonly<Record<string, string>>;
  /** Run as this user id (`user`); `null` = the host's. */
  readonly uid: number | null;
  /** Run with this group id (the `user`'s primary group); `null` = the host's. */
  readonly gid: number | null;
  /**
   * The groups of the child when it switches to `uid` (supervisord's `drop_privileges`: the primary group
   * first, then the user's supplementary groups), as `UserDirectory.lookup` gives them. Without it the
   * spawner reads `/etc/passwd` and `/etc/group` itself, synchronously, on every spawn.
   */
  readonly groups?: readonly number[];
  /** The file mode creation mask (`umask`); `null` = inherit the host's. */
  readonly umask: number | null;
  /** Send the child's stderr into its stdout pipe. */
  readonly redirectStderr: boolean;
  /** When set, do not run the program: fail like supervisord's child does, writing this to fd 2, exit 127. */
  readonly childFailure?: string;
  /**
   * An open descriptor of the host that becomes the child's stdin (fd 0) instead of a pipe: a FastCGI
   * program's listening socket. The child then has no stdin pipe ({@link ChildHandle.write} throws).
   */
  readonly stdinFd?: number;
}

/** What a spawner reports about one child, in this order: spawned (or spawnFailed), output..., exit. */
export interface ChildObserver {
  /** The child exists and has this pid. */
  spawned(pid: number): void;
  /** No child could be made (supervisord's parent-side errors); the message is supervisord's spawnerr. */
  spawnFailed(message: string): void;
  /** A chunk of output, as read. */
  output(channel: 'stdout' | 'stderr', chunk: Buffer): void;
  /** The child was reaped and its output drained: an exit code, or -1 and the signal's name. */
  exit(exitstatus: number, signal: string | null): void;
}

/** A live child. */
export interface ChildHandle {
  /** Sends a signal to the child, or to its process group. Throws on errors other than ESRCH. */
  kill(signal: number, group: boolean): void;
  /** Writes to the child's stdin. Throws if stdin is closed. */
  write(data: string | Uint8Array): void;
  /** Stops reading `channel` (its log is behind); the child blocks when the pipe fills. Optional. */
  pause?(channel: 'stdout' | 'stderr'): void;
  /** Reads `channel` again after {@link ChildHandle.pause}. Optional. */
  resume?(channel: 'stdout' | 'stderr'): void;
}

/** Creates children. {@link nodeSpawner} is the real one; tests pass a fake in `SupervisorOptions.spawner`. */
export interface Spawner {
  /**
   * Starts one child for `request` and returns a handle to signal it and write to it. What happens to the
   * child is reported through `observer`, in order: `spawned` (or `spawnFailed`), `output`..., `exit`.
   */
  spawn(request: SpawnRequest, observer: ChildObserver): ChildHandle;
}

/** Text of supervisord's child-side failure, followed by its closing line. */
export function childFailureText(message: string): string {
  return `supervisor: ${message}\nsupervisor: child process was not spawned\n`;
}

const PARENT_SIDE = new Set(['EAGAIN', 'EMFILE', 'ENFILE']);

function parentSideMessage(code: string, name: string): string {
  if (code === 'EMFILE' || code === 'ENFILE') return `too many open files to spawn '${name}'`;
  if (code === 'EAGAIN') return `Too many processes in process table to spawn '${name}'`;
  return `unknown error during fork for '${name}': ${code}`;
}

/** How long to wait, after the child is reaped, for its pipes to reach EOF (a grandchild may hold them). */
const DRAIN_GRACE_MS = 200;

/** The user a child switches to, with supervisord's groups. */
interface ChildUser {
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
}

/** The user the child of `req` switches to, or null when it keeps ours. */
function childUser(req: SpawnRequest): ChildUser | null {
  const { uid, gid } = req;
  if (uid === null) return null;
  const primary = gid ?? uid;
  return { uid, gid: primary, groups: req.groups ?? userGroups(uid, primary) };
}

class NodeChild implements ChildHandle {
  readonly #req: SpawnRequest;
  readonly #obs: ChildObserver;
  readonly #clock: Clock;
  readonly #user: ChildUser | null;
  #child: ChildProcess | null = null;
  #pid = 0;
  #done = false;

  constructor(req: SpawnRequest, obs: ChildObserver, clock: Clock) {
    this.#req = req;
    this.#obs = obs;
    this.#clock = clock;
    this.#user = childUser(req);
    let failure = req.childFailure;
    if (failure === undefined && req.cwd !== null) failure = checkDirectory(req.cwd, this.#user);
    if (failure !== undefined) this.#startReporter(failure);
    else this.#startProgram();
  }

  #startProgram(): void {
    const req = this.#req;
    let file = req.file;
    let args = req.argv.slice(1);
    let argv0 = req.argv[0];
    if (req.redirectStderr) {
      // One pipe for both streams, as supervisord's dup2: only a shell can join them before exec.
      args = ['-c', 'exec "$0" "$@" 2>&1', req.file, ...args];
      file = '/bin/sh';
      argv0 = '/bin/sh';
    }
    let uid = req.uid;
    let gid = req.gid;
    const user = this.#user;
    if (user && SETPRIV) {
      // Node's spawn drops every supplementary group when it switches user; supervisord keeps the user's
      // groups (initgroups). util-linux's setpriv switches uid, gid and groups, then execs in place.
      args = [
        `--reuid=${user.uid}`,
        `--regid=${user.gid}`,
        user.groups.length > 0 ? `--groups=${user.groups.join(',')}` : '--clear-groups',
        '--',
        file,
        ...args,
      ];
      file = SETPRIV;
      argv0 = SETPRIV;
      uid = null;
      gid = null;
    }
    let child: ChildProcess;
    const oldUmask = req.umask !== null ? setUmask(req.umask) : null;
    try {
      child = spawn(file, args, {
        argv0,
        cwd: req.cwd ?? undefined,
        env: req.env as NodeJS.ProcessEnv,
        uid: uid ?? undefined,
        gid: gid ?? undefined,
        detached: true,
        stdio: [req.stdinFd ?? 'pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      if (PARENT_SIDE.has(code)) {
        this.#obs.spawnFailed(parentSideMessage(code, req.name));
      } else if (req.uid !== null && code === 'EPERM') {
        this.#startReporter(`couldn't setuid to ${req.uid}: ${(err as Error).message}`);
      } else {
        this.#startReporter(`couldn't exec ${req.argv[0]}: ${code}`);
      }
      return;
    } finally {
      if (oldUmask !== null) setUmask(oldUmask);
    }
    if (child.pid === undefined) {
      // libuv reported the failure; Node delivers its code on the next tick as an 'error' event.
      child.once('error', (err: NodeJS.ErrnoException) => {
        const code = err.code ?? 'UNKNOWN';
        if (PARENT_SIDE.has(code)) this.#obs.spawnFailed(parentSideMessage(code, req.name));
        else this.#startReporter(`couldn't exec ${req.argv[0]}: ${code}`);
      });
      return;
    }
    this.#attach(child);
  }

  #startReporter(message: string): void {
    const fd = this.#req.redirectStderr ? 1 : 2;
    let child: ChildProcess;
    try {
      child = spawn(
        '/bin/sh',
        ['-c', `printf '%s' "$1" >&${fd}; exit 127`, 'sh', childFailureText(message)],
        {
          detached: true,
          stdio: ['pipe', 'pipe', 'pipe'],
          env: { PATH: '/usr/bin:/bin' },
        },
      );
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      this.#obs.spawnFailed(parentSideMessage(code, this.#req.name));
      return;
    }
    if (child.pid === undefined) {
      child.once('error', (err: NodeJS.ErrnoException) =>
        this.#obs.spawnFailed(parentSideMessage(err.code ?? 'UNKNOWN', this.#req.name)),
      );
      return;
    }
    this.#attach(child);
  }

  #attach(child: ChildProcess): void {
    this.#child = child;
    this.#pid = child.pid!;
    const ignore = () => {};
    child.on('error', ignore);
    child.stdin?.on('error', ignore);
    child.stdout?.on('error', ignore);
    child.stderr?.on('error', ignore);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (!this.#done) this.#obs.output('stdout', chunk);
    });
    // With redirectStderr the program writes everything to stdout; only the wrapper shell's own
    // complaints can reach this pipe, and they belong to the same channel.
    const errChannel = this.#req.redirectStderr ? 'stdout' : 'stderr';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (!this.#done) this.#obs.output(errChannel, chunk);
    });
    const clock = this.#clock;
    let grace: TimerHandle | undefined;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (this.#done) return;
      this.#done = true;
      if (grace) clock.clearTimer(grace);
      // supervisord closes its ends of the pipes when the child is reaped.
      child.stdin?.destroy();
      child.stdout?.destroy();
      child.stderr?.destroy();
      this.#obs.exit(signal ? -1 : (code ?? -1), signal);
    };
    child.once('exit', (code, signal) => {
      child.once('close', () => finish(code, signal));
      // The pipes normally reach EOF right after the exit ('close'); a grandchild holding them open must
      // not hold the exit back. When the grace runs out, let one poll phase read what is already in the
      // pipes (a starved event loop runs timers before I/O), and wait longer while backpressure has paused
      // a pipe: its data is still to be logged.
      const expire = () => {
        grace = undefined;
        setImmediate(() => {
          const paused = [child.stdout, child.stderr].some((p) => p && !p.readableEnded && p.isPaused());
          if (paused) grace = clock.setTimer(DRAIN_GRACE_MS, expire);
          else finish(code, signal);
        });
      };
      grace = clock.setTimer(DRAIN_GRACE_MS, expire);
    });
    this.#obs.spawned(this.#pid);
  }

  kill(signal: number, group: boolean): void {
    if (this.#pid === 0 || this.#done) return;
    try {
      process.kill(group ? -this.#pid : this.#pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  pause(channel: 'stdout' | 'stderr'): void {
    for (const pipe of this.#pipes(channel)) pipe?.pause();
  }

  resume(channel: 'stdout' | 'stderr'): void {
    for (const pipe of this.#pipes(channel)) pipe?.resume();
  }

  /** The pipes that feed `channel`: with redirectStderr both feed stdout. */
  #pipes(channel: 'stdout' | 'stderr') {
    const child = this.#child;
    if (!child || this.#done) return [];
    if (this.#req.redirectStderr) return channel === 'stdout' ? [child.stdout, child.stderr] : [];
    return [channel === 'stdout' ? child.stdout : child.stderr];
  }

  write(data: string | Uint8Array): void {
    const stdin = this.#child?.stdin;
    if (!stdin || stdin.destroyed || !stdin.writable) {
      throw Object.assign(new Error('stdin is closed'), { code: 'EPIPE' });
    }
    stdin.write(data);
  }
}

/**
 * supervisord's child changes directory after switching user, so the check is made for that user: search
 * permission on the directory and every directory above it (mode bits; ACLs are not consulted).
 */
function checkDirectory(dir: string, user: ChildUser | null): string | undefined {
  try {
    const st = statSync(dir);
    if (!st.isDirectory()) return `couldn't chdir to ${dir}: ENOTDIR`;
    if (user === null || user.uid === 0) {
      accessSync(dir, constants.X_OK);
      return undefined;
    }
    for (let d = resolvePath(dir); ; d = dirname(d)) {
      const s = statSync(d);
      const bit = s.uid === user.uid ? 0o100 : user.groups.includes(s.gid) ? 0o010 : 0o001;
      if ((s.mode & bit) === 0) return `couldn't chdir to ${dir}: EACCES`;
      if (d === dirname(d)) return undefined;
    }
  } catch (err) {
    return `couldn't chdir to ${dir}: ${(err as NodeJS.ErrnoException).code ?? 'UNKNOWN'}`;
  }
}

/** util-linux's setpriv, when the machine has it (Debian's util-linux always does). */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null;

/** Sets the host's umask for the synchronous fork inside `spawn()`; returns the previous one. */
function setUmask(mask: number): number | null {
  try {
    return process.umask(mask);
  } catch {
    return null; // worker threads cannot change the umask
  }
}

/** Options of {@link createNodeSpawner}. */
export interface NodeSpawnerOptions {
  /**
   * Times the wait for a reaped child's pipes to drain (a grandchild may hold them open).
   * @default systemClock
   */
  readonly clock?: Clock;
}

/**
 * A real spawner whose timers come from `options.clock`.
 * @example
 * ```ts
 * const spawner = createNodeSpawner({ clock });
 * ```
 */
export function createNodeSpawner(options: NodeSpawnerOptions = {}): Spawner {
  const clock = options.clock ?? systemClock;
  return { spawn: (request, observer) => new NodeChild(request, observer, clock) };
}

/** The real spawner, on the system clock. */
export const nodeSpawner: Spawner = createNodeSpawner();
