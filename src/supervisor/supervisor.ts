/**
 * Supervisor: owns the groups, runs supervisord's ordered start and shutdown, and offers its XML-RPC
 * `supervisor.*` control API as promises (`supervisor/rpcinterface.py`).
 * @module
 */
import { systemClock, type Clock } from '../clock.js';
import type { SupervisorConfig } from '../config/index.js';
import type { ResolvedConfig } from '../config/types.js';
import { diffGroups } from '../core/reload-diff.js';
import { BadNameError, ShutdownStateError, SupervisorError } from '../errors.js';
import { ProcessStateEvent, SupervisorStateChangeEvent, type SupervisorEvent } from '../events/events.js';
import type { ActivityLogRecord } from '../events/emitter.js';
import type { ProgramGroup } from '../group/program-group.js';
import { EventHub } from '../listeners/hub.js';
import type { Containment } from '../platform/containment.js';
import type { ProcessContext, SupervisorPhase } from '../process/context.js';
import type { WaitForOptions } from '../process/options.js';
import type { Process } from '../process/process.js';
import { Waiters } from '../waiter.js';
import { allConfigInfo, type ConfigInfo } from './config-info.js';
import { ConfigUsers } from './config-users.js';
import { DependencyGate } from './dependencies.js';
import { lookupProcess } from './lookup.js';
import { FaultWarnings } from './fault-warnings.js';
import { Pacer } from './pacer.js';
import { stopGroupsInOrder } from './shutdown.js';
import type { WaitScope } from './waits.js';
import { ConfigApi } from './config-api.js';
import type { SupervisorOptions } from './options.js';
import { resolveGiven } from './reconfigure.js';
import { GroupRegistry } from './group-registry.js';
import { usesRealSpawner, wire } from './wiring.js';
import { MainLog } from './main-log.js';

