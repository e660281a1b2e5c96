/**
 * Supervisor: owns the groups, runs supervisord's ordered start and shutdown, and offers its XML-RPC
 * `supervisor.*` control API as promises (`supervisor/rpcinterface.py`).
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import { systemClock, type Clock } from './clock.js';
import { resolveConfig } from './config/index.js';
import { signalNumber } from './config/datatypes.js';
import type { SupervisorConfig } from './config/schema.js';
import type { GroupConfig, ProcessConfig, ResolvedConfig } from './config/types.js';
import {
  ProcessGroupEvent,
  SupervisorStateChangeEvent,
  type ProcessStateEvent,
  type SupervisorEvent,
} from './events/events.js';
import {
  emitSafely,
  reportListenerError,
  type ActivityLogRecord,
  type SupervisorEventMap,
} from './events/emitter.js';
import {
  BadNameError,
  BadSignalError,
  Faults,
  ProcessStateError,
  ShutdownStateError,
  SupervisorError,
} from './errors.js';
import type { ProcessInfo } from './info.js';
import { lookupUser } from './platform/users.js';
import { nodeSpawner, type Spawner } from './platform/spawner.js';
import { Process, type ProcessHost } from './process.js';
import { ProgramGroup } from './program-group.js';
import { diffGroups } from './reload.js';
import { RUNNING_STATES, SIGNALLABLE_STATES, SupervisorStates, type SupervisorStateName } from './states.js';

/** One entry of the results of the group and "all" calls (`rpcinterface.py make_allfunc`). */
export interface ProcessResult {
  readonly name: string;
  readonly group: string;
  /** 80 (SUCCESS) or a fault code. */
  readonly status: number;
  /** `'OK'` or the fault text. */
  readonly description: string;
}

/** getAllConfigInfo's per-process struct, with supervisord's keys. */
export type ConfigInfo = Readonly<
  Record<string, string | number | boolean | readonly number[] | readonly string[]>
>;

/** Seams and host facts; all optional. */
export interface SupervisorOptions {
  /** Where time comes from (tests pass a ManualClock). */
  readonly clock?: Clock;
  /** How children are created (tests pass a fake). */
  readonly spawner?: Spawner;
  /** The environment `%(ENV_X)s` expands from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `%(host_node_name)s`. Default `os.hostname()`. */
  readonly hostNodeName?: string;
}

/** The result of {@link Supervisor.update}: what happened to each group, as `supervisorctl update` prints. */
export interface UpdateResult {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
  /** Removed or changed groups left in place because a process would not stop. */
  readonly problems: string[];
}

type Phase = 'new' | 'running' | 'stopping' | 'stopped';

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
export class Supervisor extends EventEmitter<SupervisorEventMap> {
  #config: ResolvedConfig;
  readonly #options: SupervisorOptions;
  readonly #clock: Clock;
  readonly #spawner: Spawner;
  readonly #groups = new Map<string, ProgramGroup>();
  #phase: Phase = 'new';
  #shutdown: Promise<void> | undefined;
  readonly #host: ProcessHost;

