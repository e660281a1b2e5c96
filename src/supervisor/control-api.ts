/**
 * The control API of {@link Supervisor} that acts on processes by name: info, start, stop, signal, stdin,
 * and the per-process waits (`rpcinterface.py`), on a base class of the Supervisor.
 * @module
 */
import type { ResolvedConfig } from '../config/types.js';
import type { ProcessInfo } from '../core/info.js';
import { SupervisorStates, type SupervisorStateName } from '../core/states.js';
import type { SupervisorPhase } from '../process/context.js';
import { RUNNING_STATES } from '../core/states.js';
import { SupervisorError } from '../errors.js';
import { RemoteCommunicationEvent, type SupervisorEvent } from '../events/events.js';
import type { ProgramGroup } from '../group/program-group.js';
import { allResults, startAll, type ProcessResult } from '../group/results.js';
import { waitBounds, type WaitForOptions } from '../process/options.js';
import type { Process } from '../process/process.js';
import type { ProcessStateName } from '../core/states.js';
import type { Waiters } from '../waiter.js';
import { LogApi } from './log-api.js';
import { readyCheck, settledCheck, type WaitScope } from './waits.js';
import { lookup, lookupGroup, lookupProcess } from './lookup.js';

/** The process control methods of {@link Supervisor}. */
export abstract class ControlApi extends LogApi {
  /** @internal The active groups by name. */
  abstract _groups(): ReadonlyMap<string, ProgramGroup>;
  /** @internal SHUTDOWN_STATE once shutdown has begun. */
  abstract _checkRunning(): void;
  /** @internal The active groups sorted by priority; ties keep the order they were added in. */
  _sortedGroups(): ProgramGroup[] {
    return [...this._groups().values()].sort((a, b) => a.priority - b.priority);
  }

  /** @internal Every active process: groups by priority, then processes by priority. */
  _allByPriority(): Process[] {
    this._checkRunning();
    return this._sortedGroups().flatMap((g) => g.byPriority());
  }

  /** @internal The supervisor's waits and what their checks read. */
  abstract _waits(): { waiters: Waiters<Process>; scope: WaitScope };
  /** @internal The supervisor's phase. */
  abstract _phase(): SupervisorPhase;
  /** The configuration in force. */
  abstract get config(): ResolvedConfig;
  /** @internal Emits an event to in-process listeners and the listener pools. */
  abstract _emit(event: SupervisorEvent): void;

  /** supervisord's `getState`: `{ statecode, statename }`. */
  async getState(): Promise<{ statecode: number; statename: SupervisorStateName }> {
    const phase = this._phase();
    const statename: SupervisorStateName =
      phase === 'restarting' ? 'RESTARTING' : phase === 'new' || phase === 'running' ? 'RUNNING' : 'SHUTDOWN';
    return { statecode: SupervisorStates[statename], statename };
  }

  /** supervisord's `getIdentification`: the `identifier` option. */
  async getIdentification(): Promise<string> {
    this._checkRunning();
    return this.config.identifier;
  }

  /** supervisord's `getPID`: the pid of the supervising (host) process. */
  async getPID(): Promise<number> {
    this._checkRunning();
    return process.pid;
  }

  /** supervisord's `getProcessInfo`. BAD_NAME for an unknown name or a group (`g:*`). */
  async getProcessInfo(name: string): Promise<ProcessInfo> {
    return this._process(name).info();
  }

  /** supervisord's `getAllProcessInfo`: every process, by group name then process name. */
  async getAllProcessInfo(): Promise<ProcessInfo[]> {
    this._checkRunning();
    return [...this._groups().values()]
      .flatMap((g) => g.processes.map((p) => p.info()))
      .sort((a, b) => cmp(a.group, b.group) || cmp(a.name, b.name));
  }

  // ---- start, stop, signal, stdin -----------------------------------------------------------------------

  /**
   * supervisord's `startProcess`. `group:*` (or `group:`) starts the group and resolves with its results.
   * @param wait - resolve only when RUNNING (default true).
   */
  startProcess(name: `${string}:*`, wait?: boolean): Promise<ProcessResult[]>;
  startProcess(name: `${string}:`, wait?: boolean): Promise<ProcessResult[]>;
  startProcess(name: string, wait?: boolean, options?: { signal?: AbortSignal }): Promise<true>;
  async startProcess(
    name: string,
    wait = true,
    options: { signal?: AbortSignal } = {},
  ): Promise<true | ProcessResult[]> {
    this._checkRunning();
    const { group, process } = lookup(this._groups(), name);
    if (!process) return group.start(wait);
    return process.start({ wait, ...options });
  }

