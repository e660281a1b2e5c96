/**
 * EventHub: what a Supervisor adds to its in-process events for supervisord's event system: the listener
 * pools (each sees every event, in emission order), the global event serial, and the TICK timer, armed only
 * while someone subscribes to a TICK type.
 * @module
 */
import type { EventEmitter } from 'eventemitter3';
import type { Clock } from '../clock.js';
import type { GroupConfig } from '../config/types.js';
import type { ActivityLogRecord, SupervisorEventMap } from '../events/emitter.js';
import { TICK_PERIODS, type SupervisorEvent, type TickPeriod } from '../events/events.js';
import type { Process } from '../process/process.js';
import { EventListenerPool } from './pool.js';
import { TickTimer } from './ticks.js';

/** What the hub needs from its supervisor: its clock, the emitter it reports on, and its emit and log. */
export interface HubHost {
  readonly clock: Clock;
  /** The supervisor: its in-process subscriptions, and where pool reports are emitted. */
  readonly emitter: EventEmitter<SupervisorEventMap>;
  identifier(): string;
  /** Emits an event as the supervisor emits every event (in-process listeners, then the pools). */
  emit(event: SupervisorEvent): void;
  /** Writes an activity-log line. */
  log(level: ActivityLogRecord['level'], message: string): void;
}

const MAX_SERIAL = Number.MAX_SAFE_INTEGER;

/** The supervisor's listener pools, event serials and tick timer. Internal. */
export class EventHub {
  readonly #host: HubHost;
  readonly #pools = new Map<string, EventListenerPool>();
  /** The pools in order, as a new array at each change: {@link notify} walks the one it started with. */
  #poolList: readonly EventListenerPool[] = [];
  /** The event being handed to the pools, and its serial once a pool accepted it (-1 before). */
  #current: SupervisorEvent | null = null;
  #currentSerial = -1;
  readonly #ticks: TickTimer;
  #serial = -1;
  #active = false;

  constructor(host: HubHost) {
    this.#host = host;
    this.#ticks = new TickTimer(host.clock, (event) => host.emit(event));
  }

  /** Whether the tick timer is set (for tests: an idle supervisor has none). */
  get ticking(): boolean {
    return this.#ticks.armed;
  }

  /** Creates the pool of an event listener group and subscribes it (before its PROCESS_GROUP_ADDED). */
  addPool(config: GroupConfig, processes: readonly Process[]): EventListenerPool {
    const host = this.#host;
    const pool = new EventListenerPool(config, processes, {
      identifier: () => host.identifier(),
      serialOf: (event) => this.#serialOf(event),
      log: (level, message) => host.log(level, message),
      listenerStateChange: (record) => host.emitter.emit('listenerStateChange', record),
      bufferOverflow: (record) => host.emitter.emit('eventBufferOverflow', record),
    });
    this.#pools.set(config.name, pool);
    this.#poolList = [...this.#pools.values()];
    this.refresh();
    return pool;
  }

  /** Unsubscribes a pool whose group is being removed (before its PROCESS_GROUP_REMOVED). */
  removePool(name: string): void {
    const pool = this.#pools.get(name);
    if (!pool) return;
    pool._remove();
    this.#pools.delete(name);
    this.#poolList = [...this.#pools.values()];
    this.refresh();
  }

  /**
   * Hands an event to every pool, in the order they were added (supervisord's subscription order). A pool
   * whose result handler emits an event meanwhile notifies that one inside this call, hence the save and
   * restore of the current event.
   */
  notify(event: SupervisorEvent): void {
    const outer = this.#current;
    const outerSerial = this.#currentSerial;
    this.#current = event;
    this.#currentSerial = -1;
    try {
      for (const pool of this.#poolList) pool._notify(event);
    } finally {
      this.#current = outer;
      this.#currentSerial = outerSerial;
    }
  }

  /** The supervisor runs: TICK events may be emitted from now on. */
  start(): void {
    this.#active = true;
    this.refresh();
  }

  /** The supervisor is done: no more TICK events. */
  stop(): void {
    this.#active = false;
    this.refresh();
  }

  /** Re-reads who subscribes to TICK events and arms or disarms the timer. */
  refresh(): void {
    const periods = new Set<TickPeriod>();
    if (this.#active) {
      const emitter = this.#host.emitter;
      const general = emitter.listenerCount('TICK') + emitter.listenerCount('EVENT');
      for (const period of TICK_PERIODS) {
        const type = `TICK_${period}` as const;
        if (
          general > 0 ||
          emitter.listenerCount(type) > 0 ||
          [...this.#pools.values()].some((p) => p.subscribes(type))
        ) {
          periods.add(period);
        }
      }
    }
    this.#ticks.watch(periods);
  }

  /**
   * supervisord's `GlobalSerial`: given the first time any pool accepts the event; wraps to 0. Pools ask
   * only while {@link notify} hands them the event (every emission is a new event object), so the serial
   * lives beside the current event rather than in a map of every event.
   */
  #serialOf(event: SupervisorEvent): number {
    if (event === this.#current && this.#currentSerial >= 0) return this.#currentSerial;
    this.#serial = this.#serial >= MAX_SERIAL ? 0 : this.#serial + 1;
    if (event === this.#current) this.#currentSerial = this.#serial;
    return this.#serial;
  }
}
