/**
 * TICK_5, TICK_60 and TICK_3600 from a {@link Clock} timer (`supervisor/supervisord.py Supervisor.tick`).
 * supervisord checks the time on every pass of its main loop; procvisor sets one timer for the next period
 * boundary, and only while someone subscribes, so an idle supervisor has no tick timer at all.
 * @module
 */
import type { Clock, TimerHandle } from '../clock.js';
import { TICK_PERIODS, TickEvent, type TickPeriod } from '../events/events.js';

/** supervisord's `timeslice(period, when)`: the start of the period containing `when` (seconds). */
export function timeslice(period: number, when: number): number {
  return Math.trunc(when - (when % period));
}

/**
 * Emits a TickEvent when the wall clock enters a new period, for each period it is told to watch. The first
 * period is recorded silently when watching starts (as supervisord records it at startup), so the first
 * event comes at the next boundary, with `when` = that boundary.
 */
export class TickTimer {
  readonly #clock: Clock;
  readonly #emit: (event: TickEvent) => void;
  /** The last period start seen, per watched period. */
  readonly #last = new Map<TickPeriod, number>();
  #timer: TimerHandle | null = null;
  #timerAt = 0;
  #firing = false;

  constructor(clock: Clock, emit: (event: TickEvent) => void) {
    this.#clock = clock;
    this.#emit = emit;
  }

  /** Whether a timer is set. */
  get armed(): boolean {
    return this.#timer !== null;
  }

  /** Watches exactly these periods from now on (none: no timer). */
  watch(periods: ReadonlySet<TickPeriod>): void {
    const now = this.#clock.wall() / 1000;
    for (const p of [...this.#last.keys()]) if (!periods.has(p)) this.#last.delete(p);
    for (const p of periods) if (!this.#last.has(p)) this.#last.set(p, timeslice(p, now));
    this.#schedule();
  }

  #schedule(): void {
    if (this.#firing) return;
    if (this.#last.size === 0) {
      this.#clear();
      return;
    }
    let next = Infinity;
    for (const [period, last] of this.#last) next = Math.min(next, (last + period) * 1000);
    if (this.#timer !== null && this.#timerAt === next) return;
    this.#clear();
    this.#timerAt = next;
    // At least 1 ms: a timer that fires before the wall clock reaches the boundary simply sets another.
    this.#timer = this.#clock.setTimer(Math.max(1, next - this.#clock.wall()), () => {
      this.#timer = null;
      this.#fire();
    });
  }

  #clear(): void {
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
  }

  #fire(): void {
    this.#firing = true;
    try {
      const now = this.#clock.wall() / 1000;
      for (const period of TICK_PERIODS) {
        const last = this.#last.get(period);
        if (last === undefined) continue;
        const slice = timeslice(period, now);
        if (slice === last) continue;
        this.#last.set(period, slice);
        this.#emit(new TickEvent(period, slice));
      }
    } finally {
      this.#firing = false;
    }
    this.#schedule();
  }
}
