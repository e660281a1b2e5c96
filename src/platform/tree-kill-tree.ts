/**
 * The {@link ProcessTree} where there is no `/proc` (macOS): the process groups we created, and tree-kill for
 * the descendants that left them.
 *
 * `treeKill(pid, signal, callback)` walks `pid`'s children by parentage, one `pgrep -P <pid>` per process it
 * finds (`ps --ppid <pid>` on Linux), then signals every process of the walk and `pid` itself. So it sees a
 * process only while the chain of parents from `pid` down to it is alive; it reads no environment (no owner
 * tag), and it does not say which pids it signalled. The members of our groups are listed with one `ps` call.
 *
 * Hence the order here. A group signal first would let the child die before the walk reaches its children,
 * which the kernel reparents the moment their parent exits, out of the walk's sight (on Linux that race was
 * lost about one time in five). So the group is stopped first (SIGSTOP: its members can neither exit nor
 * fork), tree-kill walks from the top of the group and signals what it finds, then the group gets the signal
 * (which also reaches members outside the walk) and SIGCONT. A stopped member that gets the signal twice
 * holds it once, as a pending signal, so it is delivered once.
 * @module
 */
import { constants } from 'node:os';
import treeKill from 'tree-kill';
import { systemClock, type Clock } from '../clock.js';
import {
  groupExists,
  readPsAsync,
  sendSignal,
  type ProcEntry,
  type Roots,
  type TerminateOptions,
  type TerminateResult,
} from './kill-tree.js';
import type { ProcessTree } from './process-tree.js';

const { SIGCONT, SIGKILL, SIGSTOP, SIGTERM } = constants.signals;

/** How long a walk may take before the group is signalled and released anyway (a `pgrep` that hangs). */
const WALK_TIMEOUT_MS = 5000;

/** tree-kill on `pid`: resolves once it called back, or after {@link WALK_TIMEOUT_MS}. Never rejects. */
function walk(pid: number, signal: number, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimer(WALK_TIMEOUT_MS, resolve);
    // Its error (EPERM on one pid) stops its own loop only: the group signal that follows still goes out.
    treeKill(pid, signal, () => {
      clock.clearTimer(timer);
      resolve();
    });
  });
}

/** One `ps` listing per turn of the event loop: a group stop stops many children at once. */
let listing: Promise<ProcEntry[]> | null = null;
function currentListing(): Promise<ProcEntry[]> {
  if (!listing) {
    listing = readPsAsync();
    setImmediate(() => (listing = null)).unref();
  }
  return listing;
}

/** The live (non-zombie) processes of the groups `pgids`, without `exclude`. */
function membersOf(
  table: readonly ProcEntry[],
  pgids: ReadonlySet<number>,
  exclude: ReadonlySet<number>,
): ProcEntry[] {
  return table.filter((e) => pgids.has(e.pgid) && !e.zombie && e.pid > 1 && !exclude.has(e.pid));
}

/**
 * `signal` to the groups `pgids`, which the caller has just stopped, and through tree-kill to the
 * descendants of their members; then SIGCONT. Resolves with the members' pids; never rejects. A group's own
 * signal is sent only while `ours(pgid)`; SIGCONT always (it harms no one), so no group stays stopped.
 */
async function signalStopped(
  pgids: readonly number[],
  signal: number,
  exclude: ReadonlySet<number>,
  clock: Clock,
  ours: (pgid: number) => boolean,
): Promise<number[]> {
  try {
    const members = membersOf(await currentListing(), new Set(pgids), exclude);
    const pids = new Set(members.map((e) => e.pid));
    // From the top of each group's tree only: a walk from a member's child would go over it again.
    const tops = members.filter((e) => !pids.has(e.ppid));
    await Promise.all(tops.map((e) => walk(e.pid, signal, clock)));
    return [...pids];
  } finally {
    for (const pgid of pgids) {
      if (ours(pgid)) sendSignal(-pgid, signal);
      sendSignal(-pgid, SIGCONT);
    }
  }
}

const sleep = (clock: Clock, ms: number) => new Promise<void>((resolve) => clock.setTimer(ms, resolve));

/** The tree-kill tree. */
export const treeKillTree: ProcessTree = {
  kind: 'tree-kill',

  signalGroup(target, signal, groupKill, clock) {
    if (signal === SIGSTOP || signal === SIGCONT) {
      // Stopping the group for the walk would be the signal itself, or be undone by it.
      groupKill(signal);
      void walk(target.pid, signal, clock);
      return;
    }
    groupKill(SIGSTOP);
    void signalStopped([target.pid], signal, new Set(target.exclude), clock, () => target.ours());
  },

  async terminate(roots: Roots, options: TerminateOptions): Promise<TerminateResult> {
    const clock = options.clock ?? systemClock;
    const pollMs = options.pollMs ?? 50;
    const exclude = new Set<number>([process.pid, ...(roots.exclude ?? [])]);
    const groups = [...new Set([...(roots.groups ?? [])].map((g) => g.pgid))];
    // Owner tags (roots.tags) cannot be read without /proc: only the groups and tree-kill's walk serve.
    const left = async () => {
      const live = groups.filter(groupExists);
      return live.length === 0 ? [] : membersOf(await readPsAsync(), new Set(live), exclude);
    };
    const round = (found: readonly ProcEntry[], signal: number) => {
      const pgids = [...new Set(found.map((e) => e.pgid))];
      for (const pgid of pgids) sendSignal(-pgid, SIGSTOP);
      return signalStopped(pgids, signal, exclude, clock, () => true);
    };

    let found = await left();
    if (found.length === 0) return { terminated: [], killed: [], survivors: [] };
    const terminated = await round(found, SIGTERM);
    const graceEnd = clock.now() + options.graceMs;
    found = await left();
    while (found.length > 0 && clock.now() < graceEnd) {
      await sleep(clock, Math.min(pollMs, Math.max(1, graceEnd - clock.now())));
      found = await left();
    }
    let killed: number[] = [];
    if (found.length > 0) {
      killed = await round(found, SIGKILL);
      const killEnd = clock.now() + (options.killWaitMs ?? 10_000);
      found = await left();
      while (found.length > 0 && clock.now() < killEnd) {
        await sleep(clock, pollMs);
        found = await left();
      }
    }
    return { terminated, killed, survivors: found.map((e) => e.pid) };
  },
};