  /** supervisord's `startProcessGroup`: starts every process not already running, by process priority. */
  async startProcessGroup(name: string, wait = true): Promise<ProcessResult[]> {
    this._checkRunning();
    return lookupGroup(this._groups(), name).start(wait);
  }

  /** supervisord's `startAllProcesses`: groups by priority, then processes by priority. */
  async startAllProcesses(wait = true): Promise<ProcessResult[]> {
    this._checkRunning();
    return startAll(
      this._allByPriority().filter((p) => !RUNNING_STATES.has(p.state)),
      wait,
    );
  }

  /**
   * supervisord's `stopProcess`. `group:*` stops the group and resolves with its results.
   * @param wait - resolve only when stopped (default true).
   */
  stopProcess(name: `${string}:*`, wait?: boolean): Promise<ProcessResult[]>;
  stopProcess(name: `${string}:`, wait?: boolean): Promise<ProcessResult[]>;
  stopProcess(name: string, wait?: boolean, options?: { signal?: AbortSignal }): Promise<true>;
  async stopProcess(
    name: string,
    wait = true,
    options: { signal?: AbortSignal } = {},
  ): Promise<true | ProcessResult[]> {
    this._checkRunning();
    const { group, process } = lookup(this._groups(), name);
    if (!process) return group.stop(wait);
    return process._beginStop({ wait, ...options });
  }

  /** supervisord's `stopProcessGroup`: stops every running process, by ascending process priority. */
  async stopProcessGroup(name: string, wait = true): Promise<ProcessResult[]> {
    this._checkRunning();
    return lookupGroup(this._groups(), name).stop(wait);
  }

  /**
   * supervisord's `stopAllProcesses`: every running process, in **ascending** priority order, all at
   * once (only {@link Supervisor.shutdown} stops by descending priority, group by group).
   */
  async stopAllProcesses(wait = true): Promise<ProcessResult[]> {
    this._checkRunning();
    return allResults(
      this._allByPriority().filter((p) => RUNNING_STATES.has(p.state)),
      (p) => p._beginStop({ wait }),
    );
  }

  /** supervisord's `signalProcess`: by name (`'HUP'`, `'SIGHUP'`) or number. `group:*` signals the group. */
  signalProcess(name: `${string}:*`, signal: string | number): Promise<ProcessResult[]>;
  signalProcess(name: `${string}:`, signal: string | number): Promise<ProcessResult[]>;
  signalProcess(name: string, signal: string | number): Promise<true>;
  async signalProcess(name: string, signal: string | number): Promise<true | ProcessResult[]> {
    this._checkRunning();
    const { group, process } = lookup(this._groups(), name);
    if (!process) return group.signal(signal);
    await process.signal(signal);
    return true;
  }

  /** supervisord's `signalProcessGroup`: every signallable process of the group. */
  async signalProcessGroup(name: string, signal: string | number): Promise<ProcessResult[]> {
    this._checkRunning();
    return lookupGroup(this._groups(), name).signal(signal);
  }

  /** supervisord's `signalAllProcesses`. */
  async signalAllProcesses(signal: string | number): Promise<ProcessResult[]> {
    const results: ProcessResult[] = [];
    for (const g of this._sortedGroups()) results.push(...(await g.signal(signal)));
    // supervisord checks the state only after sending the signals.
    this._checkRunning();
    return results;
  }

  /** supervisord's `sendProcessStdin`: writes to a running child's stdin. */
  async sendProcessStdin(name: string, chars: string | Uint8Array): Promise<true> {
    this._checkRunning();
    if (typeof chars !== 'string' && !(chars instanceof Uint8Array)) {
      throw new SupervisorError('INCORRECT_PARAMETERS', `chars must be a string, got ${typeof chars}`);
    }
    lookupProcess(this._groups(), name).sendStdin(chars);
    return true;
  }

