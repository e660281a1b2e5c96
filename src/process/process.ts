/**
 * Process: the imperative shell around one child. It feeds inputs (requests, spawns, exits, timers) to the
 * pure {@link transition}, commits the new snapshot, then carries out the effects in order. Inputs that
 * arrive while effects run (a listener calling `stop()`, a synchronous spawn report) wait in a mailbox, so
 * nothing re-enters the machine.
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { Clock, TimerHandle } from './clock.js';
import type { ProcessConfig } from './config/types.js';
import { signalName, signalNumber } from './config/datatypes.js';
import { ProcessStateEvent, type SupervisorEvent } from './events/events.js';
import type { ActivityLogRecord, SupervisorEventMap } from './events/emitter.js';
import {
  BadSignalError,
  ProcessStateError,
  SpawnError,
  SupervisorError,
  WaitTimeoutError,
} from './errors.js';
import { LineSplitter } from './line-splitter.js';
import { startProbe, type Probe } from './readiness.js';
import { processInfo, type ProcessInfo } from './info.js';
import { ProcessOutput } from './logging/process-output.js';
import type { LinesOptions } from './logging/lines.js';
import type { SyslogOptions } from './logging/syslog.js';
import type { Channel, LogErrorRecord } from './logging/types.js';
import { CommandError, resolveCommand } from './platform/resolve-command.js';
import type { ChildHandle, ChildObserver, Spawner } from './platform/spawner.js';
import { lookupUser } from './platform/users.js';
import {
  INITIAL_SNAPSHOT,
  transition,
  type Effect,
  type Input,
  type Snapshot,
  type TimerName,
  type TransitionContext,
} from './state-machine.js';
import { RUNNING_STATES, STOPPED_STATES, type ProcessStateName } from './states.js';

/** What a Process needs from its supervisor. Internal. */
export interface ProcessHost {
  readonly clock: Clock;
  readonly spawner: Spawner;
  readonly childlogdir: string;
  readonly identifier: string;
  readonly serverurl: string | null;
  /** supervisord's mood is RUNNING. */
  supervisorRunning(): boolean;
  /** Throws SHUTDOWN_STATE when the supervisor is shutting down (supervisord's `_update`). */
  checkRunning(): void;
  /** Delivers an event from this process to its listeners, its group's and the supervisor's. */
  deliver(event: SupervisorEvent, from: Process): void;
  /** Writes an activity-log line. */
  log(record: ActivityLogRecord): void;
  /** Runs an automatic start (autorestart, backoff retry) on a later turn, paced. */
  defer(start: () => void): void;
  // ---- logs (issue 3) ----
  /** `strip_ansi`: remove ANSI escapes from output before logging it. */
  readonly stripAnsi?: boolean;
  /** Where `*Syslog` lines go. */
  readonly syslog?: SyslogOptions;
  /** Reports a log that cannot be written (the supervisor's `'logError'` event). */
  logError?(record: LogErrorRecord): void;
}

/** Options of the waiting methods. */
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

type Waiter = () => boolean;

/** How much recent output each channel keeps for error reports. */
const RECENT_BYTES = 8 * 1024;

/**
 * One supervised process: one `process_num` of a program.
 * @example
 * ```ts
 * const web = sup.getProcess('web');
 * web.on('PROCESS_STATE_RUNNING', (e) => console.log('web is up, pid', e.pid));
 * await web.stop();
 * ```
 */
