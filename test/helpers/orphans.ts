/**
 * Helpers for the orphan tests: run `fixtures/orphans-host.mjs` (a host supervising a process tree with the
 * built library), read the pids the tree recorded, find the host's watchdog, and clean up whatever a failed
 * test leaves behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProgramConfig } from '../../src/index.js';
import { killQuietly, pidAlive, processAlive } from './pids.js';
import { DEADLINE_MS, waitUntil } from './wait.js';

/** The host fixture. */
export const HOST = fileURLToPath(new URL('../fixtures/orphans-host.mjs', import.meta.url));
/** The tree fixture. */
export const TREE = fileURLToPath(new URL('../fixtures/orphans-tree.mjs', import.meta.url));

/**
 * A program running a tree fixture (`script`: {@link TREE} or another that writes the same pids file), quick to
 * start and to stop, with no log files.
 */
export function treeProgram(
  script: string,
  pidsFile: string,
  flags: string[] = [],
  overrides: Partial<ProgramConfig> = {},
): ProgramConfig {
  return {
    command: [process.execPath, script, pidsFile, ...flags],
    startsecs: 0.2,
    stopwaitsecs: 0.5,
    stdoutLogfile: null,
    stderrLogfile: null,
    ...overrides,
  };
}

/**
 * The processes of one tree, by role: `tree` (the supervised child), `ingroup`, `setsid`, `daemon` (the
 * daemonizer exits by itself and is not recorded).
 */
export interface TreePid {
  readonly role: string;
  readonly pid: number;
  readonly pgid: number;
  /** Its start time (clock ticks since boot): with the pid, it names this process and no later one. */
  readonly start: number;
}

function readLines(file: string): string[][] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '));
}

/** Reads the processes recorded in `file` so far. */
export function readPids(file: string): TreePid[] {
  return readLines(file)
    .filter(([role]) => role !== 'ready')
    .map(([role, pid, pgid, start]) => ({
      role: role!,
      pid: Number(pid),
      pgid: Number(pgid),
      start: Number(start),
    }));
}

/**
 * Waits until `count` trees are ready (every process runs and nothing else is left of the start-up: see the
 * fixture's header); resolves with their processes.
 */
export function waitForTrees(file: string, count = 1): Promise<TreePid[]> {
  return waitUntil(() => {
    const ready = readLines(file).filter(([role]) => role === 'ready').length;
    return ready >= count ? readPids(file) : undefined;
  }, `${count} tree(s) are ready in ${file}`);
}

/** Whether this very process is alive: a later process given the same pid does not count. */
export function treeAlive(p: TreePid): boolean {
  return processAlive(p.pid, p.start);
}

/** Kills what is left of the processes recorded in `file` (never a later process with a reused pid). */
export function killRecorded(file: string): void {
  for (const p of readPids(file)) if (treeAlive(p)) killQuietly(p.pid);
}

/**
 * Resolves once every process is gone (a zombie counts as gone); rejects naming the survivors. A recorded
 * process ({@link TreePid}) counts as gone once its pid names another process.
 */
export async function expectAllGone(
  procs: readonly (number | TreePid)[],
  timeoutMs = DEADLINE_MS,
): Promise<void> {
  const alive = (p: number | TreePid) => (typeof p === 'number' ? pidAlive(p) : treeAlive(p));
  try {
    await waitUntil(() => !procs.some(alive), 'every pid is gone', timeoutMs);
  } catch {
    throw new Error(
      `still alive: ${procs
        .filter(alive)
        .map((p) => (typeof p === 'number' ? p : p.pid))
        .join(', ')}`,
    );
  }
}

/** The pid of the watchdog serving `hostPid`, or 0 (found by its command line in /proc). */
export function watchdogOf(hostPid: number): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = argv.findIndex((a) => a.endsWith('watchdog-main.js'));
    if (at >= 0 && argv[at + 1] === String(hostPid) && pidAlive(Number(name))) return Number(name);
  }
  return 0;
}

/** What the host was asked to do; see the fixture's header. */
export interface HostSpec {
  readonly mode?: 'exit' | 'throw' | 'reject' | 'shutdown' | 'none';
  readonly numprocs?: number;
  readonly options?: { killOnExit?: boolean; handleSignals?: boolean };
  readonly appSignal?: NodeJS.Signals;
  readonly stopwaitsecs?: number;
  readonly hangShutdown?: boolean;
}

/** A running host fixture. */
export class Host {
  readonly child: ChildProcess;
  readonly pidsFile: string;
  /** Every line it printed on stdout. */
  readonly lines: string[] = [];
  stderr = '';
  /** Resolves when it has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(tmp: string, spec: HostSpec) {
    this.pidsFile = join(tmp, 'pids');
    this.child = spawn(process.execPath, [HOST, JSON.stringify({ ...spec, pidsFile: this.pidsFile })], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts);
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits for a line matching `pattern`; resolves with its match. */
  line(pattern: RegExp): Promise<RegExpMatchArray> {
    return waitUntil(() => {
      for (const l of this.lines) {
        const m = l.match(pattern);
        if (m) return m;
      }
      return undefined;
    }, `the host printed ${pattern} (stderr: ${this.stderr})`);
  }

  /** Waits until every tree runs and is ready; resolves with every pid of every tree. */
  async ready(numprocs = 1): Promise<number[]> {
    await this.line(/^running/);
    return (await waitForTrees(this.pidsFile, numprocs)).map((p) => p.pid);
  }
}

/** Kills everything a test may have left: the host, its watchdog and every recorded process. */
export async function cleanUp(host: Host, extra: readonly number[] = []): Promise<void> {
  const others = [host.pid, watchdogOf(host.pid), ...extra].filter((p) => p > 0);
  const recorded = readPids(host.pidsFile).filter(treeAlive);
  for (const p of [...others, ...recorded.map((r) => r.pid)]) killQuietly(p);
  await expectAllGone([...others, ...recorded]);
}