export type { ProcessResult } from '../group/results.js';
export type { ConfigInfo } from './config-info.js';
export type { SupervisorOptions, UpdateResult } from './options.js';

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
export class Supervisor extends ConfigApi {
  #config: ResolvedConfig;
  readonly #options: SupervisorOptions;
  readonly #clock: Clock;
  readonly #containment: Containment | null;
  readonly #registry: GroupRegistry;
  /** The active groups, by name. */
  readonly #groups: Map<string, ProgramGroup>;
  readonly #faultWarnings: FaultWarnings;
  readonly #mainLog = new MainLog({
    fault: (message, err) => {
      this.#log('error', `${message}: ${(err as Error).message}`);
      this.#faultWarnings.mainLogError(message, err);
    },
  });
  #phase: SupervisorPhase = 'new';
  readonly #gate = new DependencyGate(() => this.processes);
  readonly #pacer: Pacer;
  readonly #waiters: Waiters<Process>;
  #users: ConfigUsers;
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
    this.#faultWarnings = new FaultWarnings(options.warnings ?? true);
    this.#config = resolveGiven(config, options);
    this.#clock = options.clock ?? systemClock;
    this.#pacer = new Pacer(this.#clock);
    this.#waiters = new Waiters(this.#clock);
    const wired = wire({
      options,
      clock: this.#clock,
      pacer: this.#pacer,
      phase: () => this.#phase,
      config: () => this.#config,
      users: () => this.#users.resolve,
      shutdown: () => this.shutdown(),
      stopwaitsecs: () => this.groups.map((g) => g.processes.map((p) => p.config.stopwaitsecs)),
      event: (event, groupName) => this.#relay(event, groupName),
      log: (record) => this.#record(record),
      logError: (record) => {
        this.emit('logError', record);
        this.#faultWarnings.logError(record);
      },
    });
    this.#containment = wired.containment;
    this.#context = wired.context;
    this.#users = new ConfigUsers(usesRealSpawner(options));
    this.#hub = new EventHub({
      clock: this.#clock,
      emitter: this,
      identifier: () => this.#config.identifier,
      emit: (event) => this._emit(event),
      log: (level, message) => this.#log(level, message),
    });
    this.#registry = new GroupRegistry({
      context: this.#context,
      hub: this.#hub,
      gate: this.#gate,
      waiters: this.#waiters,
      listenerErrors: this,
      emit: (event) => this._emit(event),
      info: (message) => this.#log('info', message),
    });
    this.#groups = this.#registry.map;
    // TICK timers run only while someone subscribes to a TICK type.
    this._watchSubscriptions(() => this.#hub.refresh());
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
    await this.#users.know(this.#config);
    if (this.#phase !== 'running') return;
    this.#hub.start();
    await this.#bringUp();
  }

  /** Opens the main log, adds every group, SUPERVISOR_STATE_CHANGE_RUNNING, autostarts (start, restart). */
  async #bringUp(): Promise<void> {
    await this.#mainLog.open(this.#config);
    this.#log('info', `procvisor started with pid ${process.pid}`);
    await this.#registry.openSockets(this.#config.groups);
    for (const g of this.#config.groups) this.#registry.add(g);
    this._emit(new SupervisorStateChangeEvent('RUNNING'));
    await this.#gate.autostartAll(this._sortedGroups().flatMap((g) => g.processes));
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
    this._emit(new SupervisorStateChangeEvent('STOPPING'));
    await stopGroupsInOrder(this._sortedGroups());
    // Descendants that outlived their parent (they left its process group, or it was stopped without
    // stopasgroup) are ours too: SIGTERM, then SIGKILL after the longest stopwaitsecs (docs/orphans.md).
    await this.#containment?.close(Math.max(0, ...this.processes.map((p) => p.config.stopwaitsecs)) * 1000);
    await Promise.all(this.processes.map((p) => p._dispose(this.#config.nocleanup, gone)));
    await this.#registry.closeSockets();
    this.#hub.stop();
    await this.#mainLog.close();
    this.#phase = 'stopped';
    this.#waiters.close(gone);
  }

  /** `await using sup = new Supervisor(...)` shuts it down at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  // ---- state and info ---------------------------------------------------------------------------------

  /** supervisord's `getAllConfigInfo`: every configured process, in use or not, sorted by name. */
  async getAllConfigInfo(): Promise<ConfigInfo[]> {
    this._checkRunning();
    return allConfigInfo(this.#config, (name) => this.#groups.has(name), this.#users.resolve);
  }

  // ---- configuration (the public methods are ConfigApi's) ------------------------------------------------

  /** @internal The configuration from `configSource`; CANT_REREAD without one. */
  async _reread(): Promise<SupervisorConfig | ResolvedConfig> {
    const source = this.#options.configSource;
    if (!source) throw new SupervisorError('CANT_REREAD', 'no configSource to read the configuration from');
    return source();
  }

  /** @internal Makes `newConfig` the configuration in force; the diff to the active groups. */
  async _install(newConfig: SupervisorConfig | ResolvedConfig): Promise<[string[], string[], string[]]> {
    this._checkRunning();
    const next = resolveGiven(newConfig, this.#options);
    const users = this.#users.next();
    await users.know(next);
    this._checkRunning();
    this.#config = next;
    this.#users = users;
    return diffGroups(new Map([...this.#groups].map(([n, g]) => [n, g.config])), next.groups);
  }

  /** @internal addProcessGroup, not queued. */
  async _add(name: string): Promise<true> {
    this._checkRunning();
    const config = this.#config.groups.find((g) => g.name === name);
    if (!config) throw new BadNameError(name);
    if (this.#groups.has(name)) throw new SupervisorError('ALREADY_ADDED', name);
    await this.#registry.openSockets([config]);
    await this.#gate.autostartAll(this.#registry.add(config).processes);
    return true;
  }

  /** @internal removeProcessGroup, not queued. */
  async _remove(name: string): Promise<true> {
    this._checkRunning();
    return this.#registry.remove(name, this.#config.nocleanup);
  }

  /** @internal restart, not queued. */
  async _restart(): Promise<void> {
    this._checkRunning();
    const next = this.#options.configSource
      ? resolveGiven(await this._reread(), this.#options)
      : this.#config;
    const users = this.#users.next();
    await users.know(next);
    this._checkRunning();
    this.#phase = 'restarting';
    try {
      this.#pacer.clear();
      this._emit(new SupervisorStateChangeEvent('STOPPING'));
      await stopGroupsInOrder(this._sortedGroups());
      for (const name of [...this.#groups.keys()]) await this._remove(name);
      [this.#config, this.#users] = [next, users];
    } finally {
      if (this.#phase === 'restarting') this.#phase = 'running';
    }
    this._checkRunning();
    await this.#bringUp();
  }

  /** @internal */
  async _reopenLogs(): Promise<void> {
    this._checkRunning();
    // supervisord's SIGUSR2: `reopenlogs` of its own log (the line first), then every process's child logs.
    this.#log('info', 'supervisord logreopen');
    await this.#mainLog.reopen(this.#config);
    await Promise.all(this.processes.map((p) => p._output.reopen()));
  }

  // ---- waits --------------------------------------------------------------------------------------------

  /**
   * Creates a supervisor, starts it and waits until every autostart process is ready. If that fails, it shuts
   * down before rejecting, so nothing is left running. Made for tests and scripts:
   * `await using sup = await Supervisor.launch(config)`.
   * @param config - as for the constructor
   * @param options - the constructor's options, plus `timeout` (a Duration: milliseconds, or text with a unit
   *   such as `'30s'`; default: no limit) and `signal` for the wait until ready
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

  /** @internal */
  _mainLog(): MainLog {
    this._checkRunning();
    return this.#mainLog;
  }

  /** @internal */
  _phase(): SupervisorPhase {
    return this.#phase;
  }

  /** @internal */
  _groups(): ReadonlyMap<string, ProgramGroup> {
    return this.#groups;
  }

  /** @internal For the log methods: the process `name` names, while running. */
  _process(name: string): Process {
    this._checkRunning();
    return lookupProcess(this.#groups, name);
  }

  /** @internal */
  _checkRunning(): void {
    if (this.#phase === 'stopping' || this.#phase === 'stopped') throw new ShutdownStateError();
  }

  /** @internal */
  _waits(): { waiters: Waiters<Process>; scope: WaitScope } {
    const scope: WaitScope = {
      processes: () => this.processes,
      active: (p) => this.#groups.get(p.groupName)?.getProcess(p.name) === p,
      gate: this.#gate,
      running: () => this.#phase === 'running',
    };
    return { waiters: this.#waiters, scope };
  }

  /** A process's event, after its own listeners: its group's, the supervisor's, the pools; then the waits. */
  #relay(event: SupervisorEvent, groupName: string): void {
    const group = this.#groups.get(groupName);
    group?._emitEvent(event);
    this._emit(event);
    if (event instanceof ProcessStateEvent) {
      if (this.#phase === 'running') {
        const p = group?.getProcess(event.processName);
        if (p) this.#gate.propagate(p, event, (message) => this.#log('info', message));
        this.#gate.release();
      }
      this.#waiters.notify(group?.getProcess(event.processName));
    }
  }

  /** @internal */
  _emit(event: SupervisorEvent): void {
    this._emitEvent(event);
    this.#hub.notify(event);
  }

  #log(level: ActivityLogRecord['level'], message: string): void {
    this.#record({ level, message, time: this.#clock.wall() });
  }

  /**
   * Writes a line of the host's own to the activity log: the main log file (at or above `loglevel`) and
   * `log` listeners, beside supervisord's lines (a command's `received SIGHUP`, a server's warnings).
   */
  log(level: ActivityLogRecord['level'], message: string): void {
    this.#log(level, message);
  }

  /** An activity record: to the main log file, then to `log` listeners. */
  #record(record: ActivityLogRecord): void {
    this.#mainLog.write(record);
    this.emit('log', record);
  }
}