export class Process extends EventEmitter<SupervisorEventMap> {
  /** The resolved configuration of this process. */
  readonly config: ProcessConfig;
  /** The group it belongs to. */
  readonly groupName: string;
  readonly #host: ProcessHost;
  readonly #output: ProcessOutput;
  #snap: Snapshot = INITIAL_SNAPSHOT;
  #child: ChildHandle | null = null;
  #generation = 0;
  #timers = new Map<TimerName, TimerHandle>();
  #queue: Input[] = [];
  #busy = false;
  #waiters = new Set<Waiter>();
  #closing: Promise<void> = Promise.resolve();
  #faults: string[] = [];
  /** An event listener pool reading the protocol on stdout (the output is still logged). */
  #stdoutTap: ((chunk: Buffer) => void) | null = null;
  #probe: Probe | null = null;
  /** The last bytes of output per channel, for error reports (a few chunks, bounded). */
  #recent: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  #recentBytes: Record<'stdout' | 'stderr', number> = { stdout: 0, stderr: 0 };
  /** Line watchers (waitForOutput); empty in the common case, so output does no per-line work. */
  #lineWatchers = new Set<{
    channel: 'stdout' | 'stderr' | 'both';
    splitter: Record<'stdout' | 'stderr', LineSplitter>;
  }>();

  /** @internal Created by the supervisor. */
  constructor(config: ProcessConfig, host: ProcessHost) {
    super();
    this.config = config;
    this.groupName = config.groupName;
    this.#host = host;
    this.#output = new ProcessOutput({
      config,
      childlogdir: host.childlogdir,
      identifier: host.identifier,
      pid: () => this.#snap.pid,
      emit: (event) => host.deliver(event, this),
      // ---- logs (issue 3) ----
      fault: (record) => this._logFault(record),
      get stripAnsi() {
        return host.stripAnsi ?? false;
      },
      ...(host.syslog ? { syslog: host.syslog } : {}),
      note: (message) => host.log({ level: 'warn', message, time: host.clock.wall() }),
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
      now: Math.floor(this.#host.clock.wall() / 1000),
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
    return this._beginStart(options);
  }

  /**
   * @internal The synchronous part of `start()`: immediate faults are thrown, a finished start returns
   * true, and a start that must be waited for returns a promise (supervisord's deferred result).
   */
  _beginStart(options: WaitOptions = {}): true | Promise<true> {
    this.#host.checkRunning();
    this.#checkCommand();
    if (RUNNING_STATES.has(this.state)) throw new ProcessStateError('ALREADY_STARTED', this.namespec);
    if (this.state === 'UNKNOWN') {
      throw new ProcessStateError('FAILED', `${this.namespec} is in an unknown process state`);
    }
    this.#dispatch({ type: 'start', ...this.#stamp() });
    if (this.#snap.spawnerr) throw new SpawnError('SPAWN_ERROR', this.namespec);
    if (options.wait === false || this.state === 'RUNNING') return true;
    return this.#waitUntil<true>(() => {
      if (this.#snap.spawnerr) throw new SpawnError('SPAWN_ERROR', this.namespec);
      if (this.state === 'RUNNING') return true;
      if (this.state !== 'STARTING') throw new ProcessStateError('ABNORMAL_TERMINATION', this.namespec);
      return undefined;
    }, options.signal);
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
    this.#host.checkRunning();
    if (!RUNNING_STATES.has(this.state)) throw new ProcessStateError('NOT_RUNNING', this.namespec);
    const error = this.#dispatch({ type: 'stop', ...this.#stamp() });
    if (error) throw new ProcessStateError('FAILED', error);
    if (options.wait === false || STOPPED_STATES.has(this.state)) return true;
    return this.#waitUntil<true>(() => (STOPPED_STATES.has(this.state) ? true : undefined), options.signal);
  }

  /**
   * Sends a signal to the process (never its group), as supervisord's `signalProcess`: NOT_RUNNING unless
   * STARTING, RUNNING or STOPPING. The state does not change.
   */
  signal(signal: number | string): void {
    let sig: number;
    try {
      sig = signalNumber(signal);
    } catch {
      throw new BadSignalError(signal);
    }
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
   * @internal An event listener pool reads its listeners' stdout (the protocol channel) through this, after
   * the chunk is logged. null removes the tap.
   */
  _tapStdout(fn: ((chunk: Buffer) => void) | null): void {
    this.#stdoutTap = fn;
  }

  /** @internal Autostart at supervisor start or group add: only a process that never started. */
  _autostart(): void {
    if (this.config.autostart && this.#snap.laststart === 0 && this.state === 'STOPPED') {
      this.#dispatch({ type: 'start', ...this.#stamp() });
    }
  }

  /** @internal supervisord's `stop_all` for one process during shutdown. */
  _stopForShutdown(): void {
    if (this.state === 'RUNNING' || this.state === 'STARTING')
      this.#dispatch({ type: 'stop', ...this.#stamp() });
    else if (this.state === 'BACKOFF') this.#dispatch({ type: 'giveUp', ...this.#stamp() });
  }

  /** @internal Resolves once the process is in a stopped state and its logs are flushed. */
  async _settled(): Promise<void> {
    if (!STOPPED_STATES.has(this.state)) {
      await this.#waitUntil(() => (STOPPED_STATES.has(this.state) ? true : undefined));
    }
    await this.#closing;
  }

  /**
   * Resolves when the state satisfies `want` (a state name, a list of them, or a predicate); at once if it
   * already does. Rejects on timeout (ms) or abort, and always removes its listener.
   */
  waitForState(
    want: ProcessStateName | readonly ProcessStateName[] | ((process: Process) => boolean),
    options: { timeout?: number; signal?: AbortSignal } = {},
  ): Promise<Process> {
    const test =
      typeof want === 'function'
        ? want
        : typeof want === 'string'
          ? (p: Process) => p.state === want
          : (p: Process) => want.includes(p.state);
    return this.#withTimeout(
      (signal) => this.#waitUntil(() => (test(this) ? this : undefined), signal),
      options,
      () => `${this.namespec} did not reach the wanted state (now ${this.state})`,
    );
  }

  /**
   * Resolves with the first line of output (after this call) that matches `pattern`. Rejects on timeout
   * (ms) or abort, and stops watching whatever happens.
   */
  waitForOutput(
    pattern: RegExp | string,
    options: { channel?: 'stdout' | 'stderr' | 'both'; timeout?: number; signal?: AbortSignal } = {},
  ): Promise<string> {
    const re =
      typeof pattern === 'string' ? null : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    const matches = (line: string) => (re ? re.test(line) : line.includes(pattern as string));
    return this.#withTimeout(
      (signal) =>
        new Promise<string>((resolve, reject) => {
          const watcher = {
            channel: options.channel ?? 'both',
            splitter: {
              stdout: new LineSplitter((l) => found(l)),
              stderr: new LineSplitter((l) => found(l)),
            },
          };
          const cleanup = () => {
            this.#lineWatchers.delete(watcher);
            signal.removeEventListener('abort', onAbort);
          };
          const found = (line: string) => {
            if (!matches(line)) return;
            cleanup();
            resolve(line);
          };
          const onAbort = () => {
            cleanup();
            reject(signal.reason);
          };
          if (signal.aborted) return reject(signal.reason);
          signal.addEventListener('abort', onAbort, { once: true });
          this.#lineWatchers.add(watcher);
        }),
      options,
      () => `no output line of ${this.namespec} matched ${String(pattern)}`,
    );
  }

  /** The last lines of output the process wrote (both channels, up to `count`), for error reports. */
  recentOutput(count = 20): string[] {
    const text = (ch: 'stdout' | 'stderr') => Buffer.concat(this.#recent[ch]).toString('utf8');
    const lines = [...text('stdout').split('\n'), ...text('stderr').split('\n')].filter((l) => l !== '');
    return lines.slice(-count);
  }

  #remember(channel: 'stdout' | 'stderr', chunk: Buffer): void {
    const list = this.#recent[channel];
    list.push(chunk);
    this.#recentBytes[channel] += chunk.length;
    while (list.length > 1 && this.#recentBytes[channel] - list[0]!.length >= RECENT_BYTES) {
      this.#recentBytes[channel] -= list.shift()!.length;
    }
  }

  /** Runs `work` with a signal that aborts on the caller's signal or after `timeout` ms. */
  async #withTimeout<T>(
    work: (signal: AbortSignal) => Promise<T>,
    options: { timeout?: number; signal?: AbortSignal },
    describeTimeout: () => string,
  ): Promise<T> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) controller.abort(options.signal.reason);
    let timer: TimerHandle | undefined;
    if (options.timeout !== undefined) {
      timer = this.#host.clock.setTimer(options.timeout, () =>
        controller.abort(new WaitTimeoutError(describeTimeout(), this.info(), this.recentOutput())),
      );
    }
    try {
      return await work(controller.signal);
    } finally {
      if (timer !== undefined) this.#host.clock.clearTimer(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * For the supervisor: cancels timers and the readiness probe, closes the logs and removes every listener,
   * when the group is removed or at shutdown.
   * @internal
   */
  async _dispose(nocleanup: boolean): Promise<void> {
    for (const name of [...this.#timers.keys()]) this.#cancel(name);
    this.#probe?.stop();
    this.#probe = null;
    await this.#closing;
    await this.#output.dispose(nocleanup);
    this.#waiters.clear();
    this.removeAllListeners();
  }

  // ---- logs (issue 3) ----

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

  /** @internal The log files, for the supervisor's read/tail/clear methods. */
  get _output(): ProcessOutput {
    return this.#output;
  }

  /** @internal A log could not be written: a note in `faults` and the supervisor's `'logError'`. */
  _logFault(record: LogErrorRecord): void {
    const what = record.kind === 'syslog' ? 'syslog' : 'log';
    this.#fault(new Error(`${record.channel} ${what} ${record.target}: ${record.error.message}`));
    this.#host.logError?.(record);
  }

  // ---- internals --------------------------------------------------------------------------------------

  #stamp(): { now: number; wall: number } {
    return { now: this.#host.clock.now(), wall: this.#host.clock.wall() };
  }

  #checkCommand(): void {
    try {
      resolveCommand(this.config.command, this.#pathEnv());
    } catch (err) {
      if (err instanceof CommandError) {
        throw new SpawnError(err.kind === 'NotFound' ? 'NO_FILE' : 'NOT_EXECUTABLE', err.message, {
          cause: err,
        });
      }
      throw err;
    }
  }

  #pathEnv(): string | undefined {
    return this.config.environment.PATH ?? process.env.PATH;
  }

  #ctx(): TransitionContext {
    const c = this.config;
    return {
      name: this.name,
      startsecs: c.startsecs,
      startretries: c.startretries,
      autorestart: c.autorestart,
      exitcodes: c.exitcodes,
      stopsignal: c.stopsignal,
      stopwaitsecs: c.stopwaitsecs,
      stopasgroup: c.stopasgroup,
      killasgroup: c.killasgroup,
      supervisorRunning: this.#host.supervisorRunning(),
      signalName,
      readiness: c.readiness ? { timeout: c.readiness.timeout, startsecs: c.readiness.startsecs } : null,
    };
  }

  /**
   * Feeds an input to the machine. Returns the refusal message of this input when it was handled at once;
   * inputs arriving while another is handled are queued and handled in order right after.
   */
  #dispatch(input: Input): string | undefined {
    this.#queue.push(input);
    if (this.#busy) return undefined;
    this.#busy = true;
    let first: string | undefined;
    let isFirst = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        const result = transition(this.#snap, next, this.#ctx());
        this.#snap = result.snapshot;
        for (const effect of result.effects) this.#run(effect);
        this.#snap = result.snapshot;
        if (isFirst) first = result.error;
        isFirst = false;
        this.#notify();
      }
    } finally {
      this.#busy = false;
    }
    return first;
  }

  #run(effect: Effect): void {
    switch (effect.type) {
      case 'emit': {
        // supervisord commits each change before its event: a listener reads the state of this change,
        // even when one input makes two (BACKOFF then FATAL).
        this.#snap = effect.snapshot;
        const c = effect.change;
        this.#host.deliver(
          new ProcessStateEvent({
            state: c.to,
            processName: this.name,
            groupName: this.groupName,
            fromState: c.from,
            tries: c.tries,
            expected: c.expected,
            pid: c.pid,
          }),
          this,
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
          this.#queue.push({ type: 'signalFailed', message: (err as Error).message, ...this.#stamp() });
        }
        break;
      case 'schedule': {
        this.#cancel(effect.timer);
        const timer = effect.timer;
        this.#timers.set(
          timer,
          this.#host.clock.setTimer(effect.ms, () => {
            this.#timers.delete(timer);
            this.#dispatch({ type: 'timer', timer, ...this.#stamp() });
          }),
        );
        break;
      }
      case 'cancel':
        this.#cancel(effect.timer);
        break;
      case 'log':
        this.#host.log({ ...effect.line, time: this.#host.clock.wall() });
        break;
      case 'probe':
        this.#probe?.stop();
        if (this.config.readiness) {
          const generation = this.#generation;
          this.#probe = startProbe(this.config.readiness, {
            clock: this.#host.clock,
            name: this.name,
            pid: this.#snap.pid,
            onReady: () => {
              if (generation === this.#generation) this.#dispatch({ type: 'ready', ...this.#stamp() });
            },
          });
        }
        break;
      case 'unprobe':
        this.#probe?.stop();
        this.#probe = null;
        break;
      case 'enqueue':
        // supervisord restarts on its next loop iteration; we do it on a later turn, paced (src/pacer.ts).
        this.#host.defer(() => {
          if (this.#host.supervisorRunning()) this.#dispatch({ type: 'start', ...this.#stamp() });
        });
        break;
    }
  }

  #cancel(timer: TimerName): void {
    const handle = this.#timers.get(timer);
    if (handle !== undefined) {
      this.#host.clock.clearTimer(handle);
      this.#timers.delete(timer);
    }
  }

  /** supervisord's `spawn()` after the STARTING change: resolve, open logs, create the child. */
  #spawn(): void {
    const config = this.config;
    let file: string;
    let argv: readonly string[];
    try {
      ({ file, argv } = resolveCommand(config.command, this.#pathEnv()));
    } catch (err) {
      this.#queue.push({ type: 'spawnFailed', message: (err as Error).message, ...this.#stamp() });
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
      this.#queue.push({ type: 'spawnFailed', message, ...this.#stamp() });
      return;
    }
    let uid: number | null = null;
    let gid: number | null = null;
    let childFailure: string | undefined;
    if (config.user !== null) {
      const ids = lookupUser(config.user);
      const myUid = process.getuid?.() ?? 0;
      if (!ids) childFailure = `couldn't setuid to ${config.user}: Invalid user name ${config.user}`;
      else if (ids.uid !== myUid) {
        if (myUid !== 0) childFailure = `couldn't setuid to ${ids.uid}: Can't drop privilege as nonroot user`;
        else ({ uid, gid } = ids);
      }
    }
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    env.SUPERVISOR_ENABLED = '1';
    const serverurl = config.serverurl ?? this.#host.serverurl;
    if (serverurl) env.SUPERVISOR_SERVER_URL = serverurl;
    env.SUPERVISOR_PROCESS_NAME = this.name;
    env.SUPERVISOR_GROUP_NAME = this.groupName;
    Object.assign(env, config.environment);

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
        this.#remember(channel, chunk);
        this.#probe?.feed(channel, chunk);
        if (this.#lineWatchers.size > 0) {
          for (const w of this.#lineWatchers)
            if (w.channel === 'both' || w.channel === channel) w.splitter[channel].feed(chunk);
        }
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
      this.#child = this.#host.spawner.spawn(
        {
          name: this.name,
          file,
          argv,
          cwd: config.directory,
          env,
          uid,
          gid,
          umask: config.umask,
          redirectStderr: config.redirectStderr,
          ...(childFailure !== undefined ? { childFailure } : {}),
        },
        observer,
      );
    } catch (err) {
      this.#queue.push({
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
    this.#host.log({ level: 'error', message, time: this.#host.clock.wall() });
  }

  #notify(): void {
    if (this.#waiters.size === 0) return;
    for (const w of [...this.#waiters]) if (w()) this.#waiters.delete(w);
  }

  /** Resolves with the first non-undefined value of `check` (evaluated now and after every input). */
  #waitUntil<T>(check: () => T | undefined, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.#waiters.delete(waiter);
        reject(signal?.reason ?? new Error('aborted'));
      };
      const waiter: Waiter = () => {
        let value: T | undefined;
        try {
          value = check();
        } catch (err) {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
          return true;
        }
        if (value === undefined) return false;
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
        return true;
      };
      if (signal?.aborted) return reject(signal.reason);
      if (waiter()) return;
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
