/**
 * Helpers for the orphan tests: run `fixtures/orphans-host.mjs` (a host supervising a process tree with the
 * built library), read the pids the tree recorded, find the host's watchdog, and clean up whatever a failed
 * test leaves behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killQuietly, pidAlive, waitForPidGone } from './pids.js';
import { DEADLINE_MS, waitUntil } from './wait.js';

/** The host fixture. */
export const HOST = fileURLToPath(new URL('../fixtures/orphans-host.mjs', import.meta.url));
/** The tree fixture. */
export const TREE = fileURLToPath(new URL('../fixtures/orphans-tree.mjs', import.meta.url));

/** The processes of one tree, by role: `tree` (the supervised child), `ingroup`, `setsid`, `daemon`. */
export interface TreePid {
  readonly role: string;
  readonly pid: number;
  readonly pgid: number;
}

/** Roles each tree records (the daemonizer exits by itself and is not recorded). */
export const ROLES_PER_TREE = 4;

/** Reads the pids recorded in `file` so far. */
export function readPids(file: string): TreePid[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [role, pid, pgid] = line.split(' ');
      return { role: role!, pid: Number(pid), pgid: Number(pgid) };
    });
}

/** Waits until `count` trees have recorded all their processes; resolves with them. */
export function waitForTrees(file: string, count = 1): Promise<TreePid[]> {
  return waitUntil(() => {
    const pids = readPids(file);
    return pids.length >= count * ROLES_PER_TREE ? pids : undefined;
  }, `${count} tree(s) recorded their pids in ${file}`);
}

/** Resolves once every pid is gone (a zombie counts as gone); rejects naming the survivors. */
export async function expectAllGone(pids: readonly number[], timeoutMs = DEADLINE_MS): Promise<void> {
  try {
    await waitUntil(() => pids.every((p) => !pidAlive(p)), 'every pid is gone', timeoutMs);
  } catch {
    throw new Error(`still alive: ${pids.filter(pidAlive).join(', ')}`);
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

  /** Waits until every tree runs and has recorded its pids; resolves with every pid of every tree. */
  async ready(numprocs = 1): Promise<number[]> {
    await this.line(/^running/);
    return (await waitForTrees(this.pidsFile, numprocs)).map((p) => p.pid);
  }
}

/** Kills everything a test may have left: the host, its watchdog and every recorded pid. */
export async function cleanUp(host: Host, extra: readonly number[] = []): Promise<void> {
  const watchdog = watchdogOf(host.pid);
  const pids = [host.pid, watchdog, ...readPids(host.pidsFile).map((p) => p.pid), ...extra].filter(
    (p) => p > 0,
  );
  for (const p of pids) killQuietly(p);
  await Promise.all(pids.map((p) => waitForPidGone(p)));
}
