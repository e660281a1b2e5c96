/**
 * supervisord's event type hierarchy (`supervisor/events.py EventTypes`). Abstract types are never emitted
 * themselves; every event is also emitted under each of its ancestors.
 * @module
 */

/** Each event type and its parent (null for the root, EVENT). */
export const EVENT_PARENTS = {
  EVENT: null,
  PROCESS_STATE: 'EVENT',
  PROCESS_STATE_STOPPED: 'PROCESS_STATE',
  PROCESS_STATE_EXITED: 'PROCESS_STATE',
  PROCESS_STATE_STARTING: 'PROCESS_STATE',
  PROCESS_STATE_STOPPING: 'PROCESS_STATE',
  PROCESS_STATE_BACKOFF: 'PROCESS_STATE',
  PROCESS_STATE_FATAL: 'PROCESS_STATE',
  PROCESS_STATE_RUNNING: 'PROCESS_STATE',
  PROCESS_STATE_UNKNOWN: 'PROCESS_STATE',
  PROCESS_COMMUNICATION: 'EVENT',
  PROCESS_COMMUNICATION_STDOUT: 'PROCESS_COMMUNICATION',
  PROCESS_COMMUNICATION_STDERR: 'PROCESS_COMMUNICATION',
  PROCESS_LOG: 'EVENT',
  PROCESS_LOG_STDOUT: 'PROCESS_LOG',
  PROCESS_LOG_STDERR: 'PROCESS_LOG',
  REMOTE_COMMUNICATION: 'EVENT',
  SUPERVISOR_STATE_CHANGE: 'EVENT',
  SUPERVISOR_STATE_CHANGE_RUNNING: 'SUPERVISOR_STATE_CHANGE',
  SUPERVISOR_STATE_CHANGE_STOPPING: 'SUPERVISOR_STATE_CHANGE',
  TICK: 'EVENT',
  TICK_5: 'TICK',
  TICK_60: 'TICK',
  TICK_3600: 'TICK',
  PROCESS_GROUP: 'EVENT',
  PROCESS_GROUP_ADDED: 'PROCESS_GROUP',
  PROCESS_GROUP_REMOVED: 'PROCESS_GROUP',
  /** procvisor, not supervisord: a health check changed its verdict. */
  PROCESS_HEALTH: 'EVENT',
} as const;

/**
 * Event types supervisord does not have. A listener pool subscribed to `EVENT` does not get them: only a pool
 * that names them does, so that supervisord's listeners never see an event name they do not know.
 */
export const PROCVISOR_EVENT_TYPES: ReadonlySet<EventTypeName> = new Set(['PROCESS_HEALTH']);

/** Any event type name, abstract or concrete. */
export type EventTypeName = keyof typeof EVENT_PARENTS;

/** Abstract event types: subscribed to, never emitted directly. */
export const ABSTRACT_EVENT_TYPES: ReadonlySet<EventTypeName> = new Set([
  'EVENT',
  'PROCESS_STATE',
  'PROCESS_COMMUNICATION',
  'PROCESS_LOG',
  'SUPERVISOR_STATE_CHANGE',
  'TICK',
  'PROCESS_GROUP',
]);

const chains = new Map<EventTypeName, readonly EventTypeName[]>();

/** The type itself followed by its ancestors up to EVENT: the names an event is emitted under. */
export function eventTypeChain(type: EventTypeName): readonly EventTypeName[] {
  let chain = chains.get(type);
  if (!chain) {
    const list: EventTypeName[] = [];
    for (let t: EventTypeName | null = type; t; t = EVENT_PARENTS[t]) list.push(t);
    chain = Object.freeze(list);
    chains.set(type, chain);
  }
  return chain;
}

/** Whether `type` is `ancestor` or one of its subtypes. */
export function isEventSubtype(type: EventTypeName, ancestor: EventTypeName): boolean {
  return eventTypeChain(type).includes(ancestor);
}
