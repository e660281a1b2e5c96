/**
 * Typed event names and fault-tolerant emission on top of eventemitter3.
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type {
  ProcessCommunicationEvent,
  ProcessGroupEvent,
  ProcessLogEvent,
  ProcessStateEvent,
  SupervisorEvent,
  SupervisorStateChangeEvent,
  TickEvent,
} from './events.js';
import type { BufferOverflowRecord, ListenerStateChangeRecord } from '../listeners/types.js';
import { EVENT_PARENTS, eventTypeChain, type EventTypeName } from './types.js';
import type { LogErrorRecord } from '../logging/types.js';

/** The events whose `type` can be `K` (each event class's `type` is a union, so `Extract` would give never). */
export type EventOfType<K> = SupervisorEvent extends infer E
  ? E extends { type: infer T }
    ? K extends T
      ? E
      : never
    : never
  : never;

/** The event object delivered to a listener of `K`, abstract types giving the union of their subtypes. */
export type EventFor<K extends EventTypeName> = K extends 'EVENT'
  ? SupervisorEvent
  : K extends 'PROCESS_STATE'
    ? ProcessStateEvent
    : K extends 'PROCESS_LOG'
      ? ProcessLogEvent
      : K extends 'PROCESS_COMMUNICATION'
        ? ProcessCommunicationEvent
        : K extends 'SUPERVISOR_STATE_CHANGE'
          ? SupervisorStateChangeEvent
          : K extends 'PROCESS_GROUP'
            ? ProcessGroupEvent
            : K extends 'TICK'
              ? TickEvent
              : EventOfType<K>;

/** A line of supervisord's activity log (`spawned: ...`, `exited: ...`), for hosts that want it. */
export interface ActivityLogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  /** Wall-clock ms. */
  readonly time: number;
}

/** A listener threw: the error, and the event it was handling. */
export interface ListenerErrorRecord {
  readonly error: unknown;
  readonly event: SupervisorEvent;
}

/**
 * Everything a Supervisor, ProgramGroup or Process emits: every supervisord event type (abstract ones
 * included), plus `log` (the activity log) and `listenerError` (a listener threw). The Supervisor also
 * emits the event listener pools' `listenerStateChange` (a listener process moved between READY, BUSY,
 * ACKNOWLEDGED and UNKNOWN) and `eventBufferOverflow` (a pool's buffer was full: its oldest event was
 * dropped).
 */
export type SupervisorEventMap = { [K in EventTypeName]: [event: EventFor<K>] } & {
  log: [record: ActivityLogRecord];
  listenerError: [record: ListenerErrorRecord];
  /** A log file or syslog could not be written (issue 3); the child keeps running. */
  logError: [record: LogErrorRecord];
  listenerStateChange: [record: ListenerStateChangeRecord];
  eventBufferOverflow: [record: BufferOverflowRecord];
};

type Listener = (...args: unknown[]) => unknown;

/** The methods that add or remove listeners (eventemitter3's aliases are separate functions to wrap). */
const ADDERS = ['on', 'addListener', 'once'] as const;
const REMOVERS = ['off', 'removeListener'] as const;

/** Each guard's listener, for `listeners()`. */
const originals = new WeakMap<Listener, Listener>();

/**
 * The one emitter of the library: an eventemitter3 emitter whose listeners cannot hurt the emitter.
 * - A listener that throws, or returns a promise that rejects, neither stops the other listeners nor reaches
 *   the code that emitted: the error goes to the `listenerError` event of the error sink (the supervisor),
 *   or becomes a process warning when nobody listens there (or when a `listenerError` listener throws).
 * - Every change of the subscriptions is reported to a watcher, so work that only matters to subscribers
 *   (the TICK timers) starts and stops with them. eventemitter3 has no `newListener` event.
 *
 * It works through eventemitter3's public API only: each listener is registered wrapped in a guard, and
 * `listeners()`, `off()` and `removeListener()` translate back. The methods are wrapped on the prototype
 * rather than overridden in TypeScript, so the class keeps exactly eventemitter3's method types.
 *
 * It is the base class of `Supervisor`, `ProgramGroup` and `Process`; its own underscored methods are
 * internal. (Not marked internal itself: `stripInternal` would drop it from the declarations, and the three
 * classes would lose `on`, `once` and `off` for their users.)
 */
