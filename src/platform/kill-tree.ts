/**
 * Finding and killing every descendant a supervisor started, including the ones that left its process group.
 *
 * supervisord puts each child in its own process group, so `stopasgroup`/`killasgroup` reach grandchildren
 * that stay in it; descendants that call `setsid`/`setpgid`, or double-fork and are reparented to init,
 * escape (supervisord issue #1101). Here three marks find a descendant, all read from one snapshot of the
 * process table:
 *
 * 1. **Process group**: it is in a group we created (the group of a child we spawned, which outlives its
 *    leader while any member lives; Linux keeps the number allocated as long as the group exists).
 * 2. **Owner tag**: its environment carries our tag in {@link OWNER_ENV}. Every child gets it and every
 *    descendant inherits it through fork and exec, so even a daemon that called `setsid`, double-forked and
 *    was reparented to init is found, as long as it did not clear or replace its environment.
 * 3. **Parentage**: its parent (transitively) is one of the above, at the moment of the snapshot.
 *
 * On Linux this reads `/proc`: synchronous, which the host's `'exit'` hook needs, and it spawns nothing.
 * Where there is no `/proc` one `ps` call gives pids, parents and groups; there is no owner tag and no start
 * time there. Which of the two serves, and whether the graceful paths walk the tree with tree-kill instead
 * (macOS), is {@link PROCESS_TREE_KIND}; the graceful paths go through the `ProcessTree` interface
 * (`process-tree.ts`), the synchronous {@link killTreeSync} always reads the snapshot.
 * @module
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { systemClock, type Clock } from '../clock.js';
import { PROCESS_TREE_KIND } from './tree-kind.js';

/** The environment variable that marks every descendant of a supervised child: `PROCVISOR_OWNER`. */
export const OWNER_ENV = 'PROCVISOR_OWNER';

/** One row of the process table. */
export interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** Start time in clock ticks since boot (`/proc/<pid>/stat` field 22); null where unknown. */
  readonly start: number | null;
  /** A zombie: dead, waiting to be reaped. It cannot be killed and counts as gone. */
  readonly zombie: boolean;
  /** The entries of its {@link OWNER_ENV} (comma-separated when nested); empty when absent or unreadable. */
  readonly tags: readonly string[];
}

/** A process group we created: its leader's pid and start time, to tell it from a later group with the same number. */
export interface GroupRoot {
  readonly pgid: number;
  readonly start: number | null;
}

/** What makes a process ours. */
export interface Roots {
  /** Process groups created for our children. */
  readonly groups?: Iterable<GroupRoot>;
  /**
   * Tag selectors: a process whose tag equals one of them or starts with it followed by `/` is ours.
   * Tags are hierarchical (`host/supervisor/child`), so a host selector matches all of its supervisors.
   */
  readonly tags?: readonly string[];
  /** Never touch these pids (the host itself, the watchdog). */
  readonly exclude?: Iterable<number>;
}

const HAS_PROC = PROCESS_TREE_KIND === 'proc';

/** The start time of a live pid (Linux), or null. */
export function startTimeOf(pid: number): number | null {
  if (!HAS_PROC) return null;
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'))?.start ?? null;
  } catch {
    return null;
  }
}

interface StatFields {
  ppid: number;
  pgid: number;
  start: number;
  zombie: boolean;
}

/** `/proc/<pid>/stat`: "pid (comm) S ppid pgrp session ... starttime(22)"; comm may hold spaces and parens. */
function parseStat(stat: string): StatFields | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const f = stat.slice(close + 2).split(' ');
  // f[0] is field 3 (state), so field n is f[n - 3].
  const state = f[0] ?? '';
  return {
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    start: Number(f[19]),
    zombie: state === 'Z' || state === 'X',
  };
}

function readTags(pid: number): string[] {
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return []; // gone, or not ours to read (another user's process)
  }
  const key = `${OWNER_ENV}=`;
  let from: number;
  if (environ.startsWith(key)) from = key.length;
  else {
    const at = environ.indexOf(`\0${key}`);
    if (at < 0) return [];
    from = at + 1 + key.length;
  }
  const end = environ.indexOf('\0', from);
  return environ
    .slice(from, end < 0 ? undefined : end)
    .split(',')
    .filter(Boolean);
}

/**
 * A snapshot of every process (synchronous). With `tags`, each process's environment is read too: a few
 * milliseconds for a thousand processes.
 */
