/**
 * Supervisor: owns the groups, runs supervisord's ordered start and shutdown, and offers its XML-RPC
 * `supervisor.*` control API as promises (`supervisor/rpcinterface.py`).
 * @module
 */
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { resolveConfig } from './config/index.js';
import { signalNumber } from './config/datatypes.js';
import type { SupervisorConfig } from './config/schema.js';
import type { GroupConfig, ResolvedConfig } from './config/types.js';
import {
  ProcessGroupEvent,
  ProcessStateEvent,
  RemoteCommunicationEvent,
  SupervisorStateChangeEvent,
  type SupervisorEvent,
} from './events/events.js';
import {
  emitSafely,
  reportListenerError,
  SubscriptionTrackingEmitter,
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
  WaitTimeoutError,
} from './errors.js';
import type { ProcessInfo } from './info.js';
import { Containment } from './platform/containment.js';
import { nodeSpawner, type Spawner } from './platform/spawner.js';
import { Process, type ProcessHost } from './process.js';
import type { TailResult } from './logging/read.js';
import type { SyslogOptions } from './logging/syslog.js';
import type { LogErrorRecord } from './logging/types.js';
import { ProgramGroup } from './program-group.js';
import { diffGroups } from './reload.js';
import { Pacer } from './pacer.js';
import {
  TRANSITIONAL,
  conditionMet,
  dependsOnGroup,
  exitedOk,
  hasGivenUp,
  stopInDependencyWaves,
  willRestart,
} from './dependencies.js';
import { allResults, configInfo, type ConfigInfo, type ProcessResult } from './results.js';
import { EventHub } from './listeners/hub.js';
import {
  RUNNING_STATES,
  SIGNALLABLE_STATES,
  SupervisorStates,
  type ProcessStateName,
  type SupervisorStateName,
} from './states.js';

