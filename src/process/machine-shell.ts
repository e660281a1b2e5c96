/**
 * The machine shell of one process: it feeds inputs (requests, spawns, exits, timers) to the pure
 * {@link transition}, commits the new snapshot, then carries out the effects in order (timers, signals, the
 * spawn, the readiness probe, paced restarts).
 *
 * Nothing re-enters the machine. Inputs the effects produce (the spawner's synchronous report, a failed
 * signal) are handled right after the input that produced them; requests made meanwhile (a listener calling
 * `stop()` from a STARTING event) wait in a mailbox and are applied afterwards, in the order they were made,
 * each with its own outcome.
 * @module
 */
import type { TimerHandle } from '../clock.js';
import { signalName } from '../config/datatypes.js';
import type { ProcessConfig } from '../config/types.js';
import { INITIAL_SNAPSHOT, type Effect, type Input, type Snapshot, type TimerName } from '../core/machine.js';
import { STOPPED_STATES } from '../core/states.js';
import { transition } from '../core/transitions.js';
import { ProcessStateEvent, type SupervisorEvent } from '../events/events.js';
import type { ProcessOutput } from '../logging/process-output.js';
import type { ChildHandle, ChildObserver } from '../platform/spawner.js';
import type { ProcessContext } from './context.js';
import type { OutputWatch } from './output-watch.js';
import { startProbe, type Probe } from './readiness.js';
import { prepare, spawnRequest, type Prepared } from './spawn-request.js';

/** What the shell reports to, and reads from, its process. */
export interface ShellHooks {
  readonly output: ProcessOutput;
  readonly watch: OutputWatch;
  /** The stdout tap of an event listener pool, if any. */
  tap(): ((chunk: Buffer) => void) | null;
  /** An event of this process (a state change). */
  deliver(event: SupervisorEvent): void;
  /** The snapshot changed: waits re-check. */
  changed(): void;
  /** A problem that does not stop the process. */
  fault(error: Error): void;
  /** The descriptor the child gets as stdin instead of a pipe (a FastCGI socket), if any. */
  stdinFd(): number | undefined;
}

/** The state machine of one process and the effects it asks for. */
export class MachineShell {
  readonly #config: ProcessConfig;
  readonly #ctx: ProcessContext;
  readonly #hooks: ShellHooks;
  /** Whose paced starts these are (the Process), for cancelling them. */
  readonly #owner: object;
  /** The snapshot as of the last committed change. */
  snap: Snapshot = INITIAL_SNAPSHOT;
  /** The live child, or null. */
  child: ChildHandle | null = null;
  /** Settles when the last child's logs are closed. */
  closing: Promise<void> = Promise.resolve();
  /**
   * How many times the process has come to a stopped state: a stop waits for this to grow, since a request
   * made from the STOPPED listener (a start) may already have moved it on when the stop looks.
   */
  stops = 0;
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
  #probe: Probe | null = null;

  constructor(config: ProcessConfig, ctx: ProcessContext, hooks: ShellHooks, owner: object) {
    this.#config = config;
    this.#ctx = ctx;
    this.#hooks = hooks;
    this.#owner = owner;
  }