export function readProcessTable(options: { tags: boolean }): ProcEntry[] {
  return HAS_PROC ? readProc(options.tags) : readPs();
}

function readProc(withTags: boolean): ProcEntry[] {
  const out: ProcEntry[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(name);
    let fields: StatFields | null;
    try {
      fields = parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
    } catch {
      continue; // exited meanwhile
    }
    if (!fields) continue;
    out.push({ pid, ...fields, tags: withTags && !fields.zombie ? readTags(pid) : [] });
  }
  return out;
}

const PS_ARGS = ['-A', '-o', 'pid=,ppid=,pgid=,state='];

function readPs(): ProcEntry[] {
  let text: string;
  try {
    text = execFileSync('ps', PS_ARGS, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  return parsePs(text);
}

/** One `ps` call, without blocking the event loop: pids, parents, groups, zombies; no tags, no start times. */
export function readPsAsync(): Promise<ProcEntry[]> {
  return new Promise((resolve) => {
    execFile('ps', PS_ARGS, { encoding: 'utf8', maxBuffer: 64 << 20, windowsHide: true }, (err, stdout) =>
      resolve(err ? [] : parsePs(stdout)),
    );
  });
}

function parsePs(text: string): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const line of text.split('\n')) {
    const [pid, ppid, pgid, state] = line.trim().split(/\s+/);
    if (!pid || !ppid || !pgid) continue;
    out.push({
      pid: Number(pid),
      ppid: Number(ppid),
      pgid: Number(pgid),
      start: null,
      zombie: (state ?? '').startsWith('Z'),
      tags: [],
    });
  }
  return out;
}

function tagMatches(tags: readonly string[], selectors: readonly string[]): boolean {
  for (const t of tags) {
    for (const s of selectors) if (t === s || t.startsWith(`${s}/`)) return true;
  }
  return false;
}

/**
 * The live (non-zombie) processes of `table` that are ours by group, tag or parentage, in no particular
 * order. A group counts only while its number still belongs to us: its leader is gone (the number stays
 * allocated while members live), or is the very process we started (same start time).
 */
export function selectDescendants(table: readonly ProcEntry[], roots: Roots): ProcEntry[] {
  const exclude = new Set<number>(roots.exclude ?? []);
  exclude.add(process.pid);
  const byPid = new Map(table.map((e) => [e.pid, e]));
  const groups = new Set<number>();
  for (const g of roots.groups ?? []) {
    const leader = byPid.get(g.pgid);
    if (!leader || g.start === null || leader.start === g.start) groups.add(g.pgid);
  }
  const tags = roots.tags ?? [];
  const mine = new Set<number>();
  for (const e of table) {
    if (e.pid <= 1 || exclude.has(e.pid)) continue;
    if (groups.has(e.pgid) || (tags.length > 0 && tagMatches(e.tags, tags))) mine.add(e.pid);
  }
  // Parentage, to a fixed point: children of ours are ours (zombie parents included, which costs nothing:
  // the kernel reparents a process's children when it exits, so a zombie has none).
  const children = new Map<number, number[]>();
  for (const e of table) {
    const list = children.get(e.ppid);
    if (list) list.push(e.pid);
    else children.set(e.ppid, [e.pid]);
  }
  const stack = [...mine];
  for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
    for (const c of children.get(pid) ?? []) {
      if (c > 1 && !exclude.has(c) && !mine.has(c)) {
        mine.add(c);
        stack.push(c);
      }
    }
  }
  const out: ProcEntry[] = [];
  for (const pid of mine) {
    const e = byPid.get(pid);
    if (e && !e.zombie) out.push(e);
  }
  return out;
}

/**
 * `kill(2)`: the error code, or null when the signal was delivered. Never throws. A refused `process.kill`
 * throws an error whose stack trace costs more than the system call (an exit checks its group this way), so
 * the trace is switched off for the call.
 */