export type { ProcessResult, ConfigInfo } from './results.js';

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
export class Supervisor extends SubscriptionTrackingEmitter<SupervisorEventMap> {
  #config: ResolvedConfig;
  readonly #options: SupervisorOptions;
  readonly #clock: Clock;
  readonly #spawner: Spawner;
  readonly #containment: Containment | null;
  readonly #groups = new Map<string, ProgramGroup>();
  #phase: Phase = 'new';
  /** Autostart processes waiting for their dependencies. */
  readonly #pending = new Set<Process>();
  readonly #pacer: Pacer;
  #byProgram: Map<string, Process[]> | null = null;
  readonly #waiters = new Set<() => void>();
  #shutdown: Promise<void> | undefined;
  readonly #host: ProcessHost;
  /** Event listener pools, event serials and TICK timers (issue 5). */
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
    // Only the real spawner's children are real processes to contain (a fake spawner's pids are not).
    this.#containment =
      options.spawner === undefined || options.spawner === nodeSpawner
        ? new Containment({
            killOnExit: options.killOnExit ?? true,
            handleSignals: options.handleSignals ?? true,
            shutdown: () => this.shutdown(),
            stopwaitsecs: () => this.groups.map((g) => g.processes.map((p) => p.config.stopwaitsecs)),
            log: (level, message) => this.#log({ level, message, time: this.#clock.wall() }),
          })
        : null;
    this.#spawner = this.#containment?.wrap(nodeSpawner) ?? options.spawner ?? nodeSpawner;
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
      defer: (start) => this.#pacer.defer(start),
      // ---- logs (issue 3) ----
      get stripAnsi() {
        return config_().stripAnsi;
      },
      ...(options.syslog ? { syslog: options.syslog } : {}),
      logError: (record) => this.#logError(record),
    };
    this.#hub = new EventHub({
      clock: this.#clock,
      emitter: this,
      identifier: () => this.#config.identifier,
      emit: (event) => this.#emit(event),
      log: (record) => this.#log(record),
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
    this.#hub.start();
    for (const g of this.#sortedGroups()) for (const p of g.processes) this.#autostart(p);
  }

  /**
   * Stops everything as supervisord's shutdown does: SUPERVISOR_STATE_CHANGE_STOPPING, then one group at a
   * time from the highest priority number down, waiting for each; then descendants left behind get SIGTERM,
   * then SIGKILL after the longest stopwaitsecs (docs/orphans.md). Resolves when every child and descendant
   * is gone and every log is closed. Calling it again returns the same promise.
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
    this.#pending.clear();
    this.#pacer.clear();
    this.#emit(new SupervisorStateChangeEvent('STOPPING'));
    const groups = this.#sortedGroups();
    // Without dependsOn this is supervisord's order at once: the dependency scan is quadratic in groups.
    const anyDependencies = this.processes.some((p) => Object.keys(p.config.dependsOn).length > 0);
    while (groups.length > 0) {
      // supervisord stops the highest priority number first; a group that others still depend on waits.
      let i = anyDependencies
        ? groups.findLastIndex((g) => !groups.some((h) => h !== g && dependsOnGroup(h.processes, g)))
        : groups.length - 1;
      if (i < 0) i = groups.length - 1; // groups depending on each other: priority decides
      const [g] = groups.splice(i, 1);
      await stopInDependencyWaves(g!.byPriority().reverse());
    }
    // Descendants that outlived their parent (they left its process group, or it was stopped without
    // stopasgroup) are ours too: SIGTERM, then SIGKILL after the longest stopwaitsecs (docs/orphans.md).
    await this.#containment?.close(Math.max(0, ...this.processes.map((p) => p.config.stopwaitsecs)) * 1000);
    await Promise.all(this.processes.map((p) => p._dispose(this.#config.nocleanup)));
    this.#hub.stop();
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
  startProcess(name: `${string}:`, wait?: boolean): Promise<ProcessResult[]>;
  startProcess(name: string, wait?: boolean, options?: { signal?: AbortSignal }): Promise<true>;
  async startProcess(
    name: string,
    wait = true,
    options: { signal?: AbortSignal } = {},
  ): Promise<true | ProcessResult[]> {
    this.#checkRunning();
    const { group, process } = this.#lookup(name);
    if (!process) return this.startProcessGroup(group.name, wait);
    return process._beginStart({ wait, ...options });
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
  stopProcess(name: `${string}:`, wait?: boolean): Promise<ProcessResult[]>;
  stopProcess(name: string, wait?: boolean, options?: { signal?: AbortSignal }): Promise<true>;
  async stopProcess(
    name: string,
    wait = true,
    options: { signal?: AbortSignal } = {},
  ): Promise<true | ProcessResult[]> {
    this.#checkRunning();
    const { group, process } = this.#lookup(name);
    if (!process) return this.stopProcessGroup(group.name, wait);
    return process._beginStop({ wait, ...options });
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
  signalProcess(name: `${string}:`, signal: string | number): Promise<ProcessResult[]>;
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
    this.#checkRunning();
    const group = this.#group(name);
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
    for (const p of group.processes) this.#autostart(p);
    return true;
  }

  /** supervisord's `removeProcessGroup`: STILL_RUNNING unless every process is stopped. */
  async removeProcessGroup(name: string): Promise<true> {
    this.#checkRunning();
    const group = this.#groups.get(name);
    if (!group) throw new BadNameError(name);
    if (group.unstopped().length > 0) throw new ProcessStateError('STILL_RUNNING', name);
    this.#groups.delete(name);
    this.#byProgram = null;
    await Promise.all(group.processes.map((p) => p._dispose(this.#config.nocleanup)));
    this.#hub.removePool(name);
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

  // ---- logs (issue 3) -----------------------------------------------------------------------------

  /**
   * supervisord's `readProcessStdoutLog(name, offset, length)`: `length` bytes of the stdout log from
   * `offset`; length 0 reads to the end; a negative offset (with length 0) reads the last `-offset` bytes.
   * Faults: BAD_NAME, NO_FILE (no log file, or it does not exist), BAD_ARGUMENTS (negative length, or a
   * negative offset with a length), FAILED (I/O error). Bytes that are not UTF-8 become U+FFFD.
   */
  async readProcessStdoutLog(name: string, offset: number, length: number): Promise<string> {
    return this.#readLog(name, offset, length, 'stdout');
  }

  /** supervisord's `readProcessLog`: an alias of {@link Supervisor.readProcessStdoutLog}. */
  async readProcessLog(name: string, offset: number, length: number): Promise<string> {
    return this.#readLog(name, offset, length, 'stdout');
  }

  /** supervisord's `readProcessStderrLog`: as {@link Supervisor.readProcessStdoutLog}, for stderr. */
  async readProcessStderrLog(name: string, offset: number, length: number): Promise<string> {
    return this.#readLog(name, offset, length, 'stderr');
  }

  /**
   * supervisord's `tailProcessStdoutLog(name, offset, length)`: up to `length` bytes from `offset`; when
   * more than `length` bytes follow `offset`, the last `length` bytes and `overflow` true. The returned
   * offset is the log's size: pass it back to get what comes next. `['', 0, false]` without a log file.
   * @example
   * ```ts
   * let [text, offset] = await sup.tailProcessStdoutLog('web', 0, 1600);
   * // later
   * [text, offset] = await sup.tailProcessStdoutLog('web', offset, 1600);
   * ```
   */
  async tailProcessStdoutLog(name: string, offset: number, length: number): Promise<TailResult> {
    return this.#tailLog(name, offset, length, 'stdout');
  }

  /** supervisord's `tailProcessLog`: an alias of {@link Supervisor.tailProcessStdoutLog}. */
  async tailProcessLog(name: string, offset: number, length: number): Promise<TailResult> {
    return this.#tailLog(name, offset, length, 'stdout');
  }

  /** supervisord's `tailProcessStderrLog`: as {@link Supervisor.tailProcessStdoutLog}, for stderr. */
  async tailProcessStderrLog(name: string, offset: number, length: number): Promise<TailResult> {
    return this.#tailLog(name, offset, length, 'stderr');
  }

  /**
   * supervisord's `clearProcessLogs`: deletes the process's current stdout and stderr log files (not the
   * rotated backups) and starts new empty ones; forgets captured text. BAD_NAME, FAILED.
   */
  async clearProcessLogs(name: string): Promise<true> {
    this.#checkRunning();
    const { process } = this.#lookup(name);
    if (!process) throw new BadNameError(name);
    await process._output.clear(name);
    return true;
  }

  /** supervisord's `clearProcessLog`: an alias of {@link Supervisor.clearProcessLogs}. */
  async clearProcessLog(name: string): Promise<true> {
    return this.clearProcessLogs(name);
  }

  /** supervisord's `clearAllProcessLogs`: every process, by priority; one result struct each. */
  async clearAllProcessLogs(): Promise<ProcessResult[]> {
    this.#checkRunning();
    const results: ProcessResult[] = [];
    for (const p of this.#allByPriority()) {
      try {
        await p._output.clear(p.namespec);
        results.push({ name: p.name, group: p.groupName, status: Faults.SUCCESS, description: 'OK' });
      } catch (err) {
        if (!(err instanceof SupervisorError)) throw err;
        results.push({ name: p.name, group: p.groupName, status: err.faultCode, description: err.message });
      }
    }
    return results;
  }

  async #readLog(
    name: string,
    offset: number,
    length: number,
    channel: 'stdout' | 'stderr',
  ): Promise<string> {
    this.#checkRunning();
    const { process } = this.#lookup(name);
    if (!process) throw new BadNameError(name);
    return process._output.read(channel, offset, length);
  }

  async #tailLog(
    name: string,
    offset: number,
    length: number,
    channel: 'stdout' | 'stderr',
  ): Promise<TailResult> {
    this.#checkRunning();
    const { process } = this.#lookup(name);
    if (!process) throw new BadNameError(name);
    return process._output.tail(channel, offset, length);
  }

  /** Emits `'logError'`; a throwing listener becomes a process warning, never our problem. */
  #logError(record: LogErrorRecord): void {
    if (this.listenerCount('logError') === 0) return;
    try {
      this.emit('logError', record);
    } catch (error) {
      process.emitWarning(
        `procvisor: a 'logError' listener threw: ${String(error)}`,
        'ProcvisorListenerWarning',
      );
    }
  }

  // ---- events -----------------------------------------------------------------------------------------

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
    // An event listener pool subscribes before its own PROCESS_GROUP_ADDED, as in supervisord.
    const group = config.listener
      ? this.#hub.addPool(config, processes, this)
      : new ProgramGroup(config, processes, this);
    this.#groups.set(config.name, group);
    this.#byProgram = null;
    this.#emit(new ProcessGroupEvent('ADDED', config.name));
    return group;
  }

  #deliver(event: SupervisorEvent, from: Process): void {
    emitSafely(from, event, (err, e) => reportListenerError(this, err, e));
    const group = this.#groups.get(from.groupName);
    if (group) emitSafely(group, event, (err, e) => reportListenerError(this, err, e));
    this.#emit(event);
    if (event instanceof ProcessStateEvent) this.#stateChanged();
  }

  // ---- dependencies and waiting (procvisor) -------------------------------------------------------------

  /** Autostart, unless the process's dependencies are not met yet: then it waits in #pending. */
  #autostart(p: Process): void {
    if (!p.config.autostart) return;
    if (this.#dependenciesMet(p)) p._autostart();
    else this.#pending.add(p);
  }

  /** The active processes of each program (a program can sit in several groups), built when needed. */
  #processesOf(program: string): readonly Process[] {
    if (!this.#byProgram) {
      this.#byProgram = new Map();
      for (const p of this.processes) {
        const list = this.#byProgram.get(p.config.programName);
        if (list) list.push(p);
        else this.#byProgram.set(p.config.programName, [p]);
      }
    }
    return this.#byProgram.get(program) ?? [];
  }

  #dependenciesMet(p: Process): boolean {
    return Object.entries(p.config.dependsOn).every(([program, condition]) =>
      this.#processesOf(program).every((d) => conditionMet(d, condition)),
    );
  }

  /** A dependency that can no longer be met: its program has settled in a state that does not satisfy it. */
  #blockedBy(p: Process): Process | undefined {
    for (const [program, condition] of Object.entries(p.config.dependsOn)) {
      const procs = this.#processesOf(program);
      const failed = procs.find((d) => !conditionMet(d, condition) && hasGivenUp(d));
      if (failed) return failed;
    }
    return undefined;
  }

  #stateChanged(): void {
    if (this.#pending.size > 0 && this.#phase === 'running') {
      for (const p of [...this.#pending]) {
        if (this.#dependenciesMet(p)) {
          this.#pending.delete(p);
          if (p.state === 'STOPPED' && p.snapshot.laststart === 0) p._autostart();
        }
      }
    }
    for (const w of [...this.#waiters]) w();
  }

  /** Resolves when `check` returns a value (checked now and after every state change); rejects on its throw. */
  async #waitFor<T>(
    check: () => T | undefined,
    options: { timeout?: number; signal?: AbortSignal },
    onTimeout: () => Error,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      let timer: TimerHandle | undefined;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        this.#waiters.delete(waiter);
        if (timer !== undefined) this.#clock.clearTimer(timer);
        options.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const waiter = () => {
        let value: T | undefined;
        try {
          value = check();
        } catch (err) {
          finish(() => reject(err));
          return;
        }
        if (value !== undefined) finish(() => resolve(value));
      };
      const onAbort = () => finish(() => reject(options.signal?.reason));
      if (options.signal?.aborted) return reject(options.signal.reason);
      waiter();
      if (done) return;
      this.#waiters.add(waiter);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeout !== undefined) {
        timer = this.#clock.setTimer(options.timeout, () => finish(() => reject(onTimeout())));
      }
    });
  }

  /**
   * Resolves with the process once its state satisfies `want` (a state, a list, or a predicate), at once if
   * it already does. Rejects with WAIT_FAILED after `timeout` ms, or when `signal` aborts. Always removes its
   * listener.
   */
  async waitForState(
    name: string,
    want: ProcessStateName | readonly ProcessStateName[] | ((process: Process) => boolean),
    options: { timeout?: number; signal?: AbortSignal } = {},
  ): Promise<Process> {
    const { process } = this.#lookup(name);
    if (!process) throw new BadNameError(name);
    return process.waitForState(want, options);
  }

  /** Resolves with the first output line of the process (from now on) matching `pattern`. */
  async waitForOutput(
    name: string,
    pattern: RegExp | string,
    options: { channel?: 'stdout' | 'stderr' | 'both'; timeout?: number; signal?: AbortSignal } = {},
  ): Promise<string> {
    const { process } = this.#lookup(name);
    if (!process) throw new BadNameError(name);
    return process.waitForOutput(pattern, options);
  }

  /**
   * Resolves once every process has settled: none is STARTING, BACKOFF or STOPPING, and none waits for a
   * dependency that can still be met.
   */
  async waitForSettled(options: { timeout?: number; signal?: AbortSignal } = {}): Promise<void> {
    await this.#waitFor(
      () => (this.#unsettled() === undefined ? true : undefined),
      options,
      () => failure('not every process settled', this.#unsettled()),
    );
  }

  #unsettled(): Process | undefined {
    return this.processes.find(
      (p) =>
        TRANSITIONAL.has(p.state) ||
        (this.#pending.has(p) && this.#blockedBy(p) === undefined) ||
        (p.state === 'EXITED' && p.snapshot.laststart > 0 && willRestart(p) && this.#phase === 'running'),
    );
  }

  /**
   * Resolves once every autostart process is RUNNING (or, for a one-shot, EXITED with an expected code).
   * Rejects with WAIT_FAILED, carrying the failing process's info and last output lines, as soon as one fails
   * for good (FATAL, UNKNOWN, an unexpected exit that will not restart, a dependency that cannot be met), or
   * after `timeout` ms.
   */
  async waitForReady(options: { timeout?: number; signal?: AbortSignal } = {}): Promise<void> {
    const autostart = () => this.processes.filter((p) => p.config.autostart);
    await this.#waitFor(
      () => {
        for (const p of autostart()) {
          if (p.state === 'FATAL' || p.state === 'UNKNOWN') throw failure(`${p.namespec} is ${p.state}`, p);
          if (p.state === 'EXITED' && !exitedOk(p) && !willRestart(p)) {
            throw failure(`${p.namespec} exited unexpectedly`, p);
          }
          const blocker = this.#pending.has(p) ? this.#blockedBy(p) : undefined;
          if (blocker)
            throw failure(`${p.namespec} waits for ${blocker.namespec}, which is ${blocker.state}`, blocker);
        }
        return autostart().every((p) => p.state === 'RUNNING' || exitedOk(p)) ? true : undefined;
      },
      options,
      () =>
        failure(
          'not every autostart process is RUNNING',
          autostart().find((p) => p.state !== 'RUNNING'),
        ),
    );
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
    options: SupervisorOptions & { timeout?: number; signal?: AbortSignal } = {},
  ): Promise<Supervisor> {
    const sup = new Supervisor(config, options);
    try {
      await sup.start();
      await sup.waitForReady({
        ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return sup;
    } catch (err) {
      await sup.shutdown();
      throw err;
    }
  }

  #emit(event: SupervisorEvent): void {
    emitSafely(this, event, (err, e) => reportListenerError(this, err, e));
    this.#hub.notify(event);
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

function failure(message: string, p: Process | undefined): WaitTimeoutError {
  if (!p) return new WaitTimeoutError(message);
  const info = p.info();
  return new WaitTimeoutError(
    `${message}: ${info.statename} ${info.description}`.trim(),
    info,
    p.recentOutput(),
  );
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