  /**
   * supervisord's `sendRemoteCommEvent`: emits REMOTE_COMMUNICATION with payload `type:<type>\n<data>`, to
   * in-process subscribers and to the listener pools subscribed to it.
   * @example
   * ```ts
   * await sup.sendRemoteCommEvent('deploy', 'v1.2.3');
   * ```
   */
  async sendRemoteCommEvent(type: string, data: string): Promise<true> {
    if (typeof type !== 'string') throw new TypeError(`type must be a string, got ${JSON.stringify(type)}`);
    if (typeof data !== 'string') throw new TypeError(`data must be a string, got ${JSON.stringify(data)}`);
    this._emit(new RemoteCommunicationEvent(type, data));
    return true;
  }

  // ---- objects and waits --------------------------------------------------------------------------------

  /**
   * The active group with this name (a program's name, a `groups` entry's, an event listener pool's), or
   * `undefined` when there is none: check before use. A group is named without `:` (`'web'`, not `'web:*'`).
   * `groups` lists them all.
   * @example
   * ```ts
   * const web = sup.getGroup('web');
   * if (web) console.log(web.processes.map((p) => p.namespec)); // [ 'web:web-00', 'web:web-01' ]
   * ```
   */
  getGroup(name: string): ProgramGroup | undefined {
    return this._groups().get(name);
  }

  /**
   * The process with this name, or `undefined` when none has it: check before use. Names are resolved as
   * supervisord resolves them: `group:name`, or a bare name for a process alone in a group of its own name
   * (a program with `numprocs: 1` and the default `processName`). The processes of a `numprocs: 3` program
   * `web` are `web:web-00`, `web:web-01`, `web:web-02` (its `processName`, `%(program_name)s-%(process_num)02d`
   * by convention); `getProcess('web')` is then `undefined`. List the names with
   * `sup.getGroup('web')?.processes.map((p) => p.namespec)` or `getAllProcessInfo()`. The control methods
   * (`startProcess`, …) reject such a name with a `BAD_NAME` whose message lists the names, and take
   * `'web:*'` for the whole group.
   * @example
   * ```ts
   * const web = sup.getProcess('web:web-00');
   * if (!web) throw new Error('no process web:web-00');
   * console.log(web.pid);
   * ```
   */
  getProcess(name: string): Process | undefined {
    try {
      return lookup(this._groups(), name).process ?? undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Resolves with the process once its state satisfies `want` (a state, a list, or a predicate), at once if
   * it already does. Rejects with WAIT_FAILED after `timeout` (a Duration: ms, or `'5s'`) or when the process
   * is removed, with
   * SHUTDOWN_STATE at shutdown, or when `signal` aborts. Always removes its listener.
   */
  async waitForState(
    name: string,
    want: ProcessStateName | readonly ProcessStateName[] | ((process: Process) => boolean),
    options: WaitForOptions = {},
  ): Promise<Process> {
    return lookupProcess(this._groups(), name).waitForState(want, options);
  }

  /** Resolves with the first output line of the process (from now on) matching `pattern`. */
  async waitForOutput(
    name: string,
    pattern: RegExp | string,
    options: WaitForOptions & { channel?: 'stdout' | 'stderr' | 'both' } = {},
  ): Promise<string> {
    return lookupProcess(this._groups(), name).waitForOutput(pattern, options);
  }
  /**
   * Resolves once every process has settled: none is STARTING, BACKOFF or STOPPING, and none waits for a
   * dependency that can still be met. Rejects with WAIT_FAILED after `timeout` (a Duration: ms, or `'5s'`),
   * SHUTDOWN_STATE at shutdown.
   */
  async waitForSettled(options: WaitForOptions = {}): Promise<void> {
    const { waiters, scope } = this._waits();
    const { check, failure } = settledCheck(scope);
    const bounds = waitBounds(options);
    await waiters.wait({ check, ...bounds, onTimeout: () => failure(bounds.timeout) });
  }

  /**
   * Resolves once every autostart process is RUNNING (or, for a one-shot, EXITED with an expected code).
   * Rejects with WAIT_FAILED, carrying the failing process's info and last output lines, as soon as one fails
   * for good (FATAL, UNKNOWN, an unexpected exit that will not restart, a dependency that cannot be met), or
   * after `timeout` (a Duration: ms, or `'5s'`); with SHUTDOWN_STATE at shutdown.
   */
  async waitForReady(options: WaitForOptions = {}): Promise<void> {
    const { waiters, scope } = this._waits();
    const { check, failure } = readyCheck(scope);
    const bounds = waitBounds(options);
    await waiters.wait({ check, ...bounds, onTimeout: () => failure(bounds.timeout) });
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
