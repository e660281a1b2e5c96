/**
 * Containment: everything one supervisor does so that no process it started outlives it. It wraps the real
 * spawner to
 *
 * - tag each child's environment with {@link OWNER_ENV} (`<host>/<supervisor>/<child>`, inherited by every
 *   descendant; a nested procvisor prepends its own tag, comma-separated),
 * - record each child's process group (its pid, and its start time to recognise a reused number), drop it
 *   once the child is gone and the group empty, and tell the host's watchdog,
 * - make group signals (`stopasgroup`, `killasgroup`) reach the descendants that left the group too,
 *   through the host's {@link ProcessTree} (the `/proc` snapshot on Linux, tree-kill on macOS),
 *
 * and at shutdown ({@link Containment.close}) terminates whatever is left: SIGTERM, SIGKILL after the grace
 * period, and waits until it is gone. It registers with the host-wide hooks ({@link addMember}) at the first
 * child and unregisters at close.
 * @module
 */
import { systemClock, type Clock } from '../clock.js';
import { randomBytes } from 'node:crypto';
import { addMember, removeMember, setExcluded, type HostMember } from './exit-hooks.js';
import { groupExists, OWNER_ENV, startTimeOf, type GroupRoot, type TerminateResult } from './kill-tree.js';
import type { ProcessTree } from './process-tree.js';
import { snapshotTree } from './snapshot-tree.js';
import type { ChildHandle, Spawner } from './spawner.js';
import { treeKillTree } from './tree-kill-tree.js';
import { PROCESS_TREE_KIND } from './tree-kind.js';
import { Watchdog } from './watchdog.js';

/** Options of a {@link Containment}. */
export interface ContainmentOptions {
  /** Kill the children when the host exits, and when it is killed (the watchdog). */
  readonly killOnExit: boolean;
  /** Stop the children gracefully on SIGINT, SIGTERM and SIGHUP, then let the signal end the host. */
  readonly handleSignals: boolean;
  /** The supervisor's graceful shutdown. */
  readonly shutdown: () => Promise<void>;
  /** The `stopwaitsecs` of every process, group by group, to bound a graceful shutdown. */
  readonly stopwaitsecs?: () => readonly (readonly number[])[];
  /** Writes an activity-log line. */
  readonly log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** Times the grace before SIGKILL of leftover descendants. */
  readonly clock?: Clock;
}

let hostTag: string | undefined;
let watchdog: Watchdog | undefined;
let supervisors = 0;

/** This host's tag: its pid and a random part (a pid alone may be reused). */
function getHostTag(): string {
  hostTag ??= `${process.pid}-${randomBytes(4).toString('hex')}`;
  return hostTag;
}

function getWatchdog(): Watchdog {
  if (!watchdog) {
    const w = new Watchdog(getHostTag());
    watchdog = w;
    setExcluded(() => (w.pid ? [w.pid] : []));
  }
  return watchdog;
}

/** How this host finds descendants for the graceful paths (see `process-tree.ts`). */
const tree: ProcessTree = PROCESS_TREE_KIND === 'tree-kill' ? treeKillTree : snapshotTree;

/** The containment of one supervisor. */
export class Containment implements HostMember {
  readonly killOnExit: boolean;
  readonly handleSignals: boolean;
  readonly #options: ContainmentOptions;
  readonly #tag: string;
  /** Process groups of our children that may still have members, by pgid. */
  readonly #groups = new Map<number, GroupRoot>();
  /** Pids of the children that are alive (not yet reaped). */
  readonly #live = new Set<number>();
  /**
   * The groups of {@link Containment.#groups} whose leader was reaped: the only ones that can become empty,
   * so the only ones {@link Containment.#prune} looks at (looking at every group made each exit cost O(N)).
   */
  readonly #leaderless = new Set<number>();
  #children = 0;
  #registered = false;
  #closed = false;

  constructor(options: ContainmentOptions) {
    this.#options = options;
    this.killOnExit = options.killOnExit;
    this.handleSignals = options.handleSignals;
    this.#tag = `${getHostTag()}/${++supervisors}`;
  }

  /** The owner tag of this supervisor's descendants. */
  get tag(): string {
    return this.#tag;
  }

