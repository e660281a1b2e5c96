/**
 * Supervisor: owns the groups, runs supervisord's ordered start and shutdown, and offers its XML-RPC
 * `supervisor.*` control API as promises (`supervisor/rpcinterface.py`).
 * @module
 */
import { systemClock, type Clock } from '../clock.js';
import { resolveConfig } from '../config/index.js';
import type { SupervisorConfig } from '../config/index.js';
import type { GroupConfig, ResolvedConfig } from '../config/types.js';
import type { ProcessInfo } from '../core/info.js';
import { diffGroups } from '../core/reload-diff.js';
import {
  RUNNING_STATES,
  SupervisorStates,
  type ProcessStateName,
  type SupervisorStateName,
} from '../core/states.js';
import {
  BadNameError,
  Faults,
  ProcessStateError,
  ShutdownStateError,
  SupervisorError,
  WaitTimeoutError,
} from '../errors.js';
import {
  ProcessGroupEvent,
  ProcessStateEvent,
  RemoteCommunicationEvent,
  SupervisorStateChangeEvent,
  type SupervisorEvent,
} from '../events/events.js';
import { ProgramGroup } from '../group/program-group.js';
import { allResults, prepareAll, startAll, type ProcessResult } from '../group/results.js';
import { EventHub } from '../listeners/hub.js';
import type { SyslogOptions } from '../logging/syslog.js';
import { Containment } from '../platform/containment.js';
import { resolveCommand, resolveCommandAsync } from '../platform/resolve-command.js';
import { createNodeSpawner, nodeSpawner, type Spawner } from '../platform/spawner.js';
import { UserDirectory } from '../platform/users.js';
import type { ProcessContext, SupervisorPhase } from '../process/context.js';
import { Process, type WaitForOptions } from '../process/process.js';
import { readUser, type UserResolver } from '../process/spawn-request.js';
import { Waiters } from '../waiter.js';
import { configInfo, type ConfigInfo } from './config-info.js';
import { DependencyGate } from './dependencies.js';
import { lookup, lookupGroup, lookupProcess } from './lookup.js';
import { Pacer } from './pacer.js';
import { stopGroupsInOrder } from './shutdown.js';
import { readyCheck, settledCheck, type WaitScope } from './waits.js';
import { LogApi } from './log-api.js';

export type { ProcessResult } from '../group/results.js';
export type { ConfigInfo } from './config-info.js';

/** Seams and host facts; all optional. */
export interface SupervisorOptions {
  /**
   * Where time comes from (tests pass a {@link ManualClock}).
   * @default systemClock
   */
  readonly clock?: Clock;
  /**
   * How children are created (tests pass a fake).
   * @default nodeSpawner
   */
  readonly spawner?: Spawner;
  /**
   * The environment `%(ENV_X)s` expands from.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * `%(host_node_name)s`.
   * @default os.hostname()
   */
  readonly hostNodeName?: string;
  /**
   * Where `*Syslog` output goes: the socket and the tag.
   * @default { path: '/dev/log', ident: 'procvisor' } (path '/var/run/syslog' on macOS)
   */
  readonly syslog?: SyslogOptions;
  /**
   * Kill every child and descendant when the host process ends: with SIGKILL from `process.on('exit')` (a
   * normal exit, `process.exit()`, an uncaught exception), and from a watchdog process when the host itself
   * is killed (SIGKILL). Applies to the real spawner only. See `docs/orphans.md`.
   * @default true
   */
  readonly killOnExit?: boolean;
  /**
   * On SIGINT, SIGTERM or SIGHUP, unless the application listens for that signal itself: shut down
   * gracefully, then raise the signal again so the host ends as it would have without procvisor. See
   * `docs/orphans.md`.
   * @default true
   */
  readonly handleSignals?: boolean;
}

/** The result of {@link Supervisor.update}: what happened to each group, as `supervisorctl update` prints. */
export interface UpdateResult {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
  /** Removed or changed groups left in place because a process would not stop. */
  readonly problems: string[];
}

/**
 * Supervises programs the way supervisord does.
 * @example
 * ```ts
 * import { Supervisor } from 'procvisor';
 *
 * await using sup = new Supervisor({
 *   programs: { web: { command: 'node server.js', autorestart: true, startsecs: 2 } },
 * });
 * sup.on('PROCESS_STATE', (e) => console.log(e.processName, e.fromState, '->', e.state));
 * await sup.start();
 * console.log(await sup.getProcessInfo('web'));
 * ```
 */
