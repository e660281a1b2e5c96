/**
 * Supervisor: owns the groups, runs supervisord's ordered start and shutdown, and offers its XML-RPC
 * `supervisor.*` control API as promises (`supervisor/rpcinterface.py`).
 * @module
 */
import { systemClock, type Clock } from '../clock.js';
import type { SupervisorConfig } from '../config/index.js';
import type { GroupConfig, ResolvedConfig } from '../config/types.js';
import { diffGroups } from '../core/reload-diff.js';
import {
  BadNameError,
  ProcessStateError,
  ShutdownStateError,
  SupervisorError,
  WaitTimeoutError,
} from '../errors.js';
import {
  ProcessGroupEvent,
  ProcessStateEvent,
  SupervisorStateChangeEvent,
  type SupervisorEvent,
} from '../events/events.js';
import { ProgramGroup } from '../group/program-group.js';
import { EventHub } from '../listeners/hub.js';
import { Containment } from '../platform/containment.js';
import { resolveCommand, resolveCommandAsync } from '../platform/resolve-command.js';
import { createNodeSpawner, nodeSpawner } from '../platform/spawner.js';
import type { ProcessContext, SupervisorPhase } from '../process/context.js';
import type { WaitForOptions } from '../process/options.js';
import { Process } from '../process/process.js';
import { Waiters } from '../waiter.js';
import { allConfigInfo, type ConfigInfo } from './config-info.js';
import { ConfigUsers } from './config-users.js';
import { DependencyGate } from './dependencies.js';
import { lookupGroup, lookupProcess } from './lookup.js';
import { Pacer } from './pacer.js';
import { stopGroupsInOrder } from './shutdown.js';
import type { WaitScope } from './waits.js';
import { ControlApi } from './control-api.js';
import type { SupervisorOptions, UpdateResult } from './options.js';
import { applyDiff, resolveGiven } from './reconfigure.js';
import { Serial } from './serial.js';

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
export class Supervisor extends ControlApi {
  #config: ResolvedConfig;
  readonly #options: SupervisorOptions;
  readonly #clock: Clock;
  readonly #containment: Containment | null;
  readonly #groups = new Map<string, ProgramGroup>();
  readonly #serial = new Serial();
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
          clock: this.#clock,
        })
      : null;
    this.#users = new ConfigUsers(real);
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
      emit: (event) => this._emit(event),
      log: (level, message) => this.#log(level, message),
    });
    // TICK timers run only while someone subscribes to a TICK type.
    this._watchSubscriptions(() => this.#hub.refresh());
  }

  #resolve(config: SupervisorConfig | ResolvedConfig): ResolvedConfig {
    return resolveGiven(config, this.#options);
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
    for (const g of this.#config.groups) this.#addGroup(g);
    this._emit(new SupervisorStateChangeEvent('RUNNING'));
    this.#hub.start();
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
    this.#hub.stop();
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

  // ---- configuration --------------------------------------------------------------------------------------

  /**
   * supervisord's `reloadConfig`: validates the new configuration and makes it the one in force, without
   * touching running groups. Returns `[added, changed, removed]` group names. Reconfigurations run one at a
   * time, in call order (this, {@link update}, {@link addProcessGroup}, {@link removeProcessGroup}).
   * @throws ConfigError if the new configuration is invalid (nothing changes then).
   */
  reloadConfig(newConfig: SupervisorConfig | ResolvedConfig): Promise<[string[], string[], string[]]> {
    return this.#serial.run(() => this.#reloadConfig(newConfig));
  }

  /** supervisord's `addProcessGroup`: activates a group of the configuration in force, then autostarts it. */
  addProcessGroup(name: string): Promise<true> {
    return this.#serial.run(() => this.#addProcessGroup(name));
  }

  /**
   * supervisord's `removeProcessGroup`: STILL_RUNNING unless every process is stopped. Everything queued for
   * its processes (a paced restart, a timer) is cancelled, and their pending waits reject with WAIT_FAILED.
   */
  removeProcessGroup(name: string): Promise<true> {
    return this.#serial.run(() => this.#removeProcessGroup(name));
  }

  /**
   * Applies a new configuration as `supervisorctl update` does: reloadConfig, then removed groups are
   * stopped and removed, changed groups stopped, removed and added again (the whole group restarts), and
   * added groups added. No other reconfiguration runs during it.
   * @param names - only these groups (default: all).
   */
  update(newConfig: SupervisorConfig | ResolvedConfig, names?: readonly string[]): Promise<UpdateResult> {
    return this.#serial.run(async () =>
      applyDiff(
        {
          stopProcessGroup: (n) => this.stopProcessGroup(n),
          removeProcessGroup: (n) => this.#removeProcessGroup(n),
          addProcessGroup: (n) => this.#addProcessGroup(n),
        },
        await this.#reloadConfig(newConfig),
        names,
      ),
    );
  }

  async #reloadConfig(newConfig: SupervisorConfig | ResolvedConfig): Promise<[string[], string[], string[]]> {
    this._checkRunning();
    const next = this.#resolve(newConfig);
    const users = this.#users.next();
    await users.know(next);
    this._checkRunning();
    this.#config = next;
    this.#users = users;
    return diffGroups(new Map([...this.#groups].map(([n, g]) => [n, g.config])), next.groups);
  }

  async #addProcessGroup(name: string): Promise<true> {
    this._checkRunning();
    const config = this.#config.groups.find((g) => g.name === name);
    if (!config) throw new BadNameError(name);
    if (this.#groups.has(name)) throw new SupervisorError('ALREADY_ADDED', name);
    await this.#gate.autostartAll(this.#addGroup(config).processes);
    return true;
  }

  async #removeProcessGroup(name: string): Promise<true> {
    this._checkRunning();
    const group = lookupGroup(this.#groups, name);
    if (group.unstopped().length > 0) throw new ProcessStateError('STILL_RUNNING', name);
    this.#groups.delete(name);
    this.#gate.invalidate(group.processes);
    const removed = (p: Process) => () =>
      new WaitTimeoutError(`${p.namespec} was removed with its group ${name}`);
    await Promise.all(group.processes.map((p) => p._dispose(this.#config.nocleanup, removed(p))));
    this.#hub.removePool(name);
    this._emit(new ProcessGroupEvent('REMOVED', name));
    group.removeAllListeners();
    for (const p of group.processes) this.#waiters.notify(p);
    return true;
  }

  // ---- waits --------------------------------------------------------------------------------------------

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
    this._emit(new ProcessGroupEvent('ADDED', config.name));
    return group;
  }

  /** A process's event, after its own listeners: its group's, the supervisor's, the pools; then the waits. */
  #relay(event: SupervisorEvent, groupName: string): void {
    const group = this.#groups.get(groupName);
    group?._emitEvent(event);
    this._emit(event);
    if (event instanceof ProcessStateEvent) {
      if (this.#phase === 'running') this.#gate.release();
      this.#waiters.notify(group?.getProcess(event.processName));
    }
  }

  /** @internal */
  _emit(event: SupervisorEvent): void {
    this._emitEvent(event);
    this.#hub.notify(event);
  }

  #log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.emit('log', { level, message, time: this.#clock.wall() });
  }
}