export class SafeEmitter<T extends EventEmitter.ValidEventTypes = string | symbol> extends EventEmitter<T> {
  #watcher: (() => void) | undefined;
  #sink: SafeEmitter<SupervisorEventMap> | undefined;
  readonly #guards = new Map<string | symbol, WeakMap<Listener, Listener>>();

  /** @internal Calls `fn` after every change of the subscriptions. */
  _watchSubscriptions(fn: (() => void) | undefined): void {
    this.#watcher = fn;
  }

  /** @internal Where listener errors are reported (default: this emitter). */
  _reportListenerErrorsTo(sink: SafeEmitter<SupervisorEventMap>): void {
    this.#sink = sink;
  }

  /** @internal Emits a supervisord event under its type and every ancestor type (`PROCESS_STATE`, `EVENT`). */
  _emitEvent(event: SupervisorEvent): void {
    const emit = EventEmitter.prototype.emit as (this: EventEmitter, name: string, event: unknown) => boolean;
    for (const name of eventTypeChain(event.type)) emit.call(this, name, event);
  }

  #guard(name: string | symbol, fn: Listener): Listener {
    let byFn = this.#guards.get(name);
    if (!byFn) this.#guards.set(name, (byFn = new WeakMap()));
    let guard = byFn.get(fn);
    if (!guard) {
      const report = (error: unknown, args: unknown[]) => this.#report(name, error, args[0]);
      guard = function (this: unknown, ...args: unknown[]): void {
        try {
          const result = fn.apply(this, args);
          if (isThenable(result)) result.then(undefined, (error: unknown) => report(error, args));
        } catch (error) {
          report(error, args);
        }
      };
      byFn.set(fn, guard);
      originals.set(guard, fn);
    }
    return guard;
  }

  #report(name: string | symbol, error: unknown, arg: unknown): void {
    const sink = this.#sink ?? (this as unknown as SafeEmitter<SupervisorEventMap>);
    const isEvent = typeof name === 'string' && name in EVENT_PARENTS;
    if (isEvent && sink.listenerCount('listenerError') > 0) {
      sink.emit('listenerError', { error, event: arg as SupervisorEvent });
      return;
    }
    const what = isEvent ? `a listener for ${String(name)}` : `a '${String(name)}' listener`;
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.emitWarning(`procvisor: ${what} threw: ${text}`, 'ProcvisorListenerWarning');
  }

  static {
    const proto = EventEmitter.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    const define = (name: string, value: (this: SafeEmitter, ...args: unknown[]) => unknown) =>
      Object.defineProperty(this.prototype, name, { value, writable: true, configurable: true });
    for (const name of ADDERS) {
      const base = proto[name]!;
      define(name, function (event, fn, ...rest) {
        base.call(this, event, this.#guard(event as string | symbol, fn as Listener), ...rest);
        this.#watcher?.();
        return this;
      });
    }
    for (const name of REMOVERS) {
      const base = proto[name]!;
      define(name, function (event, fn, ...rest) {
        const guard = fn ? this.#guards.get(event as string | symbol)?.get(fn as Listener) : undefined;
        base.call(this, event, guard ?? fn, ...rest);
        this.#watcher?.();
        return this;
      });
    }
    const removeAll = proto.removeAllListeners!;
    define('removeAllListeners', function (...args) {
      removeAll.apply(this, args);
      this.#watcher?.();
      return this;
    });
    const listeners = proto.listeners!;
    define('listeners', function (event) {
      return (listeners.call(this, event) as Listener[]).map((g) => originals.get(g) ?? g);
    });
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
