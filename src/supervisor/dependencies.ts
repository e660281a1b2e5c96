/**
 * Autostart gating for `dependsOn` (procvisor): an autostart process whose dependencies are not met waits
 * here, and starts when they are. With `onExit`, a dependency that exits from RUNNING stops its dependents;
 * `'restart'` ones wait here until it meets their condition again, then start.
 * @module
 */
import type { ProcessStateEvent } from '../events/events.js';
import { RUNNING_STATES, STOPPED_STATES } from '../core/states.js';
import { conditionMet, hasGivenUp } from '../core/rules.js';
import { prepareAll } from '../group/results.js';
import type { Process } from '../process/process.js';
import type { Prepared } from '../process/spawn-request.js';

/** The processes waiting for their dependencies, and the index of processes by program. */
export class DependencyGate {
  readonly #processes: () => readonly Process[];
  readonly #pending = new Set<Process>();
  /** Dependents stopped because a dependency exited, to start again (`'restart'`) once it is back. */
  readonly #held = new Map<Process, number>();
  #byProgram: Map<string, Process[]> | null = null;
  /** The processes with an `onExit` on each program, indexed when first needed. */
  #onExit: Map<string, Process[]> | null = null;

  /** @param processes - every active process */
  constructor(processes: () => readonly Process[]) {
    this.#processes = processes;
  }

  /** The processes waiting for a dependency. */
  get pending(): ReadonlySet<Process> {
    return this.#pending;
  }

  /** The active processes changed (a group was added or removed). */
  invalidate(removed: readonly Process[] = []): void {
    this.#byProgram = null;
    this.#onExit = null;
    for (const p of removed) {
      this.#pending.delete(p);
      this.#held.delete(p);
    }
  }

  /** Nothing waits any more (shutdown). */
  clear(): void {
    this.#pending.clear();
    this.#held.clear();
  }

  /**
   * A state change of `d`: when it left RUNNING for EXITED (not a stop we asked for), its dependents with
   * `onExit` stop. `log` writes the activity line for each.
   */
  propagate(d: Process, event: ProcessStateEvent, log: (message: string) => void): void {
    if (event.fromState !== 'RUNNING' || event.state !== 'EXITED') return;
    const program = d.config.programName;
    for (const q of this.#dependentsOnExit(program)) {
      const action = q.config.dependencyExit?.[program];
      if (!action || !RUNNING_STATES.has(q.state)) continue;
      log(`stopping: ${q.namespec} (its dependency ${d.namespec} exited)`);
      // Held with its last start: a later start by someone else takes it out of our hands.
      if (action === 'restart') this.#held.set(q, q.snapshot.laststart);
      try {
        const stopping = q._beginStop({ wait: false });
        if (stopping instanceof Promise) stopping.catch(() => {});
      } catch {
        // Not running any more when the stop applies: nothing to stop.
      }
    }
  }

  /** Autostart, unless the process's dependencies are not met yet: then it waits. */
  autostart(p: Process, prepared?: Prepared): void {
    if (!p.config.autostart) return;
    if (this.met(p)) p._autostart(prepared);
    else this.#pending.add(p);
  }

  /**
   * Autostarts `processes` in order, as supervisord's first loop pass does: every command is resolved first,
   * so that the starts (and their STARTING events) come in priority order, before this resolves.
   */
  autostartAll(processes: readonly Process[]): Promise<void> {
    const candidates = processes.filter((p) => p.config.autostart);
    return new Promise((resolve) =>
      prepareAll(candidates, (prepared) => {
        candidates.forEach((p, i) => this.autostart(p, prepared[i]));
        resolve();
      }),
    );
  }

  /** After a state change: start the waiting processes whose dependencies are now met. */
  release(): void {
    for (const [q, laststart] of [...this.#held]) {
      if (q.snapshot.laststart !== laststart) this.#held.delete(q);
      else if (STOPPED_STATES.has(q.state) && this.met(q)) {
        this.#held.delete(q);
        q.start({ wait: false }).catch(() => {});
      }
    }
    if (this.#pending.size === 0) return;
    for (const p of [...this.#pending]) {
      if (!this.met(p)) continue;
      this.#pending.delete(p);
      if (p.state === 'STOPPED' && p.snapshot.laststart === 0) p._autostart();
    }
  }

  /** Every dependency of `p` is met. */
  met(p: Process): boolean {
    return Object.entries(p.config.dependsOn).every(([program, condition]) =>
      this.#of(program).every((d) => conditionMet(d, condition)),
    );
  }

  /** A dependency of `p` that can no longer be met: its program has settled in a state that does not satisfy it. */
  blockedBy(p: Process): Process | undefined {
    for (const [program, condition] of Object.entries(p.config.dependsOn)) {
      const failed = this.#of(program).find((d) => !conditionMet(d, condition) && hasGivenUp(d));
      if (failed) return failed;
    }
    return undefined;
  }

  /** The active processes with an `onExit` on `program` (an exit looks at them only, not at every process). */
  #dependentsOnExit(program: string): readonly Process[] {
    this.#onExit ??= indexBy(this.#processes(), (p) => Object.keys(p.config.dependencyExit ?? {}));
    return this.#onExit.get(program) ?? [];
  }

  /** The active processes of a program (a program can sit in several groups), indexed when first needed. */
  #of(program: string): readonly Process[] {
    this.#byProgram ??= indexBy(this.#processes(), (p) => [p.config.programName]);
    return this.#byProgram.get(program) ?? [];
  }
}

/** `processes` by each key `keys` gives it, in their order. */
function indexBy(
  processes: readonly Process[],
  keys: (p: Process) => readonly string[],
): Map<string, Process[]> {
  const index = new Map<string, Process[]>();
  for (const p of processes) {
    for (const key of keys(p)) {
      const list = index.get(key);
      if (list) list.push(p);
      else index.set(key, [p]);
    }
  }
  return index;
}