  /**
   * Validates the configuration; nothing starts until {@link Supervisor.start}.
   * @throws ConfigError listing every problem with the config.
   */
  constructor(config: SupervisorConfig | ResolvedConfig, options: SupervisorOptions = {}) {
    super();
    this.#options = options;
    this.#config = this.#resolve(config);
    this.#clock = options.clock ?? systemClock;
    this.#spawner = options.spawner ?? nodeSpawner;
    const config_ = () => this.#config;
    this.#host = {
      clock: this.#clock,
      spawner: this.#spawner,
      get childlogdir() {
        return config_().childlogdir;
      },
      get identifier() {
        return config_().identifier;
      },
      get serverurl() {
        return config_().serverurl;
      },
      supervisorRunning: () => this.#phase === 'running',
      checkRunning: () => this.#checkRunning(),
      deliver: (event, from) => this.#deliver(event, from),
      log: (record) => this.#log(record),
    };
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
   * autostart processes in priority order. Resolves once they are spawned; it does not wait for RUNNING.
   */
  async start(): Promise<void> {
    if (this.#phase !== 'new') {
      if (this.#phase === 'running') return;
      throw new ShutdownStateError();
    }
    this.#phase = 'running';
    for (const g of this.#config.groups) this.#addGroup(g);
    this.#emit(new SupervisorStateChangeEvent('RUNNING'));
    for (const g of this.#sortedGroups()) for (const p of g.processes) p._autostart();
  }

  /**
   * Stops everything as supervisord's shutdown does: SUPERVISOR_STATE_CHANGE_STOPPING, then one group at a
   * time from the highest priority number down, waiting for each. Resolves when every child is gone and
   * every log is closed. Calling it again returns the same promise.
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#runShutdown();
    return this.#shutdown;
  }

  async #runShutdown(): Promise<void> {
    if (this.#phase === 'new') {
      this.#phase = 'stopped';
      return;
    }
    this.#phase = 'stopping';
    this.#emit(new SupervisorStateChangeEvent('STOPPING'));
    const groups = this.#sortedGroups();
    for (let g = groups.pop(); g; g = groups.pop()) {
      for (const p of g.byPriority().reverse()) p._stopForShutdown();
      await Promise.all(g.processes.map((p) => p._settled()));
    }
    await Promise.all(this.processes.map((p) => p._dispose(this.#config.nocleanup)));
    this.#phase = 'stopped';
  }

  /** `await using sup = new Supervisor(...)` shuts it down at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  // ---- state ------------------------------------------------------------------------------------------

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

  // ---- info -------------------------------------------------------------------------------------------

  /** supervisord's `getProcessInfo`. BAD_NAME for an unknown name or a group (`g:*`). */
  async getProcessInfo(name: string): Promise<ProcessInfo> {
    this.#checkRunning();
    const { process } = this.#lookup(name);
    if (!process) throw new BadNameError(name);
    return process.info();
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
      for (const p of g.processes) out.push(configInfo(g, p, this.#groups.has(g.name)));
    }
    // Python's sort is stable, keyed on the name only.
    return out.sort((a, b) => cmp(String(a.name), String(b.name)));
  }

  // ---- start and stop -----------------------------------------------------------------------------------

  /**
   * supervisord's `startProcess`. `group:*` (or `group:`) starts the group and resolves with its results.
   * @param wait - resolve only when RUNNING (default true).
   */
  startProcess(name: `${string}:*`, wait?: boolean): Promise<ProcessResult[]>;
  startProcess(name: string, wait?: boolean): Promise<true>;
  async startProcess(name: string, wait = true): Promise<true | ProcessResult[]> {
    this.#checkRunning();
    const { group, process } = this.#lookup(name);
    if (!process) return this.startProcessGroup(group.name, wait);
    return process._beginStart({ wait });
  }

  /** supervisord's `startProcessGroup`: starts every process not already running, by process priority. */
  async startProcessGroup(name: string, wait = true): Promise<ProcessResult[]> {
    this.#checkRunning();
    const group = this.#group(name);
    return allResults(
      group.byPriority().filter((p) => !RUNNING_STATES.has(p.state)),
      (p) => p._beginStart({ wait }),
    );
  }

  /** supervisord's `startAllProcesses`: groups by priority, then processes by priority. */
  async startAllProcesses(wait = true): Promise<ProcessResult[]> {
    this.#checkRunning();
    return allResults(
      this.#allByPriority().filter((p) => !RUNNING_STATES.has(p.state)),
      (p) => p._beginStart({ wait }),
    );
  }

  /**
   * supervisord's `stopProcess`. `group:*` stops the group and resolves with its results.
   * @param wait - resolve only when stopped (default true).
   */
  stopProcess(name: `${string}:*`, wait?: boolean): Promise<ProcessResult[]>;
  stopProcess(name: string, wait?: boolean): Promise<true>;
  async stopProcess(name: string, wait = true): Promise<true | ProcessResult[]> {
    this.#checkRunning();
    const { group, process } = this.#lookup(name);
    if (!process) return this.stopProcessGroup(group.name, wait);
    return process._beginStop({ wait });
  }

  /** supervisord's `stopProcessGroup`: stops every running process, by ascending process priority. */
  async stopProcessGroup(name: string, wait = true): Promise<ProcessResult[]> {
    this.#checkRunning();
    const group = this.#group(name);
    return allResults(
      group.byPriority().filter((p) => RUNNING_STATES.has(p.state)),
      (p) => p._beginStop({ wait }),
    );
  }

  /**
   * supervisord's `stopAllProcesses`: every running process, in **ascending** priority order, all at
   * once (only {@link Supervisor.shutdown} stops by descending priority, group by group).
   */
  async stopAllProcesses(wait = true): Promise<ProcessResult[]> {
    this.#checkRunning();
    return allResults(
      this.#allByPriority().filter((p) => RUNNING_STATES.has(p.state)),
      (p) => p._beginStop({ wait }),
    );
  }

  // ---- signals and input ----------------------------------------------------------------------------------

  /** supervisord's `signalProcess`: by name (`'HUP'`, `'SIGHUP'`) or number. `group:*` signals the group. */
  signalProcess(name: `${string}:*`, signal: string | number): Promise<ProcessResult[]>;
  signalProcess(name: string, signal: string | number): Promise<true>;
  async signalProcess(name: string, signal: string | number): Promise<true | ProcessResult[]> {
    this.#checkRunning();
    const { group, process } = this.#lookup(name);
    if (!process) return this.signalProcessGroup(group.name, signal);
    process.signal(parseSignal(signal));
    return true;
  }

  /** supervisord's `signalProcessGroup`: every signallable process of the group. */
  async signalProcessGroup(name: string, signal: string | number): Promise<ProcessResult[]> {
    const group = this.#group(name);
    this.#checkRunning();
    return allResults(
      group.byPriority().filter((p) => SIGNALLABLE_STATES.has(p.state)),
      (p) => (p.signal(parseSignal(signal)), true),
    );
  }

  /** supervisord's `signalAllProcesses`. */
  async signalAllProcesses(signal: string | number): Promise<ProcessResult[]> {
    const results = await allResults(
      this.#allByPriority().filter((p) => SIGNALLABLE_STATES.has(p.state)),
      (p) => (p.signal(parseSignal(signal)), true),
    );
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
    const { process } = this.#lookup(name);
    if (!process) throw new BadNameError(name);
    process.sendStdin(chars);
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
    this.#config = next;
    return diffGroups(new Map([...this.#groups].map(([n, g]) => [n, g.config])), next.groups);
  }

  /** supervisord's `addProcessGroup`: activates a group of the configuration in force, then autostarts it. */
  async addProcessGroup(name: string): Promise<true> {
    this.#checkRunning();
    const config = this.#config.groups.find((g) => g.name === name);
    if (!config) throw new BadNameError(name);
    if (this.#groups.has(name)) throw new SupervisorError('ALREADY_ADDED', name);
    const group = this.#addGroup(config);
    for (const p of group.processes) p._autostart();
    return true;
  }

  /** supervisord's `removeProcessGroup`: STILL_RUNNING unless every process is stopped. */
  async removeProcessGroup(name: string): Promise<true> {
    this.#checkRunning();
    const group = this.#groups.get(name);
    if (!group) throw new BadNameError(name);
    if (group.unstopped().length > 0) throw new ProcessStateError('STILL_RUNNING', name);
    this.#groups.delete(name);
    await Promise.all(group.processes.map((p) => p._dispose(this.#config.nocleanup)));
    this.#emit(new ProcessGroupEvent('REMOVED', name));
    group.removeAllListeners();
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

  // ---- objects ----------------------------------------------------------------------------------------

  /** The active group with this name, or undefined. */
  getGroup(name: string): ProgramGroup | undefined {
    return this.#groups.get(name);
  }

  /** The process named `group:name` or by a bare name (as supervisord resolves names), or undefined. */
  getProcess(name: string): Process | undefined {
    try {
      return this.#lookup(name).process ?? undefined;
    } catch {
      return undefined;
    }
  }

  // ---- internals --------------------------------------------------------------------------------------

  #checkRunning(): void {
    if (this.#phase === 'stopping' || this.#phase === 'stopped') throw new ShutdownStateError();
  }

  /** supervisord's `_getGroupAndProcess` with `split_namespec`. */
  #lookup(name: string): { group: ProgramGroup; process: Process | null } {
    if (typeof name !== 'string') throw new TypeError(`name must be a string, got ${JSON.stringify(name)}`);
    let groupName = name;
    let processName: string | null = name;
    const colon = name.indexOf(':');
    if (colon >= 0) {
      groupName = name.slice(0, colon);
      processName = name.slice(colon + 1);
      if (processName === '' || processName === '*') processName = null;
    }
    const group = this.#groups.get(groupName);
    if (!group) throw new BadNameError(name);
    if (processName === null) return { group, process: null };
    const process = group.getProcess(processName);
    if (!process) throw new BadNameError(name);
    return { group, process };
  }

  #group(name: string): ProgramGroup {
    const group = this.#groups.get(name);
    if (!group) throw new BadNameError(name);
    return group;
  }

  /** Active groups sorted by priority; ties keep the order they were added in. */
  #sortedGroups(): ProgramGroup[] {
    return this.groups.slice().sort((a, b) => a.priority - b.priority);
  }

  #allByPriority(): Process[] {
    return this.#sortedGroups().flatMap((g) => g.byPriority());
  }

  #addGroup(config: GroupConfig): ProgramGroup {
    const processes = config.processes.map((pc) => new Process(pc, this.#host));
    const group = new ProgramGroup(config, processes, this);
    this.#groups.set(config.name, group);
    this.#emit(new ProcessGroupEvent('ADDED', config.name));
    return group;
  }

  #deliver(event: SupervisorEvent, from: Process): void {
    emitSafely(from, event, (err, e) => reportListenerError(this, err, e));
    const group = this.#groups.get(from.groupName);
    if (group) emitSafely(group, event, (err, e) => reportListenerError(this, err, e));
    this.#emit(event);
  }

  #emit(event: SupervisorEvent): void {
    emitSafely(this, event, (err, e) => reportListenerError(this, err, e));
  }

  #log(record: ActivityLogRecord): void {
    if (this.listenerCount('log') === 0) return;
    try {
      this.emit('log', record);
    } catch (error) {
      process.emitWarning(`procvisor: a 'log' listener threw: ${String(error)}`, 'ProcvisorListenerWarning');
    }
  }
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

function parseSignal(signal: string | number): number {
  try {
    return signalNumber(signal);
  } catch {
    throw new BadSignalError(signal);
  }
}

/**
 * supervisord's `make_allfunc`: applies `action` to every process at once; faults raised at once are
 * listed first, then the deferred results in the order they complete.
 */
async function allResults(
  processes: readonly Process[],
  action: (p: Process) => true | Promise<true>,
): Promise<ProcessResult[]> {
  const results: ProcessResult[] = [];
  const entry = (p: Process, err?: unknown): ProcessResult => {
    if (err === undefined)
      return { name: p.name, group: p.groupName, status: Faults.SUCCESS, description: 'OK' };
    if (err instanceof SupervisorError) {
      return { name: p.name, group: p.groupName, status: err.faultCode, description: err.message };
    }
    throw err;
  };
  const deferred: Promise<void>[] = [];
  for (const p of processes) {
    let outcome: true | Promise<true>;
    try {
      outcome = action(p);
    } catch (err) {
      results.push(entry(p, err));
      continue;
    }
    if (outcome === true) results.push(entry(p));
    else
      deferred.push(
        outcome.then(
          () => void results.push(entry(p)),
          (err: unknown) => void results.push(entry(p, err)),
        ),
      );
  }
  await Promise.all(deferred);
  return results;
}

function configInfo(g: GroupConfig, p: ProcessConfig, inuse: boolean): ConfigInfo {
  const opt = <T>(v: T | null): T | 'none' => (v === null ? 'none' : v);
  const logfile = (v: string | null) => (v === 'AUTO' ? 'auto' : opt(v));
  const uid = p.user === null ? 'none' : (lookupUser(p.user)?.uid ?? p.user);
  return {
    autostart: p.autostart,
    directory: opt(p.directory),
    uid,
    command: p.command,
    exitcodes: p.exitcodes,
    group: g.name,
    group_prio: g.priority,
    inuse,
    killasgroup: p.killasgroup,
    name: p.name,
    process_prio: p.priority,
    redirect_stderr: p.redirectStderr,
    startretries: p.startretries,
    startsecs: p.startsecs,
    stdout_capture_maxbytes: p.stdout.captureMaxbytes,
    stdout_events_enabled: p.stdout.eventsEnabled,
    stdout_logfile: logfile(p.stdout.logfile),
    stdout_logfile_backups: p.stdout.logfileBackups,
    stdout_logfile_maxbytes: p.stdout.logfileMaxbytes,
    stdout_syslog: p.stdout.syslog,
    stopsignal: p.stopsignal,
    stopwaitsecs: p.stopwaitsecs,
    stderr_capture_maxbytes: p.stderr.captureMaxbytes,
    stderr_events_enabled: p.stderr.eventsEnabled,
    stderr_logfile: logfile(p.stderr.logfile),
    stderr_logfile_backups: p.stderr.logfileBackups,
    stderr_logfile_maxbytes: p.stderr.logfileMaxbytes,
    stderr_syslog: p.stderr.syslog,
    serverurl: opt(p.serverurl),
  };
}

export type { ProcessStateEvent };
