/**
 * Process: one supervised child as users see it: its control methods with supervisord's checks and faults,
 * its waits, its info and its output. The state machine and its effects run in {@link MachineShell}.
 * @module
 */
import type { ProcessConfig } from '../config/types.js';
import { signalNumber } from '../config/datatypes.js';
import type { Snapshot } from '../core/machine.js';
import { processInfo, type ProcessInfo } from '../core/info.js';
import { RUNNING_STATES, STOPPED_STATES, type ProcessStateName } from '../core/states.js';
import {
  BadSignalError,
  ProcessStateError,
  ShutdownStateError,
  SpawnError,
  SupervisorError,
  WaitTimeoutError,
} from '../errors.js';
import { SafeEmitter, type SupervisorEventMap } from '../events/emitter.js';
import type { SupervisorEvent } from '../events/events.js';
import type { LinesOptions } from '../logging/lines.js';
import { ProcessOutput } from '../logging/process-output.js';
import type { Channel, LogErrorRecord } from '../logging/types.js';
import { Waiters } from '../waiter.js';
import type { ProcessContext } from './context.js';
import { MachineShell } from './machine-shell.js';
import { waitBounds, type WaitForOptions, type WaitOptions } from './options.js';
import { OutputWatch } from './output-watch.js';
import { HealthWatch } from './health.js';
import { commandFault, prepare, type Prepared } from './spawn-request.js';

/**
 * One supervised process: one `process_num` of a program.
 * @example
 * ```ts
 * const web = sup.getProcess('web');
 * web?.on('PROCESS_STATE_RUNNING', (e) => console.log('web is up, pid', e.pid));
 * await web?.stop();
 * ```
 */
export class Process extends SafeEmitter<SupervisorEventMap> {
  /** The resolved configuration of this process. */
  readonly config: ProcessConfig;
  /** The group it belongs to. */
  readonly groupName: string;
  readonly #ctx: ProcessContext;
  readonly #output: ProcessOutput;
  readonly #watch = new OutputWatch();
  readonly #waiters: Waiters;
  readonly #shell: MachineShell;
  #faults: string[] = [];
  /** An event listener pool reading the protocol on stdout (the output is still logged). */
  #stdoutTap: ((chunk: Buffer) => void) | null = null;
  readonly #health: HealthWatch | null;