  /** The process went away: only clean-up runs from now on. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** An autostart: with `prepared` now, else once the command is resolved; only if it never started. */
  autostart(prepared?: Prepared): void {
    const eligible = () =>
      this.#config.autostart &&
      this.snap.laststart === 0 &&
      this.snap.state === 'STOPPED' &&
      !this.#disposed &&
      this.#ctx.phase() === 'running';
    const start = (p: Prepared) => {
      if (eligible()) this.post(() => void (eligible() && this.dispatchStart(p)));
    };
    if (!eligible()) return;
    if (prepared) start(prepared);
    else prepare(this.#config, this.#ctx.resolveCommand, start);
  }

  /** supervisord's `stop_all` for one process: RUNNING and STARTING stop, BACKOFF gives up. */
  stopForShutdown(): void {
    this.post(() => {
      const state = this.snap.state;
      if (state === 'RUNNING' || state === 'STARTING') this.dispatch({ type: 'stop', ...this.stamp() });
      else if (state === 'BACKOFF') this.dispatch({ type: 'giveUp', ...this.stamp() });
    });
  }

  /** Cancels timers, queued requests, paced starts and the probe; nothing runs any more. */
  dispose(): void {
    this.#disposed = true;
    for (const name of [...this.#timers.keys()]) this.cancel(name);
    this.#ctx.deferrer.cancel(this.#owner);
    this.#mailbox = [];
    this.#probe?.stop();
    this.#probe = null;
  }

  stamp(): { now: number; wall: number } {
    return { now: this.#ctx.clock.now(), wall: this.#ctx.clock.wall() };
  }

  /**
   * Runs a request now, or, while the machine is busy, after the current input and the requests made before
   * it; the caller then gets a promise of the outcome.
   */
  request<T>(run: () => T): T | Promise<Awaited<T>> {
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

  /** A request of the machine's own (an automatic start, a shutdown stop): like request(), nobody awaits it. */
  post(run: () => void): void {
    if (!this.#busy && this.#mailbox.length === 0) return run();
    this.#mailbox.push(run);
  }

  dispatchStart(prepared: Prepared): void {
    this.#prepared = prepared;
    try {
      this.dispatch({ type: 'start', ...this.stamp() });
    } finally {
      this.#prepared = null;
    }
  }

  /** Feeds an input to the machine; returns its refusal message. While busy, it is handled next. */
  dispatch(input: Input): string | undefined {
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
    const c = this.#config;
    const result = transition(this.snap, input, {
      name: this.#config.name,
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
      backoff: c.backoff,
      retryAfterFatal: c.retryAfterFatal,
    });
    const wasStopped = STOPPED_STATES.has(this.snap.state);
    this.snap = result.snapshot;
    if (!wasStopped && STOPPED_STATES.has(this.snap.state)) this.stops++;
    for (const effect of result.effects) this.#run(effect);
    this.snap = result.snapshot;
    this.#hooks.changed();
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
        this.snap = effect.snapshot;
        const c = effect.change;
        this.#hooks.deliver(
          new ProcessStateEvent({
            state: c.to,
            processName: this.#config.name,
            groupName: this.#config.groupName,
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
          this.child?.kill(effect.signal, effect.group);
        } catch (err) {
          this.#internal.push({ type: 'signalFailed', message: (err as Error).message, ...this.stamp() });
        }
        break;
      case 'schedule':
        // Jitter is the shell's: the core stays pure (no randomness inside a transition).
        this.#schedule(effect.timer, effect.ms * (1 + (effect.jitter ?? 0) * (2 * Math.random() - 1)));
        break;
      case 'cancel':
        this.cancel(effect.timer);
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
        // supervisord restarts on its next loop iteration; we do it on a later turn, paced. The command is
        // resolved first and the fork is what waits for its turn: starts of one program share the lookup in
        // flight, and its answer must not release them all into one turn.
        prepare(this.#config, this.#ctx.resolveCommand, (prepared) => {
          // Gone, or shutting down meanwhile (the pacer was cleared): nothing to start, no turn to ask for.
          if (this.#disposed || this.#ctx.phase() !== 'running') return;
          this.#ctx.deferrer.defer(this.#owner, () => {
            if (this.#ctx.phase() === 'running') this.post(() => this.dispatchStart(prepared));
          });
        });
        break;
    }
  }

  #schedule(timer: TimerName, ms: number): void {
    this.cancel(timer);
    const fire = () => this.dispatch({ type: 'timer', timer, ...this.stamp() });
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
    // A backoff retry is a start: its command is resolved when the delay is over, the fork is paced as an
    // automatic restart's, and the retry goes ahead only if nothing cancelled it meanwhile.
    const handle = this.#ctx.clock.setTimer(ms, () => {
      const token = Symbol('preparing');
      this.#timers.set(timer, token);
      prepare(this.#config, this.#ctx.resolveCommand, (prepared) => {
        if (this.#timers.get(timer) !== token) return;
        this.#ctx.deferrer.defer(this.#owner, () => {
          if (this.#timers.get(timer) !== token) return;
          this.#timers.delete(timer);
          this.post(() => {
            this.#prepared = prepared;
            try {
              fire();
            } finally {
              this.#prepared = null;
            }
          });
        });
      });
    });
    this.#timers.set(timer, handle);
  }

  cancel(timer: TimerName): void {
    const handle = this.#timers.get(timer);
    if (handle === undefined) return;
    if (typeof handle !== 'symbol') this.#ctx.clock.clearTimer(handle);
    this.#timers.delete(timer);
  }

  #startProbe(): void {
    this.#probe?.stop();
    if (!this.#config.readiness) return;
    const generation = this.#generation;
    this.#probe = startProbe(this.#config.readiness, {
      clock: this.#ctx.clock,
      name: this.#config.name,
      pid: this.snap.pid,
      onReady: () => {
        if (generation === this.#generation) this.dispatch({ type: 'ready', ...this.stamp() });
      },
    });
  }

  /** supervisord's `spawn()` after the STARTING change: open logs, create the child. */
  #spawn(): void {
    const prepared = this.#prepared;
    if (!prepared || 'error' in prepared) {
      const message = prepared && 'error' in prepared ? prepared.error.message : 'command was not resolved';
      this.#internal.push({ type: 'spawnFailed', message, ...this.stamp() });
      return;
    }
    try {
      this.#hooks.output.open();
    } catch (err) {
      // Nothing is expected to throw here: the log files open in the background, and running out of
      // descriptors fails at the fork (the spawner's `too many open files to spawn`). Anything else gets
      // supervisord's message for a failure to set up the child's output.
      const code = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      const message = `unknown error making dispatchers for '${this.#config.name}': ${code}`;
      this.#internal.push({ type: 'spawnFailed', message, ...this.stamp() });
      return;
    }
    const settings = this.#ctx.settings();
    const generation = ++this.#generation;
    const current = () => generation === this.#generation;
    const observer: ChildObserver = {
      spawned: (pid) => {
        if (current()) this.dispatch({ type: 'spawned', pid, ...this.stamp() });
      },
      spawnFailed: (message) => {
        if (!current()) return;
        this.child = null;
        this.dispatch({ type: 'spawnFailed', message, ...this.stamp() });
      },
      output: (channel, chunk) => {
        if (!current()) return;
        this.#hooks.watch.feed(channel, chunk);
        this.#probe?.feed(channel, chunk);
        this.#hooks.output.write(channel, chunk);
        if (channel === 'stdout') this.#hooks.tap()?.(chunk);
      },
      exit: (exitstatus, sig) => {
        if (!current()) return;
        this.child = null;
        this.closing = this.#hooks.output.close().catch((err: Error) => this.#hooks.fault(err));
        this.dispatch({ type: 'exit', exitstatus, signal: sig, ...this.stamp() });
      },
    };
    try {
      const request = spawnRequest(this.#config, prepared.ok, settings);
      const stdinFd = this.#hooks.stdinFd();
      this.child = this.#ctx.spawner.spawn(
        stdinFd === undefined ? request : { ...request, stdinFd },
        observer,
      );
    } catch (err) {
      this.#internal.push({
        type: 'spawnFailed',
        message: `unknown error during fork for '${this.#config.name}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        ...this.stamp(),
      });
    }
  }
}
