/**
 * Process: the imperative shell around one child. It feeds inputs (requests, spawns, exits, timers) to the
 * pure {@link transition}, commits the new snapshot, then carries out the effects in order.
 *
 * Nothing re-enters the machine. Inputs the effects produce (the spawner's synchronous report, a failed
 * signal) are handled right after the input that produced them; requests made meanwhile (a listener calling
 * `stop()` from a STARTING event) wait in a mailbox and are applied afterwards, in the order they were made,
 * each with its own outcome.
 * @module
 */
import type { TimerHandle } from '../clock.js';
import type { ProcessConfig } from '../config/types.js';
import { signalName, signalNumber } from '../config/datatypes.js';
import { INITIAL_SNAPSHOT, type Effect, type Input, type Snapshot, type TimerName } from '../core/machine.js';
import { processInfo, type ProcessInfo } from '../core/info.js';
import { RUNNING_STATES, STOPPED_STATES, type ProcessStateName } from '../core/states.js';
import { transition } from '../core/transitions.js';
import {
  BadSignalError,
  ProcessStateError,
  ShutdownStateError,
  SpawnError,
  SupervisorError,
  WaitTimeoutError,
} from '../errors.js';
import { SafeEmitter, type SupervisorEventMap } from '../events/emitter.js';
import { ProcessStateEvent } from '../events/events.js';
import type { LinesOptions } from '../logging/lines.js';
import { ProcessOutput } from '../logging/process-output.js';
import type { Channel, LogErrorRecord } from '../logging/types.js';
import type { ChildHandle, ChildObserver } from '../platform/spawner.js';
import { Waiters } from '../waiter.js';
import type { ProcessContext } from './context.js';
import { OutputWatch } from './output-watch.js';
import { startProbe, type Probe } from './readiness.js';
import { commandFault, prepare, spawnRequest, type Prepared } from './spawn-request.js';

/** Options of the start and stop methods. */
export interface WaitOptions {
  /**
   * Wait until the process is RUNNING (start) or stopped (stop), as supervisord's `wait`.
   * @default true
   */
  readonly wait?: boolean;
  /**
   * Stops waiting (the action itself is not undone).
   * @default none: the wait is not abandoned
   */
  readonly signal?: AbortSignal;
}

/** Options of {@link Process.waitForState} and {@link Process.waitForOutput}. */
export interface WaitForOptions {
  /** Milliseconds until the wait fails with WAIT_FAILED. Default: no limit. */
  readonly timeout?: number;
  /** Abandons the wait: it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** How many recent output lines an error report carries. */
const REPORT_LINES = 20;

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
  #snap: Snapshot = INITIAL_SNAPSHOT;
  #child: ChildHandle | null = null;
  #generation = 0;
  readonly #timers = new Map<TimerName, TimerHandle | symbol>();
  /** Inputs produced by the effects being carried out, handled before any request. */
  #internal: Input[] = [];
  /** Requests made while the machine was busy, in order. */
  #mailbox: (() => void)[] = [];
  #busy = false;
  #draining = false;
  /** The command resolved for the start being dispatched, consumed by its spawn effect. */
  #prepared: Prepared | null = null;
  #disposed = false;
  #closing: Promise<void> = Promise.resolve();
  #faults: string[] = [];
  /** An event listener pool reading the protocol on stdout (the output is still logged). */
  #stdoutTap: ((chunk: Buffer) => void) | null = null;
  #probe: Probe | null = null;

