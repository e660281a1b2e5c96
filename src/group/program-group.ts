/**
 * ProgramGroup: the processes of one program (numprocs, numprocs_start, process_name) or of a `groups`
 * entry (supervisord's `[group:x]`).
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { GroupConfig } from './config/types.js';
import type { SupervisorEventMap } from './events/emitter.js';
import type { ProcessInfo } from './info.js';
import type { Process } from './process.js';
import { STOPPED_STATES } from './states.js';
import type { ProcessResult } from './supervisor.js';

/** What a group needs from its supervisor. Internal. */
export interface GroupHost {
  startProcessGroup(name: string, wait?: boolean): Promise<ProcessResult[]>;
  stopProcessGroup(name: string, wait?: boolean): Promise<ProcessResult[]>;
  signalProcessGroup(name: string, signal: string | number): Promise<ProcessResult[]>;
}

/**
 * A group of processes, started and stopped together.
 * @example
 * ```ts
 * const workers = sup.getGroup('worker');
 * workers.on('PROCESS_STATE_EXITED', (e) => console.log(`${e.processName} exited`));
 * await workers.stop();
 * ```
 */
export class ProgramGroup extends EventEmitter<SupervisorEventMap> {
  /** The resolved configuration of this group. */
  readonly config: GroupConfig;
  readonly #processes: ReadonlyMap<string, Process>;
  readonly #host: GroupHost;

  /** @internal Created by the supervisor. */
  constructor(config: GroupConfig, processes: readonly Process[], host: GroupHost) {
    super();
    this.config = config;
    this.#processes = new Map(processes.map((p) => [p.name, p]));
    this.#host = host;
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

  /** Starts every process of the group that is not running (supervisord's `startProcessGroup`). */
  start(wait = true): Promise<ProcessResult[]> {
    return this.#host.startProcessGroup(this.name, wait);
  }

  /** Stops every running process of the group (supervisord's `stopProcessGroup`). */
  stop(wait = true): Promise<ProcessResult[]> {
    return this.#host.stopProcessGroup(this.name, wait);
  }

  /** Signals every signallable process of the group (supervisord's `signalProcessGroup`). */
  signal(signal: string | number): Promise<ProcessResult[]> {
    return this.#host.signalProcessGroup(this.name, signal);
  }
}