  /** @internal Created by the supervisor; `stdinFd` is a FastCGI program's socket, each child's stdin. */
  constructor(config: ProcessConfig, ctx: ProcessContext, stdinFd?: () => number) {
    super();
    this.config = config;
    this.groupName = config.groupName;
    this.#ctx = ctx;
    this.#waiters = new Waiters(ctx.clock);
    const settings = ctx.settings();
    this.#output = new ProcessOutput({
      config,
      childlogdir: settings.childlogdir,
      identifier: settings.identifier,
      stripAnsi: settings.stripAnsi,
      clock: ctx.clock,
      ...(ctx.syslog ? { syslog: ctx.syslog } : {}),
      pid: () => this.#shell.snap.pid,
      emit: (event) => this._deliver(event),
      fault: (record) => this._logFault(record),
      note: (message) => ctx.sink.log({ level: 'warn', message, time: ctx.clock.wall() }),
      pause: (channel) => this.#shell.child?.pause?.(channel),
      resume: (channel) => this.#shell.child?.resume?.(channel),
    });
    const hooks = {
      output: this.#output,
      watch: this.#watch,
      tap: () => this.#stdoutTap,
      deliver: (event: SupervisorEvent) => this._deliver(event),
      changed: () => this.#waiters.notify(),
      fault: (error: Error) => this.#fault(error),
      stdinFd: () => stdinFd?.(),
    };
    this.#shell = new MachineShell(config, ctx, hooks, this);
    this.#health = config.healthcheck ? new HealthWatch(config.healthcheck, this, ctx) : null;
  }

  /** The process name. */
  get name(): string {
    return this.config.name;
  }

  /** `group:name`, or just the name when it equals the group's (supervisord's `make_namespec`). */
  get namespec(): string {
    return this.groupName === this.name ? this.name : `${this.groupName}:${this.name}`;
  }

  /** The current state. */
  get state(): ProcessStateName {
    return this.#shell.snap.state;
  }

  /** The child's pid, 0 when there is none. */
  get pid(): number {
    return this.#shell.snap.pid;
  }

  /** Everything the state machine knows, read-only. */
  get snapshot(): Snapshot {
    return this.#shell.snap;
  }

  /** Problems that did not stop the process (e.g. a log file that could not be written). */
  get faults(): readonly string[] {
    return this.#faults;
  }

  /** supervisord's getProcessInfo struct for this process. */
  info(): ProcessInfo {
    const s = this.#shell.snap;
    return processInfo({
      name: this.name,
      group: this.groupName,
      start: Math.floor(s.laststartWall / 1000),
      stop: Math.floor(s.laststopWall / 1000),
      now: Math.floor(this.#ctx.clock.wall() / 1000),
      statename: s.state,
      spawnerr: s.spawnerr ?? '',
      exitstatus: s.exitstatus ?? 0,
      logfile: this.#output.stdoutLogfile,
      stdout_logfile: this.#output.stdoutLogfile,
      stderr_logfile: this.#output.stderrLogfile,
      pid: s.pid,
      ...(this.#faults.length > 0 ? { faults: [...this.#faults] } : {}),
      ...(this.#health ? { health: this.#health.status ?? 'unknown' } : {}),
    });
  }

  /**
   * Starts the process, with supervisord's `startProcess` checks and results: NO_FILE or NOT_EXECUTABLE when
   * the command cannot run, ALREADY_STARTED, FAILED for UNKNOWN, SPAWN_ERROR when the start fails, and with
   * `wait` (the default) ABNORMAL_TERMINATION if it ends before RUNNING.
   */
  async start(options: WaitOptions = {}): Promise<true> {
    return new Promise<true | Promise<true>>((resolve, reject) =>
      this._prepareStart((prepared) => {
        try {
          resolve(this._beginStart(prepared, options));
        } catch (error) {
          reject(error);
        }
      }),
    );
  }

  /** @internal Resolves the command for a start (the spawn uses the same answer), then calls `then`. */
  _prepareStart(then: (prepared: Prepared) => void): void {
    prepare(this.config, this.#ctx.resolveCommand, then);
  }

  /**
   * @internal The synchronous part of a start, once its command is resolved: immediate faults are thrown, a
   * finished start returns true, and a start that must be waited for returns a promise (supervisord's
   * deferred result). Made while the machine is busy (from a listener), it is applied once the current input
   * is handled.
   */
  _beginStart(prepared: Prepared, options: WaitOptions = {}): true | Promise<true> {
    this.#checkPhase();
    return this.#shell.request(() => {
      this.#checkPhase();
      if ('error' in prepared) throw commandFault(prepared.error);
      if (RUNNING_STATES.has(this.state)) throw new ProcessStateError('ALREADY_STARTED', this.namespec);
      if (this.state === 'UNKNOWN') {
        throw new ProcessStateError('FAILED', `${this.namespec} is in an unknown process state`);
      }
      this.#shell.dispatchStart(prepared);
      if (this.#shell.snap.spawnerr) throw new SpawnError('SPAWN_ERROR', this.namespec);
      if (options.wait === false || this.state === 'RUNNING') return true;
      return this.#waiters.wait<true>({
        check: () => {
          if (this.#shell.snap.spawnerr) throw new SpawnError('SPAWN_ERROR', this.namespec);
          if (this.state === 'RUNNING') return true;
          if (this.state !== 'STARTING') throw new ProcessStateError('ABNORMAL_TERMINATION', this.namespec);
          return undefined;
        },
        signal: options.signal,
      });
    });
  }

  /**
   * Stops the process, as supervisord's `stopProcess`: NOT_RUNNING unless STARTING, RUNNING or BACKOFF;
   * with `wait` (the default) resolves once it is in a stopped state.
   */
  async stop(options: WaitOptions = {}): Promise<true> {
    return this._beginStop(options);
  }

  /** @internal The synchronous part of `stop()`, like {@link Process._beginStart}. */
  _beginStop(options: WaitOptions = {}): true | Promise<true> {
    this.#checkPhase();
    return this.#shell.request(() => {
      if (!RUNNING_STATES.has(this.state)) throw new ProcessStateError('NOT_RUNNING', this.namespec);
      const stops = this.#shell.stops;
      const error = this.#shell.dispatch({ type: 'stop', ...this.#shell.stamp() });
      if (error) throw new ProcessStateError('FAILED', error);
      const stopped = () => this.#shell.stops > stops || undefined;
      if (options.wait === false || stopped()) return true;
      return this.#waiters.wait({ check: stopped, signal: options.signal });
    });
  }

  /**
   * Sends a signal to the process (never its group), as supervisord's `signalProcess`: NOT_RUNNING unless
   * STARTING, RUNNING or STOPPING. The state does not change. Asked from a listener while the machine is
   * busy, it is sent once the current input is handled (a STARTING listener's signal reaches the child).
   */
  signal(signal: number | string): void | Promise<void> {
    let sig: number;
    try {
      sig = signalNumber(signal);
    } catch {
      throw new BadSignalError(signal);
    }
    return this.#shell.request(() => {
      if (!['STARTING', 'RUNNING', 'STOPPING'].includes(this.state)) {
        throw new ProcessStateError('NOT_RUNNING', this.namespec);
      }
      try {
        this.#shell.child?.kill(sig, false);
      } catch (err) {
        const message = (err as Error).message;
        this.#shell.dispatch({ type: 'signalFailed', message, ...this.#shell.stamp() });
        throw new ProcessStateError('FAILED', message, { cause: err });
      }
    });
  }

  /** Writes to the child's stdin (supervisord's `sendProcessStdin`). */
  sendStdin(data: string | Uint8Array): void {
    if (this.#shell.snap.pid === 0 || this.#shell.snap.killing || !this.#shell.child) {
      throw new ProcessStateError('NOT_RUNNING', this.namespec);
    }
    try {
      this.#shell.child.write(data);
    } catch (err) {
      throw new SupervisorError('NO_FILE', this.namespec, { cause: err });
    }
  }

  /**
   * Resolves when the state satisfies `want` (a state name, a list of them, or a predicate); at once if it
   * already does. Rejects with WAIT_FAILED on timeout (ms), when the process's group is removed or the
   * supervisor shuts down; with the signal's reason on abort. Always removes its listener.
   */
  async waitForState(
    want: ProcessStateName | readonly ProcessStateName[] | ((process: Process) => boolean),
    options: WaitForOptions = {},
  ): Promise<Process> {
    const test =
      typeof want === 'function'
        ? want
        : typeof want === 'string'
          ? (p: Process) => p.state === want
          : (p: Process) => want.includes(p.state);
    const bounds = waitBounds(options);
    const wanted = typeof want === 'function' ? 'reach the wanted state' : `be ${[want].flat().join(' or ')}`;
    return this.#waiters.wait({
      check: () => (test(this) ? this : undefined),
      ...bounds,
      onTimeout: () => this.#timeoutError(`${this.namespec} to ${wanted}`, bounds.timeout),
    });
  }

  /**
   * Resolves with the first line of output (after this call) that matches `pattern`. Rejects as
   * {@link Process.waitForState} does, and stops watching whatever happens.
   */
  async waitForOutput(
    pattern: RegExp | string,
    options: WaitForOptions & { channel?: 'stdout' | 'stderr' | 'both' } = {},
  ): Promise<string> {
    let matched: string | undefined;
    const bounds = waitBounds(options);
    const unwatch = this.#watch.watchFor(pattern, options.channel ?? 'both', (line) => {
      matched ??= line;
      this.#waiters.notify();
    });
    return this.#waiters.wait({
      check: () => matched,
      ...bounds,
      onSettle: unwatch,
      onTimeout: () =>
        this.#timeoutError(`a line of ${this.namespec} matching ${String(pattern)}`, bounds.timeout),
    });
  }

  /** The last lines of output the process wrote (both channels, up to `count`), for error reports. */
  recentOutput(count = 20): string[] {
    return this.#watch.recentOutput(count);
  }

  /**
   * Follows the process's output on `channel` line by line from now on, like `supervisorctl tail -f`
   * (without the initial tail: read that with `tailProcessStdoutLog`). It sees what goes to the log
   * (after `stripAnsi`, without capture-mode text) whatever the logfile setting, NONE included, across
   * restarts. It ends when the process's group is removed or the supervisor has shut down, or on
   * `options.signal`. A reader that falls behind by more than `maxBufferedBytes` loses the oldest lines
   * and gets a marker line in their place (see docs/logging.md).
   * @example
   * ```ts
   * for await (const line of sup.getProcess('web')!.lines('stderr')) console.log('web:', line);
   * ```
   */
  lines(channel: Channel = 'stdout', options: LinesOptions = {}): AsyncIterableIterator<string> {
    return this.#output.lines(channel, options);
  }

  // ---- for the supervisor, the group and the listener pools ------------------------------------------

  /** @internal The log files, for the supervisor's read/tail/clear methods. */
  get _output(): ProcessOutput {
    return this.#output;
  }

  /** @internal An event listener pool reads its listeners' stdout through this; null removes the tap. */
  _tapStdout(fn: ((chunk: Buffer) => void) | null): void {
    this.#stdoutTap = fn;
  }

  /** @internal Autostart (start, group add, dependencies met) of a process that never started; see the shell. */
  _autostart(prepared?: Prepared): void {
    this.#shell.autostart(prepared);
  }

  /** @internal supervisord's `stop_all` for one process during shutdown. */
  _stopForShutdown(): void {
    this.#shell.stopForShutdown();
  }

  /** @internal Resolves once the process is in a stopped state and its logs are flushed. */
  async _settled(): Promise<void> {
    if (!STOPPED_STATES.has(this.state)) {
      await this.#waiters.wait({ check: () => STOPPED_STATES.has(this.state) || undefined });
    }
    await this.#shell.closing;
  }

  /**
   * @internal The group is removed or the supervisor has shut down: cancels timers, queued starts and the
   * probe, rejects every pending wait with `reason`, closes the logs and removes every listener.
   */
  async _dispose(nocleanup: boolean, reason: () => SupervisorError): Promise<void> {
    this.#shell.dispose();
    this.#health?.dispose();
    this.#waiters.close(reason);
    await this.#shell.closing;
    await this.#output.dispose(nocleanup);
    this.removeAllListeners();
  }

  /** @internal Emits an event of this process on it, then hands it to the supervisor. */
  _deliver(event: SupervisorEvent): void {
    this.#health?.observe(event);
    this._emitEvent(event);
    this.#ctx.sink.event(event, this.groupName);
  }

  /** @internal A log could not be written: a note in `faults` and the supervisor's `'logError'`. */
  _logFault(record: LogErrorRecord): void {
    const what = record.kind === 'syslog' ? 'syslog' : 'log';
    this.#fault(new Error(`${record.channel} ${what} ${record.target}: ${record.error.message}`));
    this.#ctx.sink.logError(record);
  }

  // ---- internals ----------------------------------------------------------------------------------------

  #checkPhase(): void {
    const phase = this.#ctx.phase();
    if (phase === 'stopping' || phase === 'stopped') throw new ShutdownStateError();
  }

  #fault(error: Error): void {
    const message = `${this.name}: ${error.message}`;
    this.#faults.push(message);
    if (this.#faults.length > 20) this.#faults.shift();
    this.#ctx.sink.log({ level: 'error', message, time: this.#ctx.clock.wall() });
  }

  /** `timed out after 20 ms waiting for web to be RUNNING; web is STARTING (pid 123)` */
  #timeoutError(what: string, ms: number | undefined): WaitTimeoutError {
    const pid = this.pid ? ` (pid ${this.pid})` : '';
    const message = `timed out after ${ms} ms waiting for ${what}; ${this.namespec} is ${this.state}${pid}`;
    return new WaitTimeoutError(message, this.info(), this.recentOutput());
  }
}
