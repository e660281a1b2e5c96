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
import { readdirSync } from 'node:fs';
import { systemClock, type Clock } from '../clock.js';
import type { ProcEntry, Roots } from './descendants.js';
import { selectDescendants } from './descendants.js';
import { readProcText } from './proc-read.js';
import { PROCESS_TREE_KIND } from './tree-kind.js';

export type { GroupRoot, ProcEntry, Roots } from './descendants.js';
export { indexTable, selectDescendants, type TableIndex } from './descendants.js';

/** The environment variable that marks every descendant of a supervised child: `PROCVISOR_OWNER`. */
export const OWNER_ENV = 'PROCVISOR_OWNER';

const HAS_PROC = PROCESS_TREE_KIND === 'proc';

/** The start time of a live pid (Linux), or null. */
export function startTimeOf(pid: number): number | null {
  if (!HAS_PROC) return null;
  try {
    return parseStat(readProcText(`/proc/${pid}/stat`))?.start ?? null;
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
    environ = readProcText(`/proc/${pid}/environ`);
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
      fields = parseStat(readProcText(`/proc/${pid}/stat`));
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
