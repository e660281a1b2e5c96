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
} from './events.js';
import { eventTypeChain, type EventTypeName } from './types.js';
import type { LogErrorRecord } from '../logging/types.js';

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
            : Extract<SupervisorEvent, { type: K }>;

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
 * included), plus `log` (the activity log) and `listenerError` (a listener threw).
 */
export type SupervisorEventMap = { [K in EventTypeName]: [event: EventFor<K>] } & {
  log: [record: ActivityLogRecord];
  listenerError: [record: ListenerErrorRecord];
  /** A log file or syslog could not be written (issue 3); the child keeps running. */
  logError: [record: LogErrorRecord];
};

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
        l.fn.call(l.context, event);
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