export class Supervisor extends LogApi {
  #config: ResolvedConfig;
  readonly #options: SupervisorOptions;
  readonly #clock: Clock;
  readonly #containment: Containment | null;
  readonly #groups = new Map<string, ProgramGroup>();
  #phase: SupervisorPhase = 'new';
  readonly #gate = new DependencyGate(() => this.processes);
  readonly #pacer: Pacer;
  readonly #waiters: Waiters<Process>;
  #users: { directory: UserDirectory | null; resolve: UserResolver };
  #shutdown: Promise<void> | undefined;
  readonly #context: ProcessContext;
  /** Event listener pools, event serials and TICK timers. */
  readonly #hub: EventHub;

  /**
   * Validates the configuration; nothing starts until {@link Supervisor.start}.
   * @throws ConfigError listing every problem with the config.
   */
  constructor(config: SupervisorConfig | ResolvedConfig, options: SupervisorOptions = {}) {
    super();
    this.#options = options;
    this.#config = this.#resolve(config);
    this.#clock = options.clock ?? systemClock;
    this.#pacer = new Pacer(this.#clock);
    this.#waiters = new Waiters(this.#clock);
    // Only the real spawner's children are real processes to contain (a fake spawner's pids are not).
    const real = options.spawner === undefined || options.spawner === nodeSpawner;
    this.#containment = real
      ? new Containment({
          killOnExit: options.killOnExit ?? true,
          handleSignals: options.handleSignals ?? true,
          shutdown: () => this.shutdown(),
          stopwaitsecs: () => this.groups.map((g) => g.processes.map((p) => p.config.stopwaitsecs)),
          log: (level, message) => this.#log(level, message),
        })
      : null;
    this.#users = real ? newUsers() : { directory: null, resolve: readUser };
    const spawner = this.#containment?.wrap(createNodeSpawner({ clock: this.#clock })) ?? options.spawner!;
    this.#context = {
      clock: this.#clock,
      spawner,
      // A fake spawner's tests run synchronously; the real one never blocks the event loop on PATH.
      resolveCommand: real ? resolveCommandAsync : resolveCommand,
      deferrer: this.#pacer,
      syslog: options.syslog ?? null,
      phase: () => this.#phase,
      settings: () => ({
        childlogdir: this.#config.childlogdir,
        identifier: this.#config.identifier,
        serverurl: this.#config.serverurl,
        stripAnsi: this.#config.stripAnsi,
        users: this.#users.resolve,
      }),
      sink: {
        event: (event, groupName) => this.#relay(event, groupName),
        log: (record) => this.emit('log', record),
        logError: (record) => this.emit('logError', record),
      },
    };
    this.#hub = new EventHub({
      clock: this.#clock,
      emitter: this,
      identifier: () => this.#config.identifier,
      emit: (event) => this.#emit(event),
      log: (level, message) => this.#log(level, message),
    });
    // TICK timers run only while someone subscribes to a TICK type.
    this._watchSubscriptions(() => this.#hub.refresh());
  }

  #resolve(config: SupervisorConfig | ResolvedConfig): ResolvedConfig {
    if (isResolved(config)) return config;
    return resolveConfig(config, {
      ...(this.#options.env ? { env: this.#options.env } : {}),
      ...(this.#options.hostNodeName ? { hostNodeName: this.#options.hostNodeName } : {}),
    });
  }

  /** The configuration in force (the last one given to the constructor or reloadConfig). */
  get config(): ResolvedConfig {
    return this.#config;
  }

  /** The active groups, in the order they were added. */
  get groups(): readonly ProgramGroup[] {
    return [...this.#groups.values()];
  }

  /** Every process of every active group. */
  get processes(): readonly Process[] {
    return this.groups.flatMap((g) => g.processes);
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  /**
   * Adds every group (PROCESS_GROUP_ADDED each), emits SUPERVISOR_STATE_CHANGE_RUNNING, then starts the
   * autostart processes in priority order. Resolves once their starts are under way; it does not wait for
   * RUNNING (see {@link Supervisor.waitForReady}).
   */
  async start(): Promise<void> {
    if (this.#phase !== 'new') {
      if (this.#phase === 'running') return;
      throw new ShutdownStateError();
    }
    this.#phase = 'running';
    await this.#knowUsers(this.#config);
    if (this.#phase !== 'running') return;
    for (const g of this.#config.groups) this.#addGroup(g);
    this.#emit(new SupervisorStateChangeEvent('RUNNING'));
    this.#hub.start();
    await this.#autostart(this.#sortedGroups().flatMap((g) => g.processes));
  }

  /**
   * Stops everything as supervisord's shutdown does: SUPERVISOR_STATE_CHANGE_STOPPING, then one group at a
   * time from the highest priority number down, waiting for each; then descendants left behind get SIGTERM,
   * then SIGKILL after the longest stopwaitsecs (docs/orphans.md). Resolves when every child and descendant
   * is gone and every log is closed; every pending wait has then rejected with SHUTDOWN_STATE. Calling it
   * again returns the same promise.
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#runShutdown();
    return this.#shutdown;
  }

  async #runShutdown(): Promise<void> {
    const gone = () => new ShutdownStateError();
    if (this.#phase === 'new') {
      this.#phase = 'stopped';
      this.#waiters.close(gone);
      return;
    }
    this.#phase = 'stopping';
    this.#gate.clear();
    this.#pacer.clear();
    this.#emit(new SupervisorStateChangeEvent('STOPPING'));
    await stopGroupsInOrder(this.#sortedGroups());
    // Descendants that outlived their parent (they left its process group, or it was stopped without
    // stopasgroup) are ours too: SIGTERM, then SIGKILL after the longest stopwaitsecs (docs/orphans.md).
    await this.#containment?.close(Math.max(0, ...this.processes.map((p) => p.config.stopwaitsecs)) * 1000);
    await Promise.all(this.processes.map((p) => p._dispose(this.#config.nocleanup, gone)));
    this.#hub.stop();
    this.#phase = 'stopped';
    this.#waiters.close(gone);
  }

  /** `await using sup = new Supervisor(...)` shuts it down at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  // ---- state and info ---------------------------------------------------------------------------------

  /** supervisord's `getState`: `{ statecode, statename }`. */
  async getState(): Promise<{ statecode: number; statename: SupervisorStateName }> {
    const statename: SupervisorStateName =
      this.#phase === 'new' || this.#phase === 'running' ? 'RUNNING' : 'SHUTDOWN';
    return { statecode: SupervisorStates[statename], statename };
  }

  /** supervisord's `getIdentification`: the `identifier` option. */
  async getIdentification(): Promise<string> {
    this.#checkRunning();
    return this.#config.identifier;
  }

  /** supervisord's `getPID`: the pid of the supervising (host) process. */
  async getPID(): Promise<number> {
    this.#checkRunning();
    return process.pid;
  }

  /** supervisord's `getProcessInfo`. BAD_NAME for an unknown name or a group (`g:*`). */
  async getProcessInfo(name: string): Promise<ProcessInfo> {
    return this._process(name).info();
  }

  /** supervisord's `getAllProcessInfo`: every process, by group name then process name. */
  async getAllProcessInfo(): Promise<ProcessInfo[]> {
    this.#checkRunning();
    return this.processes.map((p) => p.info()).sort((a, b) => cmp(a.group, b.group) || cmp(a.name, b.name));
  }

  /** supervisord's `getAllConfigInfo`: every configured process, in use or not, sorted by name. */
  async getAllConfigInfo(): Promise<ConfigInfo[]> {
    this.#checkRunning();
    const out: ConfigInfo[] = [];
    for (const g of this.#config.groups) {
      for (const p of g.processes) out.push(configInfo(g, p, this.#groups.has(g.name), this.#users.resolve));
    }
    // Python's sort is stable, keyed on the name only.
    return out.sort((a, b) => cmp(String(a.name), String(b.name)));
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
    this.#checkRunning();
    const { group, process } = lookup(this.#groups, name);
    if (!process) return group.start(wait);
    return process.start({ wait, ...options });
  }

  /** supervisord's `startProcessGroup`: starts every process not already running, by process priority. */
  async startProcessGroup(name: string, wait = true): Promise<ProcessResult[]> {
    this.#checkRunning();
    return lookupGroup(this.#groups, name).start(wait);
  }

  /** supervisord's `startAllProcesses`: groups by priority, then processes by priority. */
  async startAllProcesses(wait = true): Promise<ProcessResult[]> {
    this.#checkRunning();
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
    this.#checkRunning();
    const { group, process } = lookup(this.#groups, name);
    if (!process) return group.stop(wait);
    return process._beginStop({ wait, ...options });
  }

  /** supervisord's `stopProcessGroup`: stops every running process, by ascending process priority. */
  async stopProcessGroup(name: string, wait = true): Promise<ProcessResult[]> {
    this.#checkRunning();
    return lookupGroup(this.#groups, name).stop(wait);
  }

  /**
   * supervisord's `stopAllProcesses`: every running process, in **ascending** priority order, all at
   * once (only {@link Supervisor.shutdown} stops by descending priority, group by group).
   */
  async stopAllProcesses(wait = true): Promise<ProcessResult[]> {
    this.#checkRunning();
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
    this.#checkRunning();
    const { group, process } = lookup(this.#groups, name);
    if (!process) return group.signal(signal);
    await process.signal(signal);
    return true;
  }

  /** supervisord's `signalProcessGroup`: every signallable process of the group. */
  async signalProcessGroup(name: string, signal: string | number): Promise<ProcessResult[]> {
    this.#checkRunning();
    return lookupGroup(this.#groups, name).signal(signal);
  }

  /** supervisord's `signalAllProcesses`. */
  async signalAllProcesses(signal: string | number): Promise<ProcessResult[]> {
    const results: ProcessResult[] = [];
    for (const g of this.#sortedGroups()) results.push(...(await g.signal(signal)));
    // supervisord checks the state only after sending the signals.
    this.#checkRunning();
    return results;
  }

  /** supervisord's `sendProcessStdin`: writes to a running child's stdin. */
  async sendProcessStdin(name: string, chars: string | Uint8Array): Promise<true> {
    this.#checkRunning();
    if (typeof chars !== 'string' && !(chars instanceof Uint8Array)) {
      throw new SupervisorError('INCORRECT_PARAMETERS', `chars must be a string, got ${typeof chars}`);
    }
    lookupProcess(this.#groups, name).sendStdin(chars);
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
    this.#emit(new RemoteCommunicationEvent(type, data));
    return true;
  }

  // ---- configuration --------------------------------------------------------------------------------------

  /**
   * supervisord's `reloadConfig`: validates the new configuration and makes it the one in force, without
   * touching running groups. Returns `[added, changed, removed]` group names.
   * @throws ConfigError if the new configuration is invalid (nothing changes then).
   */
  async reloadConfig(newConfig: SupervisorConfig | ResolvedConfig): Promise<[string[], string[], string[]]> {
    this.#checkRunning();
    const next = this.#resolve(newConfig);
    const users = this.#users.directory ? newUsers() : this.#users;
    await this.#knowUsers(next, users);
    this.#checkRunning();
    this.#config = next;
    this.#users = users;
    return diffGroups(new Map([...this.#groups].map(([n, g]) => [n, g.config])), next.groups);
  }

  /** supervisord's `addProcessGroup`: activates a group of the configuration in force, then autostarts it. */
  async addProcessGroup(name: string): Promise<true> {
    this.#checkRunning();
    const config = this.#config.groups.find((g) => g.name === name);
    if (!config) throw new BadNameError(name);
    if (this.#groups.has(name)) throw new SupervisorError('ALREADY_ADDED', name);
    await this.#autostart(this.#addGroup(config).processes);
    return true;
  }

  /**
   * supervisord's `removeProcessGroup`: STILL_RUNNING unless every process is stopped. Everything queued for
   * its processes (a paced restart, a timer) is cancelled, and their pending waits reject with WAIT_FAILED.
   */
  async removeProcessGroup(name: string): Promise<true> {
    this.#checkRunning();
    const group = lookupGroup(this.#groups, name);
    if (group.unstopped().length > 0) throw new ProcessStateError('STILL_RUNNING', name);
    this.#groups.delete(name);
    this.#gate.invalidate(group.processes);
    const removed = (p: Process) => () =>
      new WaitTimeoutError(`${p.namespec} was removed with its group ${name}`);
    await Promise.all(group.processes.map((p) => p._dispose(this.#config.nocleanup, removed(p))));
    this.#hub.removePool(name);
    this.#emit(new ProcessGroupEvent('REMOVED', name));
    group.removeAllListeners();
    for (const p of group.processes) this.#waiters.notify(p);
    return true;
  }

  /**
   * Applies a new configuration as `supervisorctl update` does: reloadConfig, then removed groups are
   * stopped and removed, changed groups stopped, removed and added again (the whole group restarts), and
   * added groups added.
   * @param names - only these groups (default: all).
   */
  async update(
    newConfig: SupervisorConfig | ResolvedConfig,
    names?: readonly string[],
  ): Promise<UpdateResult> {
    const [added, changed, removed] = await this.reloadConfig(newConfig);
    const wanted = (n: string) => !names || names.includes(n);
    const result: UpdateResult = { added: [], changed: [], removed: [], problems: [] };
    const stopAndRemove = async (n: string): Promise<boolean> => {
      const results = await this.stopProcessGroup(n);
      if (results.some((r) => r.status === Faults.FAILED)) {
        result.problems.push(n);
        return false;
      }
      await this.removeProcessGroup(n);
      return true;
    };
    for (const n of removed.filter(wanted)) if (await stopAndRemove(n)) result.removed.push(n);
    for (const n of changed.filter(wanted)) {
      if (!(await stopAndRemove(n))) continue;
      await this.addProcessGroup(n);
      result.changed.push(n);
    }
    for (const n of added.filter(wanted)) {
      await this.addProcessGroup(n);
      result.added.push(n);
    }
    return result;
  }

  // ---- objects and waits --------------------------------------------------------------------------------

  /** The active group with this name, or undefined. */
  getGroup(name: string): ProgramGroup | undefined {
    return this.#groups.get(name);
  }

  /** The process named `group:name` or by a bare name (as supervisord resolves names), or undefined. */
  getProcess(name: string): Process | undefined {
    try {
      return lookup(this.#groups, name).process ?? undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Resolves with the process once its state satisfies `want` (a state, a list, or a predicate), at once if
   * it already does. Rejects with WAIT_FAILED after `timeout` ms or when the process is removed, with
   * SHUTDOWN_STATE at shutdown, or when `signal` aborts. Always removes its listener.
   */
  async waitForState(
    name: string,
    want: ProcessStateName | readonly ProcessStateName[] | ((process: Process) => boolean),
    options: WaitForOptions = {},
  ): Promise<Process> {
    return lookupProcess(this.#groups, name).waitForState(want, options);
  }

  /** Resolves with the first output line of the process (from now on) matching `pattern`. */
  async waitForOutput(
    name: string,
    pattern: RegExp | string,
    options: WaitForOptions & { channel?: 'stdout' | 'stderr' | 'both' } = {},
  ): Promise<string> {
    return lookupProcess(this.#groups, name).waitForOutput(pattern, options);
  }

  /**
   * Resolves once every process has settled: none is STARTING, BACKOFF or STOPPING, and none waits for a
   * dependency that can still be met. Rejects with WAIT_FAILED after `timeout` ms, SHUTDOWN_STATE at shutdown.
   */
  async waitForSettled(options: WaitForOptions = {}): Promise<void> {
    const { check, failure } = settledCheck(this.#scope());
    await this.#waiters.wait({ check, ...options, onTimeout: failure });
  }

  /**
   * Resolves once every autostart process is RUNNING (or, for a one-shot, EXITED with an expected code).
   * Rejects with WAIT_FAILED, carrying the failing process's info and last output lines, as soon as one fails
   * for good (FATAL, UNKNOWN, an unexpected exit that will not restart, a dependency that cannot be met), or
   * after `timeout` ms; with SHUTDOWN_STATE at shutdown.
   */
  async waitForReady(options: WaitForOptions = {}): Promise<void> {
    const { check, failure } = readyCheck(this.#scope());
    await this.#waiters.wait({ check, ...options, onTimeout: failure });
  }

  /**
   * Creates a supervisor, starts it and waits until every autostart process is ready. If that fails, it shuts
   * down before rejecting, so nothing is left running. Made for tests and scripts:
   * `await using sup = await Supervisor.launch(config)`.
   * @param config - as for the constructor
   * @param options - the constructor's options, plus `timeout` (milliseconds; default: no limit) and `signal`
   *   for the wait until ready
   * @throws WaitTimeoutError when a process fails to become ready (with its info and last output lines)
   */
  static async launch(
    config: SupervisorConfig | ResolvedConfig,
    options: SupervisorOptions & WaitForOptions = {},
  ): Promise<Supervisor> {
    const sup = new Supervisor(config, options);
    try {
      await sup.start();
      await sup.waitForReady({ timeout: options.timeout, signal: options.signal });
      return sup;
    } catch (err) {
      await sup.shutdown();
      throw err;
    }
  }

  // ---- internals --------------------------------------------------------------------------------------

  /** @internal For the log methods: the process `name` names, while running. */
  _process(name: string): Process {
    this.#checkRunning();
    return lookupProcess(this.#groups, name);
  }

  /** @internal Every active process: groups by priority, then processes by priority. */
  _allByPriority(): Process[] {
    this.#checkRunning();
    return this.#sortedGroups().flatMap((g) => g.byPriority());
  }

  #checkRunning(): void {
    if (this.#phase === 'stopping' || this.#phase === 'stopped') throw new ShutdownStateError();
  }

  #scope(): WaitScope {
    return {
      processes: () => this.processes,
      active: (p) => this.#groups.get(p.groupName)?.getProcess(p.name) === p,
      gate: this.#gate,
      running: () => this.#phase === 'running',
    };
  }

  /** Active groups sorted by priority; ties keep the order they were added in. */
  #sortedGroups(): ProgramGroup[] {
    return this.groups.slice().sort((a, b) => a.priority - b.priority);
  }

  #addGroup(config: GroupConfig): ProgramGroup {
    const processes = config.processes.map((pc) => new Process(pc, this.#context));
    // An event listener pool subscribes before its own PROCESS_GROUP_ADDED, as in supervisord.
    const group = config.listener
      ? this.#hub.addPool(config, processes)
      : new ProgramGroup(config, processes);
    for (const p of processes) p._reportListenerErrorsTo(this);
    group._reportListenerErrorsTo(this);
    this.#groups.set(config.name, group);
    this.#gate.invalidate();
    this.#emit(new ProcessGroupEvent('ADDED', config.name));
    return group;
  }

  /** A process's event, after its own listeners: its group's, the supervisor's, the pools; then the waits. */
  #relay(event: SupervisorEvent, groupName: string): void {
    const group = this.#groups.get(groupName);
    group?._emitEvent(event);
    this.#emit(event);
    if (event instanceof ProcessStateEvent) {
      if (this.#phase === 'running') this.#gate.release();
      this.#waiters.notify(group?.getProcess(event.processName));
    }
  }

  #emit(event: SupervisorEvent): void {
    this._emitEvent(event);
    this.#hub.notify(event);
  }

  #log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.emit('log', { level, message, time: this.#clock.wall() });
  }

  /**
   * Autostarts `processes` in order, as supervisord's first loop pass does: every command is resolved first,
   * so that the starts (and their STARTING events) come in priority order, before this resolves.
   */
  #autostart(processes: readonly Process[]): Promise<void> {
    const candidates = processes.filter((p) => p.config.autostart);
    return new Promise((resolve) =>
      prepareAll(candidates, (prepared) => {
        candidates.forEach((p, i) => this.#gate.autostart(p, prepared[i]));
        resolve();
      }),
    );
  }

  /** Looks up every `user=` of `config` once, so spawns find them in the directory's cache. */
  async #knowUsers(config: ResolvedConfig, users = this.#users): Promise<void> {
    const directory = users.directory;
    if (!directory) return;
    const names = new Set(config.groups.flatMap((g) => g.processes.map((p) => p.user)));
    await Promise.all([...names].filter((u) => u !== null).map((u) => directory.lookup(u)));
  }
}

/** A user directory for one configuration: /etc/passwd and /etc/group read once, NSS asked for the rest. */
function newUsers(): { directory: UserDirectory; resolve: UserResolver } {
  const directory = new UserDirectory();
  return { directory, resolve: (user) => directory.lookupCached(user) ?? readUser(user) };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isResolved(config: unknown): config is ResolvedConfig {
  return (
    typeof config === 'object' &&
    config !== null &&
    Array.isArray((config as ResolvedConfig).groups) &&
    Object.isFrozen(config)
  );
}
