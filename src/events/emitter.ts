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
import { eventTypeChain, type EventTypeName } from './types.js';
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

/** The methods that add or remove listeners (eventemitter3's aliases are separate functions to wrap). */
const TRACKED = ['on', 'addListener', 'once', 'removeListener', 'off', 'removeAllListeners'] as const;

/**
 * An EventEmitter that reports every change of its subscriptions (`on`, `addListener`, `once`, `off`,
 * `removeListener`, `removeAllListeners`, and a `once` listener removed as it fires) to a watcher, so work
 * that only matters to subscribers (the TICK timers) can start and stop with them. eventemitter3 has no
 * `newListener` event. The methods are wrapped on the prototype rather than overridden in TypeScript, so the
 * class keeps exactly eventemitter3's method types.
 * @example
 * ```ts
 * // Supervisor extends it: subscribe as with any eventemitter3 emitter.
 * const onTick = (e: TickEvent) => console.log(e.when);
 * sup.on('TICK_60', onTick); // the TICK timer starts
 * sup.off('TICK_60', onTick); // and stops with the last subscriber
 * ```
 */
export class SubscriptionTrackingEmitter<
  T extends EventEmitter.ValidEventTypes = string | symbol,
> extends EventEmitter<T> {
  #watcher: (() => void) | undefined;

  /** @internal Calls `fn` after every change of the subscriptions. */
  _watchSubscriptions(fn: (() => void) | undefined): void {
    this.#watcher = fn;
  }

  static {
    for (const name of TRACKED) {
      const base = EventEmitter.prototype[name] as (this: EventEmitter, ...args: unknown[]) => unknown;
      Object.defineProperty(this.prototype, name, {
        value: function (this: SubscriptionTrackingEmitter, ...args: unknown[]) {
          base.apply(this, args);
          this.#watcher?.();
          return this;
        },
        writable: true,
        configurable: true,
      });
    }
  }
}

interface ListenerEntry {
  fn: (...args: unknown[]) => unknown;
  context: unknown;
  once: boolean;
}

/**
 * Emits `event` under its type and every ancestor type. Unlike `EventEmitter.emit`, a listener that throws
 * neither stops the other listeners nor reaches the caller: `onError` gets it.
 */
export function emitSafely(
  emitter: EventEmitter,
  event: SupervisorEvent,
  onError: (error: unknown, event: SupervisorEvent) => void,
): void {
  const events = (
    emitter as unknown as { _events: Record<string, ListenerEntry | ListenerEntry[] | undefined> }
  )._events;
  const prefix = typeof EventEmitter.prefixed === 'string' ? EventEmitter.prefixed : '';
  for (const name of eventTypeChain(event.type)) {
    const entry = events[prefix + name];
    if (!entry) continue;
    const list = Array.isArray(entry) ? entry.slice() : [entry];
    for (const l of list) {
      if (l.once) emitter.removeListener(name, l.fn, undefined, true);
      try {
        const result = l.fn.call(l.context, event);
        // An async listener's rejection is reported like a throw, not left unhandled.
        if (
          result !== null &&
          typeof result === 'object' &&
          typeof (result as PromiseLike<unknown>).then === 'function'
        ) {
          (result as PromiseLike<unknown>).then(undefined, (error: unknown) => onError(error, event));
        }
      } catch (error) {
        onError(error, event);
      }
    }
  }
}

/** Reports a listener's exception: as a `listenerError` event, or as a process warning if nobody listens. */
export function reportListenerError(emitter: EventEmitter, error: unknown, event: SupervisorEvent): void {
  if (emitter.listenerCount('listenerError') > 0) {
    try {
      emitter.emit('listenerError', { error, event });
      return;
    } catch (inner) {
      error = inner;
    }
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.emitWarning(
    `procvisor: a listener for ${event.type} threw: ${message}`,
    'ProcvisorListenerWarning',
  );
}