function tryKill(pid: number, signal: NodeJS.Signals | number): string | null {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(pid, signal);
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Sends `signal` to `pid` (negative: a process group); true if it was delivered. Never throws. */
export function sendSignal(pid: number, signal: NodeJS.Signals | number): boolean {
  return tryKill(pid, signal) === null; // ESRCH: already gone; EPERM: no longer ours
}

/** Whether a process group still has members (zombies included). */
export function groupExists(pgid: number): boolean {
  const code = tryKill(-pgid, 0);
  return code === null || code === 'EPERM';
}

/**
 * Kills every descendant with SIGKILL, synchronously, for the host's `'exit'` hook and the watchdog: the
 * groups first (one `kill(2)` each, atomic against a fork in the group), then everything the snapshot
 * finds. A second snapshot catches what forked between the first and the kill: children inherit group and
 * tag, so they are found although their parents are gone. Returns the pids killed one by one.
 *
 * Without `/proc` there are no tags, and a process outside the groups is found by parentage only, which a
 * group kill first would cut (the kernel reparents the children of a process the moment it exits, before
 * the `ps` snapshot could see them). There the groups are stopped (SIGSTOP: no member can exit or fork),
 * the first snapshot taken, and only then the groups killed.
 */
export function killTreeSync(roots: Roots, rounds = 3): number[] {
  const killed: number[] = [];
  const groups = [...(roots.groups ?? [])];
  const withTags = (roots.tags ?? []).length > 0;
  const scan = () => selectDescendants(readProcessTable({ tags: withTags }), { ...roots, groups });
  let first: ProcEntry[] | null = null;
  if (!HAS_PROC) {
    for (const g of groups) sendSignal(-g.pgid, 'SIGSTOP');
    first = scan();
  }
  for (const g of groups) sendSignal(-g.pgid, 'SIGKILL');
  const seen = new Set<number>();
  for (let round = 0; round < rounds; round++) {
    const found = (round === 0 && first ? first : scan()).filter((e) => !seen.has(e.pid));
    if (found.length === 0) break;
    for (const e of found) {
      seen.add(e.pid);
      if (sendSignal(e.pid, 'SIGKILL')) killed.push(e.pid);
    }
  }
  return killed;
}

/** Options of {@link terminateTree}. */
export interface TerminateOptions {
  /** How long the descendants get to exit after SIGTERM before SIGKILL, in ms. */
  readonly graceMs: number;
  /** How often to look again, in ms. Default 50. */
  readonly pollMs?: number;
  /** Give up waiting this long after SIGKILL, in ms (a process stuck in the kernel). Default 10 000. */
  readonly killWaitMs?: number;
  /**
   * Where the grace period, the kill wait and the pauses between looks take their time from.
   * @default systemClock
   */
  readonly clock?: Clock;
}

/** What {@link terminateTree} did. */
export interface TerminateResult {
  /** Pids that got SIGTERM. */
  readonly terminated: readonly number[];
  /** Pids that were still alive after the grace period and got SIGKILL. */
  readonly killed: readonly number[];
  /** Pids still alive when it gave up (normally none). */
  readonly survivors: readonly number[];
}

const sleep = (clock: Clock, ms: number) => new Promise<void>((resolve) => clock.setTimer(ms, resolve));

/**
 * SIGTERM to every descendant, SIGKILL to those still alive after `graceMs`, then waits until none is left.
 * Nothing announces the death of a process that is not our child, so this looks again every `pollMs`; it
 * runs only at the end of a shutdown, and only while something is left.
 */
export async function terminateTree(roots: Roots, options: TerminateOptions): Promise<TerminateResult> {
  const pollMs = options.pollMs ?? 50;
  const clock = options.clock ?? systemClock;
  const withTags = (roots.tags ?? []).length > 0;
  const scan = () => selectDescendants(readProcessTable({ tags: withTags }), roots);
  const terminated: number[] = [];
  const killed: number[] = [];
  const termed = new Set<number>();
  let found = scan();
  if (found.length === 0) return { terminated, killed, survivors: [] };
  const graceEnd = clock.now() + options.graceMs;
  while (found.length > 0 && clock.now() < graceEnd) {
    for (const e of found) {
      if (!termed.has(e.pid) && sendSignal(e.pid, 'SIGTERM')) {
        termed.add(e.pid);
        terminated.push(e.pid);
      }
    }
    await sleep(clock, Math.min(pollMs, Math.max(1, graceEnd - clock.now())));
    found = scan();
  }
  const killEnd = clock.now() + (options.killWaitMs ?? 10_000);
  const kills = new Set<number>();
  while (found.length > 0 && clock.now() < killEnd) {
    for (const e of found) {
      if (!kills.has(e.pid) && sendSignal(e.pid, 'SIGKILL')) {
        kills.add(e.pid);
        killed.push(e.pid);
      }
    }
    await sleep(clock, pollMs);
    found = scan();
  }
  return { terminated, killed, survivors: found.map((e) => e.pid) };
}
