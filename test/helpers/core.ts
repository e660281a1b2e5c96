/**
 * Shared set-up for the real-process tests: a vitest `it` with a temporary directory and a `supervise()`
 * fixture that shuts every supervisor down after the test and fails the test if any child it spawned is
 * still alive. Also the fixture program and a compact way to write PROCESS_STATE sequences.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir as osTmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base } from 'vitest';
import {
  Supervisor,
  STOPPED_STATES,
  type ProcessLogEvent,
  type ProcessStateEvent,
  type ProcessStateName,
  type ProgramConfig,
  type SupervisorConfig,
  type SupervisorOptions,
} from '../../src/index.js';
import { pidAlive } from './pids.js';
import { DEADLINE_MS, EventRecorder } from './wait.js';

/** The generic child program (see its header for the flags). */
export const CHILD = fileURLToPath(new URL('../fixtures/core-child.mjs', import.meta.url));

/**
 * startsecs for children meant to fail to start. Generous, so that a loaded machine (slow node start-up)
 * never turns a quick failure into a start; it costs nothing, since such a child exits at once.
 */
export const FAIL_SECS = 5;

/** argv running the fixture with `node`. */
export function child(...flags: string[]): string[] {
  return [process.execPath, CHILD, ...flags];
}

/**
 * A program running the fixture with small timings and output events on, so tests can read what the child
 * prints; `overrides` win.
 */
export function prog(flags: string[], overrides: Partial<ProgramConfig> = {}): ProgramConfig {
  return {
    command: child(...flags),
    startsecs: 0.3,
    stopwaitsecs: 1,
    stdoutLogfile: null,
    stderrLogfile: null,
    stdoutEventsEnabled: true,
    stderrEventsEnabled: true,
    ...overrides,
  };
}

/** A state change as a short string: `STOPPED->STARTING tries:0`, `RUNNING->EXITED expected:1`. */
export function fmt(e: ProcessStateEvent): string {
  let s = `${e.fromState}->${e.state}`;
  if (e.tries !== undefined) s += ` tries:${e.tries}`;
  if (e.expected !== undefined) s += ` expected:${e.expected ? 1 : 0}`;
  return s;
}

/** A supervisor under test, with everything it emitted recorded. */
export class Harness {
  readonly sup: Supervisor;
  /** Every PROCESS_STATE event, in order. */
  readonly states: EventRecorder<ProcessStateEvent>;
  /** Every PROCESS_LOG event, in order. */
  readonly logs: EventRecorder<ProcessLogEvent>;
  /** Every pid the supervisor spawned (from its activity log). */
  readonly pids = new Set<number>();

  constructor(sup: Supervisor) {
    this.sup = sup;
    this.states = new EventRecorder(sup, 'PROCESS_STATE');
    this.logs = new EventRecorder(sup, 'PROCESS_LOG');
    sup.on('log', (r) => {
      const m = /^spawned: '.*' with pid (\d+)$/.exec(r.message);
      if (m) this.pids.add(Number(m[1]));
    });
  }

  /** The state changes of one process (by process name), formatted with {@link fmt}. */
  seq(name: string): string[] {
    return this.states.events.filter((e) => e.processName === name).map(fmt);
  }

  /** The events of one process. */
  eventsOf(name: string): ProcessStateEvent[] {
    return this.states.events.filter((e) => e.processName === name);
  }

  /**
   * Waits for the `n`-th (1-based) event of `name` entering `state`, counting from the start of the
   * recording; resolves with it.
   */
  reach(name: string, state: ProcessStateName, n = 1, timeoutMs = DEADLINE_MS): Promise<ProcessStateEvent> {
    return this.states.nth((e) => e.processName === name && e.state === state, n, timeoutMs);
  }

  /** Waits until the process has had `count` state changes in all; resolves with its sequence. */
  async changes(name: string, count: number): Promise<string[]> {
    await this.states.nth((e) => e.processName === name, count);
    return this.seq(name);
  }

  /** Everything the process wrote on a channel so far, as text. */
  output(name: string, channel: 'stdout' | 'stderr' = 'stdout'): string {
    return this.logs.events
      .filter((e) => e.processName === name && e.channel === channel)
      .map((e) => Buffer.from(e.data).toString('utf8'))
      .join('');
  }

  /** Waits until the process's output on `channel` matches `pattern`; resolves with the match. */
  async waitOutput(
    name: string,
    pattern: RegExp,
    channel: 'stdout' | 'stderr' = 'stdout',
  ): Promise<RegExpMatchArray> {
    let match: RegExpMatchArray | null = this.output(name, channel).match(pattern);
    if (match) return match;
    await this.logs.until(
      (e) =>
        e.processName === name &&
        e.channel === channel &&
        (match = this.output(name, channel).match(pattern)) !== null,
      DEADLINE_MS,
    );
    return match!;
  }

  /** The JSON a `--report` child printed. */
  async report(name: string): Promise<Report> {
    const m = await this.waitOutput(name, /^report (.*)$/m);
    return JSON.parse(m[1]!) as Report;
  }

  /** Shuts down, then checks that no child it ever spawned is alive and every process is stopped. */
  async close(): Promise<void> {
    for (const p of this.sup.processes) if (p.pid) this.pids.add(p.pid);
    await this.sup.shutdown();
    this.states.dispose();
    this.logs.dispose();
    const alive = [...this.pids].filter(pidAlive);
    if (alive.length > 0) throw new Error(`children still alive after shutdown: ${alive.join(', ')}`);
    for (const p of this.sup.processes) {
      if (!STOPPED_STATES.has(p.state) || p.pid !== 0) {
        throw new Error(`${p.namespec} is ${p.state} with pid ${p.pid} after shutdown`);
      }
    }
  }
}

/** What `core-child.mjs --report` prints. */
export interface Report {
  pid: number;
  uid: number;
  gid: number;
  groups: number[];
  umask: number;
  cwd: string;
  env: Record<string, string>;
  argv0: string;
}

/** The fixtures {@link it} adds to the test context. */
export interface Fixtures {
  /** A fresh temporary directory, removed after the test. */
  tmp: string;
  /**
   * Creates a Supervisor (not started) whose children are checked after the test: it is shut down and
   * every pid it spawned must be gone.
   */
  supervise: (config: SupervisorConfig, options?: SupervisorOptions) => Harness;
}

/** The `supervise` fixture's type, for helpers that take it as an argument. */
export type Supervise = Fixtures['supervise'];

/** vitest's `it` with the {@link Fixtures}. */
export const it = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  tmp: async ({}, use) => {
    const dir = mkdtempSync(join(osTmpdir(), 'procvisor-core-'));
    try {
      await use(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  supervise: async ({ tmp }, use) => {
    const harnesses: Harness[] = [];
    // vitest runs the rest of a fixture after the test, whether it passed or not.
    await use((config, options) => {
      const h = new Harness(new Supervisor({ childlogdir: tmp, ...config }, options));
      harnesses.push(h);
      return h;
    });
    const results = await Promise.allSettled(harnesses.map((h) => h.close()));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      // vitest skips the remaining fixture teardowns after one throws: remove the directory here too.
      rmSync(tmp, { recursive: true, force: true });
      throw failure.reason;
    }
  },
});