  /** @internal Created by the supervisor. */
  constructor(config: ProcessConfig, ctx: ProcessContext) {
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
      ...(ctx.syslog ? { syslog: ctx.syslog } : {}),
      pid: () => this.#snap.pid,
      emit: (event) => this._deliver(event),
      fault: (record) => this._logFault(record),
      note: (message) => ctx.sink.log({ level: 'warn', message, time: ctx.clock.wall() }),
      pause: (channel) => this.#child?.pause?.(channel),
      resume: (channel) => this.#child?.resume?.(channel),
    });
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
    return this.#snap.state;
  }

  /** The child's pid, 0 when there is none. */
  get pid(): number {
    return this.#snap.pid;
  }

  /** Everything the state machine knows, read-only. */
  get snapshot(): Snapshot {
    return this.#snap;
  }

  /** Problems that did not stop the process (e.g. a log file that could not be written). */
  get faults(): readonly string[] {
    return this.#faults;
  }

  /** supervisord's getProcessInfo struct for this process. */
  info(): ProcessInfo {
    const s = this.#snap;
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

  /**
   * @internal Resolves the command for a start (once: the spawn uses the same answer), then calls `then`:
   * at once when the resolver answers synchronously.
   */
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
    return this.#request(() => {
      this.#checkPhase();
      if ('error' in prepared) throw commandFault(prepared.error);
      if (RUNNING_STATES.has(this.state)) throw new ProcessStateError('ALREADY_STARTED', this.namespec);
      if (this.state === 'UNKNOWN') {
        throw new ProcessStateError('FAILED', `${this.namespec} is in an unknown process state`);
      }
      this.#dispatchStart(prepared);
      if (this.#snap.spawnerr) throw new SpawnError('SPAWN_ERROR', this.namespec);
      if (options.wait === false || this.state === 'RUNNING') return true;
      return this.#waitUntil<true>(() => {
        if (this.#snap.spawnerr) throw new SpawnError('SPAWN_ERROR', this.namespec);
        if (this.state === 'RUNNING') return true;
        if (this.state !== 'STARTING') throw new ProcessStateError('ABNORMAL_TERMINATION', this.namespec);
        return undefined;
      }, options.signal);
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
    return this.#request(() => {
      if (!RUNNING_STATES.has(this.state)) throw new ProcessStateError('NOT_RUNNING', this.namespec);
      const error = this.#dispatch({ type: 'stop', ...this.#stamp() });
      if (error) throw new ProcessStateError('FAILED', error);
      if (options.wait === false || STOPPED_STATES.has(this.state)) return true;
      return this.#waitUntil<true>(() => (STOPPED_STATES.has(this.state) ? true : undefined), options.signal);
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
    return this._signal(sig);
  }

  /** @internal {@link Process.signal} with a signal number. */
  _signal(sig: number): void | Promise<void> {
    return this.#request(() => {
      if (!['STARTING', 'RUNNING', 'STOPPING'].includes(this.state)) {
        throw new ProcessStateError('NOT_RUNNING', this.namespec);
      }
      try {
        this.#child?.kill(sig, false);
      } catch (err) {
        const message = (err as Error).message;
        this.#dispatch({ type: 'signalFailed', message, ...this.#stamp() });
        throw new ProcessStateError('FAILED', message, { cause: err });
      }
    });
  }

  /** Writes to the child's stdin (supervisord's `sendProcessStdin`). */
  sendStdin(data: string | Uint8Array): void {
    if (this.#snap.pid === 0 || this.#snap.killing || !this.#child) {
      throw new ProcessStateError('NOT_RUNNING', this.namespec);
    }
    try {
      this.#child.write(data);
    } catch (err) {
      throw new SupervisorError('NO_FILE', this.namespec, { cause: err });
    }
  }

  /**
   * Resolves when the state satisfies `want` (a state name, a list of them, or a predicate); at once if it
   * already does. Rejects with WAIT_FAILED on timeout (ms), when the process's group is removed or the
   * supervisor shuts down; with the signal's reason on abort. Always removes its listener.
   */
  waitForState(
    want: ProcessStateName | readonly ProcessStateName[] | ((process: Process) => boolean),
    options: WaitForOptions = {},
  ): Promise<Process> {
    const test =
      typeof want === 'function'
        ? want
        : typeof want === 'string'
          ? (p: Process) => p.state === want
          : (p: Process) => want.includes(p.state);
    return this.#waiters.wait({
      check: () => (test(this) ? this : undefined),
      ...options,
      onTimeout: () => this.#timeoutError(`${this.namespec} did not reach the wanted state`, options),
    });
  }

  /**
   * Resolves with the first line of output (after this call) that matches `pattern`. Rejects as
   * {@link Process.waitForState} does, and stops watching whatever happens.
   */
  waitForOutput(
    pattern: RegExp | string,
    options: WaitForOptions & { channel?: 'stdout' | 'stderr' | 'both' } = {},
  ): Promise<string> {
    const re =
      typeof pattern === 'string' ? null : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    let matched: string | undefined;
    const unwatch = this.#watch.watch(options.channel ?? 'both', (line) => {
      if (matched === undefined && (re ? re.test(line) : line.includes(pattern as string))) {
        matched = line;
        this.#waiters.notify();
      }
    });
    return this.#waiters.wait({
      check: () => matched,
      timeout: options.timeout,
      signal: options.signal,
      onSettle: unwatch,
      onTimeout: () =>
        this.#timeoutError(`no output line of ${this.namespec} matched ${String(pattern)}`, options),
    });
  }

  /** The last lines of output the process wrote (both channels, up to `count`), for error reports. */
  recentOutput(count = REPORT_LINES): string[] {
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
    if (channel !== 'stdout' && channel !== 'stderr') {
      throw new TypeError(`channel must be 'stdout' or 'stderr', got ${JSON.stringify(channel)}`);
    }
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

  /**
   * @internal Autostart at supervisor start, group add, or once its dependencies are met: only a process that
   * never started. With `prepared`, the start is made now; without, once the command is resolved.
   */
  _autostart(prepared?: Prepared): void {
    const eligible = () =>
      this.config.autostart &&
      this.#snap.laststart === 0 &&
      this.state === 'STOPPED' &&
      !this.#disposed &&
      this.#ctx.phase() === 'running';
    if (!eligible()) return;
    if (prepared) {
      this.#request(() => eligible() && this.#dispatchStart(prepared));
      return;
    }
    this._prepareStart((p) => {
      if (eligible()) this.#request(() => eligible() && this.#dispatchStart(p));
    });
  }

  /** @internal supervisord's `stop_all` for one process during shutdown. */
  _stopForShutdown(): void {
    this.#request(() => {
      if (this.state === 'RUNNING' || this.state === 'STARTING')
        this.#dispatch({ type: 'stop', ...this.#stamp() });
      else if (this.state === 'BACKOFF') this.#dispatch({ type: 'giveUp', ...this.#stamp() });
    });
  }

  /** @internal Resolves once the process is in a stopped state and its logs are flushed. */
  async _settled(): Promise<void> {
    if (!STOPPED_STATES.has(this.state)) {
      await this.#waitUntil(() => (STOPPED_STATES.has(this.state) ? true : undefined));
    }
    await this.#closing;
  }

  /**
   * @internal The group is removed or the supervisor has shut down: cancels timers, queued starts and the
   * probe, rejects every pending wait with `reason`, closes the logs and removes every listener.
   */
  async _dispose(nocleanup: boolean, reason: () => SupervisorError): Promise<void> {
    this.#disposed = true;
    for (const name of [...this.#timers.keys()]) this.#cancel(name);
    this.#ctx.deferrer.cancel(this);
    this.#mailbox = [];
    this.#probe?.stop();
    this.#probe = null;
    this.#waiters.close(reason);
    await this.#closing;
    await this.#output.dispose(nocleanup);
    this.removeAllListeners();
  }

  /** @internal Emits an event of this process on it, then hands it to the supervisor. */
  _deliver(event: ProcessStateEvent | Parameters<ProcessOutputEmit>[0]): void {
    this._emitEvent(event);
    this.#ctx.sink.event(event, this.groupName);
  }

  /** @internal A log could not be written: a note in `faults` and the supervisor's `'logError'`. */
  _logFault(record: LogErrorRecord): void {
    const what = record.kind === 'syslog' ? 'syslog' : 'log';
    this.#fault(new Error(`${record.channel} ${what} ${record.target}: ${record.error.message}`));
    this.#ctx.sink.logError(record);
  }

  // ---- the machine --------------------------------------------------------------------------------------

  #stamp(): { now: number; wall: number } {
    return { now: this.#ctx.clock.now(), wall: this.#ctx.clock.wall() };
  }

  #checkPhase(): void {
    const phase = this.#ctx.phase();
    if (phase === 'stopping' || phase === 'stopped') throw new ShutdownStateError();
  }

  /**
   * Runs a request now, or, while the machine is busy, after the current input and the requests made before
   * it; the caller then gets a promise of the outcome.
   */
  #request<T>(run: () => T): T | Promise<Awaited<T>> {
    if (!this.#busy && this.#mailbox.length === 0) return run();
    return new Promise<Awaited<T>>((resolve, reject) => {
      this.#mailbox.push(() => {
        try {
          resolve(run() as Awaited<T>);
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  #dispatchStart(prepared: Prepared): void {
    this.#prepared = prepared;
    try {
      this.#dispatch({ type: 'start', ...this.#stamp() });
    } finally {
      this.#prepared = null;
    }
  }

  /** Feeds an input to the machine; returns its refusal message. While busy, it is handled next. */
  #dispatch(input: Input): string | undefined {
    if (this.#disposed) return undefined;
    if (this.#busy) {
      this.#internal.push(input);
      return undefined;
    }
    this.#busy = true;
    let error: string | undefined;
    try {
      error = this.#step(input);
      for (let next = this.#internal.shift(); next; next = this.#internal.shift()) this.#step(next);
    } finally {
      this.#busy = false;
    }
    this.#drainMailbox();
    return error;
  }

  #step(input: Input): string | undefined {
    const c = this.config;
    const result = transition(this.#snap, input, {
      name: this.name,
      startsecs: c.startsecs,
      startretries: c.startretries,
      autorestart: c.autorestart,
      exitcodes: c.exitcodes,
      stopsignal: c.stopsignal,
      stopwaitsecs: c.stopwaitsecs,
      stopasgroup: c.stopasgroup,
      killasgroup: c.killasgroup,
      supervisorRunning: this.#ctx.phase() === 'running',
      signalName,
      readiness: c.readiness ? { timeout: c.readiness.timeout, startsecs: c.readiness.startsecs } : null,
    });
    this.#snap = result.snapshot;
    for (const effect of result.effects) this.#run(effect);
    this.#snap = result.snapshot;
    this.#waiters.notify();
    return result.error;
  }

  #drainMailbox(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let job = this.#mailbox.shift(); job && !this.#busy; job = this.#mailbox.shift()) job();
    } finally {
      this.#draining = false;
    }
  }

  #run(effect: Effect): void {
    // Removed (from a listener of the change being carried out): only clean-up effects still run.
    if (this.#disposed && effect.type !== 'cancel' && effect.type !== 'unprobe') return;
    switch (effect.type) {
      case 'emit': {
        // supervisord commits each change before its event: a listener reads the state of this change,
        // even when one input makes two (BACKOFF then FATAL).
        this.#snap = effect.snapshot;
        const c = effect.change;
        this._deliver(
          new ProcessStateEvent({
            state: c.to,
            processName: this.name,
            groupName: this.groupName,
            fromState: c.from,
            tries: c.tries,
            expected: c.expected,
            pid: c.pid,
          }),
        );
        break;
      }
      case 'spawn':
        this.#spawn();
        break;
      case 'signal':
        try {
          this.#child?.kill(effect.signal, effect.group);
        } catch (err) {
          this.#internal.push({ type: 'signalFailed', message: (err as Error).message, ...this.#stamp() });
        }
        break;
      case 'schedule':
        this.#schedule(effect.timer, effect.ms);
        break;
      case 'cancel':
        this.#cancel(effect.timer);
        break;
      case 'log':
        this.#ctx.sink.log({ ...effect.line, time: this.#ctx.clock.wall() });
        break;
      case 'probe':
        this.#startProbe();
        break;
      case 'unprobe':
        this.#probe?.stop();
        this.#probe = null;
        break;
      case 'enqueue':
        // supervisord restarts on its next loop iteration; we do it on a later turn, paced.
        this.#ctx.deferrer.defer(this, () =>
          this._prepareStart((prepared) => {
            if (this.#ctx.phase() === 'running') this.#request(() => this.#dispatchStart(prepared));
          }),
        );
        break;
    }
  }

  #schedule(timer: TimerName, ms: number): void {
    this.#cancel(timer);
    const fire = () => this.#dispatch({ type: 'timer', timer, ...this.#stamp() });
    if (timer !== 'backoff') {
      this.#timers.set(
        timer,
        this.#ctx.clock.setTimer(ms, () => {
          this.#timers.delete(timer);
          fire();
        }),
      );
      return;
    }
    // A backoff retry is a start: its command is resolved when the delay is over, and the retry goes ahead
    // only if nothing cancelled it meanwhile.
    const handle = this.#ctx.clock.setTimer(ms, () => {
      const token = Symbol('preparing');
      this.#timers.set(timer, token);
      this._prepareStart((prepared) => {
        if (this.#timers.get(timer) !== token) return;
        this.#timers.delete(timer);
        this.#request(() => {
          this.#prepared = prepared;
          try {
            fire();
          } finally {
            this.#prepared = null;
          }
        });
      });
    });
    this.#timers.set(timer, handle);
  }

  #cancel(timer: TimerName): void {
    const handle = this.#timers.get(timer);
    if (handle === undefined) return;
    if (typeof handle !== 'symbol') this.#ctx.clock.clearTimer(handle);
    this.#timers.delete(timer);
  }

  #startProbe(): void {
    this.#probe?.stop();
    if (!this.config.readiness) return;
    const generation = this.#generation;
    this.#probe = startProbe(this.config.readiness, {
      clock: this.#ctx.clock,
      name: this.name,
      pid: this.#snap.pid,
      onReady: () => {
        if (generation === this.#generation) this.#dispatch({ type: 'ready', ...this.#stamp() });
      },
    });
  }

  /** supervisord's `spawn()` after the STARTING change: open logs, create the child. */
  #spawn(): void {
    const prepared = this.#prepared;
    if (!prepared || 'error' in prepared) {
      const message = prepared && 'error' in prepared ? prepared.error.message : 'command was not resolved';
      this.#internal.push({ type: 'spawnFailed', message, ...this.#stamp() });
      return;
    }
    try {
      this.#output.open();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      const message =
        code === 'EMFILE'
          ? `too many open files to spawn '${this.name}'`
          : `unknown error making dispatchers for '${this.name}': ${code}`;
      this.#internal.push({ type: 'spawnFailed', message, ...this.#stamp() });
      return;
    }
    const settings = this.#ctx.settings();
    const generation = ++this.#generation;
    const current = () => generation === this.#generation;
    const observer: ChildObserver = {
      spawned: (pid) => {
        if (current()) this.#dispatch({ type: 'spawned', pid, ...this.#stamp() });
      },
      spawnFailed: (message) => {
        if (!current()) return;
        this.#child = null;
        this.#dispatch({ type: 'spawnFailed', message, ...this.#stamp() });
      },
      output: (channel, chunk) => {
        if (!current()) return;
        this.#watch.feed(channel, chunk);
        this.#probe?.feed(channel, chunk);
        this.#output.write(channel, chunk);
        if (channel === 'stdout') this.#stdoutTap?.(chunk);
      },
      exit: (exitstatus, sig) => {
        if (!current()) return;
        this.#child = null;
        this.#closing = this.#output.close().catch((err: Error) => this.#fault(err));
        this.#dispatch({ type: 'exit', exitstatus, signal: sig, ...this.#stamp() });
      },
    };
    try {
      this.#child = this.#ctx.spawner.spawn(spawnRequest(this.config, prepared.ok, settings), observer);
    } catch (err) {
      this.#internal.push({
        type: 'spawnFailed',
        message: `unknown error during fork for '${this.name}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        ...this.#stamp(),
      });
    }
  }

  #fault(error: Error): void {
    const message = `${this.name}: ${error.message}`;
    this.#faults.push(message);
    if (this.#faults.length > 20) this.#faults.shift();
    this.#ctx.sink.log({ level: 'error', message, time: this.#ctx.clock.wall() });
  }

  #timeoutError(what: string, options: WaitForOptions): WaitTimeoutError {
    return new WaitTimeoutError(
      `${what} within ${options.timeout} ms: it is ${this.state}`,
      this.info(),
      this.recentOutput(),
    );
  }

  /** Resolves with the first non-undefined value of `check` (evaluated now and after every input). */
  #waitUntil<T>(check: () => T | undefined, signal?: AbortSignal): Promise<T> {
    return this.#waiters.wait({ check, signal });
  }
}

type ProcessOutputEmit = ConstructorParameters<typeof ProcessOutput>[0]['emit'];