  /** @internal For the host hooks. */
  roots(): { groups: Iterable<GroupRoot>; tags: readonly string[] } {
    return { groups: [...this.#groups.values()], tags: this.#children > 0 ? [this.#tag] : [] };
  }

  /** @internal For the host hooks. */
  shutdown(): Promise<void> {
    return this.#options.shutdown();
  }

  /**
   * @internal For the host hooks: how long a graceful shutdown may take. Groups stop one after the other,
   * each within its longest stopwaitsecs before SIGKILL; leftovers get the longest once more; plus 5 s.
   */
  shutdownBudgetMs(): number {
    const groups = this.#options.stopwaitsecs?.() ?? [];
    const longest = groups.map((g) => Math.max(0, ...g));
    return (longest.reduce((a, b) => a + b, 0) + Math.max(0, ...longest)) * 1000 + 5000;
  }

  /** A spawner that creates children with `spawner` and contains them. */
  wrap(spawner: Spawner): Spawner {
    return {
      spawn: (request, observer) => {
        const tag = `${this.#tag}/${++this.#children}`;
        const inherited = request.env[OWNER_ENV];
        const env = { ...request.env, [OWNER_ENV]: inherited ? `${tag},${inherited}` : tag };
        let pid = 0;
        let start: number | null = null;
        const handle: ChildHandle = spawner.spawn(
          { ...request, env },
          {
            spawned: (p) => {
              pid = p;
              start = startTimeOf(p);
              this.#track(p, start);
              observer.spawned(p);
            },
            spawnFailed: (message) => observer.spawnFailed(message),
            output: (channel, chunk) => observer.output(channel, chunk),
            exit: (exitstatus, signal) => {
              this.#exited(pid);
              observer.exit(exitstatus, signal);
            },
          },
        );
        return {
          kill: (signal, group) => {
            if (group && this.#live.has(pid)) this.#signalGroup(handle, pid, start, tag, signal);
            else handle.kill(signal, group);
          },
          write: (data) => handle.write(data),
          // ---- logs (issue 3): backpressure from a log file that is behind ----
          pause: (channel) => handle.pause?.(channel),
          resume: (channel) => handle.resume?.(channel),
        };
      },
    };
  }

  /**
   * Terminates every descendant still alive (SIGTERM, then SIGKILL after `graceMs`), waits until they are
   * gone, and unregisters from the host hooks and the watchdog. Called by the supervisor once every child
   * is stopped.
   */
  async close(graceMs: number): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#children > 0) {
        const result = await tree.terminate(
          { groups: [...this.#groups.values()], tags: [this.#tag], exclude: this.#exclude() },
          { graceMs, ...(this.#options.clock ? { clock: this.#options.clock } : {}) },
        );
        this.#report(result);
      }
    } finally {
      this.#groups.clear();
      if (this.#registered) {
        this.#registered = false;
        removeMember(this);
        if (this.killOnExit) getWatchdog().release();
      }
    }
  }

  #exclude(): number[] {
    return watchdog?.pid ? [watchdog.pid] : [];
  }

  #track(pid: number, start: number | null): void {
    if (!this.#registered && !this.#closed) {
      this.#registered = true;
      addMember(this);
      if (this.killOnExit) getWatchdog().retain();
    }
    this.#prune();
    this.#leaderless.delete(pid); // a reused number: that group has a leader again
    this.#live.add(pid);
    const group = { pgid: pid, start };
    this.#groups.set(pid, group);
    if (this.killOnExit && this.#registered) getWatchdog().track(group);
  }

  #exited(pid: number): void {
    this.#live.delete(pid);
    if (this.#groups.has(pid)) this.#leaderless.add(pid);
    this.#prune();
  }

  /** Forgets the groups whose leader was reaped and which have no member left. */
  #prune(): void {
    for (const pgid of this.#leaderless) {
      if (this.#groups.has(pgid) && groupExists(pgid)) continue;
      this.#leaderless.delete(pgid);
      if (!this.#groups.delete(pgid)) continue; // forgotten at close()
      if (this.killOnExit && this.#registered) getWatchdog().untrack(pgid);
    }
  }

  /**
   * A group signal to a live child: to its process group, and to its descendants outside the group (a
   * `setsid` or a double fork). The first signal to the group goes through the spawner and may throw, as
   * it would without containment.
   */
  #signalGroup(handle: ChildHandle, pid: number, start: number | null, tag: string, signal: number): void {
    tree.signalGroup(
      {
        pid,
        start,
        tag,
        exclude: this.#exclude(),
        // Still tracked: a group is forgotten once its leader was reaped and no member is left.
        ours: () => this.#live.has(pid) || this.#groups.has(pid),
      },
      signal,
      (s) => handle.kill(s, true),
      this.#options.clock ?? systemClock,
    );
  }

  #report(r: TerminateResult): void {
    if (r.terminated.length > 0) {
      this.#options.log('info', `terminated leftover descendants: ${r.terminated.join(', ')}`);
    }
    if (r.killed.length > 0) {
      this.#options.log('warn', `killed leftover descendants with SIGKILL: ${r.killed.join(', ')}`);
    }
    if (r.survivors.length > 0) {
      this.#options.log('error', `leftover descendants would not die: ${r.survivors.join(', ')}`);
    }
  }
}
