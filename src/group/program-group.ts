/**
 * ProgramGroup: the processes of one program (numprocs, numprocs_start, process_name) or of a `groups`
 * entry (supervisord's `[group:x]`).
 * @module
 */
import type { GroupConfig } from '../config/types.js';
import type { ProcessInfo } from '../core/info.js';
import { RUNNING_STATES, SIGNALLABLE_STATES, STOPPED_STATES } from '../core/states.js';
import { SafeEmitter, type SupervisorEventMap } from '../events/emitter.js';
import type { Process } from '../process/process.js';
import { allResults, startAll, type ProcessResult } from './results.js';

/**
 * A group of processes, started and stopped together.
 * @example
 * ```ts
 * const workers = sup.getGroup('worker');
 * workers.on('PROCESS_STATE_EXITED', (e) => console.log(`${e.processName} exited`));
 * await workers.stop();
 * ```
 */
export class ProgramGroup extends SafeEmitter<SupervisorEventMap> {
  /** The resolved configuration of this group. */
  readonly config: GroupConfig;
  readonly #processes: ReadonlyMap<string, Process>;

  /** @internal Created by the supervisor. */
  constructor(config: GroupConfig, processes: readonly Process[]) {
    super();
    this.config = config;
    this.#processes = new Map(processes.map((p) => [p.name, p]));
  }

  /** The group name. */
  get name(): string {
    return this.config.name;
  }

  /** The group priority: lower starts first and stops last. */
  get priority(): number {
    return this.config.priority;
  }

  /** The processes, in configuration order. */
  get processes(): readonly Process[] {
    return [...this.#processes.values()];
  }

  /** One process by its name (without the group prefix), or undefined. */
  getProcess(name: string): Process | undefined {
    return this.#processes.get(name);
  }

  /** The processes sorted by process priority (stable), as supervisord's `processes.sort()`. */
  byPriority(): Process[] {
    return [...this.#processes.values()].sort((a, b) => a.config.priority - b.config.priority);
  }

  /** Processes not in a stopped state (STOPPING included), as `get_unstopped_processes`. */
  unstopped(): Process[] {
    return this.processes.filter((p) => !STOPPED_STATES.has(p.state));
  }

  /** getProcessInfo for every process of the group. */
  info(): ProcessInfo[] {
    return this.processes.map((p) => p.info());
  }

  /** Starts every process of the group that is not running, by process priority (`startProcessGroup`). */
  start(wait = true): Promise<ProcessResult[]> {
    return startAll(
      this.byPriority().filter((p) => !RUNNING_STATES.has(p.state)),
      wait,
    );
  }

  /** Stops every running process of the group, by process priority (`stopProcessGroup`). */
  stop(wait = true): Promise<ProcessResult[]> {
    return allResults(
      this.byPriority().filter((p) => RUNNING_STATES.has(p.state)),
      (p) => p._beginStop({ wait }),
    );
  }

  /** Signals every signallable process of the group (`signalProcessGroup`): by name or number. */
  signal(signal: string | number): Promise<ProcessResult[]> {
    // supervisord checks the signal for each process: a bad one is a BAD_SIGNAL result for each.
    return allResults(
      this.byPriority().filter((p) => SIGNALLABLE_STATES.has(p.state)),
      (p) => signalled(p.signal(signal)),
    );
  }
}

function signalled(outcome: void | Promise<void>): true | Promise<true> {
  return outcome instanceof Promise ? outcome.then(() => true as const) : true;
}
