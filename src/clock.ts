/**
 * The time seam. Processes read time and set timers only through a {@link Clock}, so tests can drive
 * startsecs, backoff and stop escalation exactly with a {@link ManualClock}.
 * @module
 */

/** An opaque timer handle returned by {@link Clock.setTimer}. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/** Where time comes from. */
export interface Clock {
  /** Monotonic milliseconds, for durations. */
  now(): number;
  /** Wall-clock milliseconds since the epoch, for reports. */
  wall(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimer(ms: number, fn: () => void): TimerHandle;
  /** Cancels a timer; a no-op for one that already fired. */
  clearTimer(handle: TimerHandle): void;
}

/** The longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timer of any length: a Node timer, re-armed while the delay is longer than one can hold. */
class LongTimer {
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number, fn: () => void) {
    this.#arm(performance.now() + Math.max(0, ms), fn);
  }

  #arm(at: number, fn: () => void): void {
    const left = at - performance.now();
    if (left > MAX_TIMER_MS) this.#timer = setTimeout(() => this.#arm(at, fn), MAX_TIMER_MS);
    else this.#timer = setTimeout(fn, Math.max(0, left));
  }

  /** Lets the host exit while only this timer is pending. */
  unref(): this {
    this.#timer?.unref();
    return this;
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}

/**
 * Calls `fn` after `ms` milliseconds, however long (Node's own timers fire at once, with a warning, past
 * 2^31 - 1 ms, which `startsecs` or `stopwaitsecs` can ask for). Cancel with `handle.clear()`.
 */
export function longTimer(ms: number, fn: () => void): { clear(): void; unref(): unknown } {
  return new LongTimer(ms, fn);
}

/** The real clock: `performance.now()`, `Date.now()` and Node timers, of any delay (re-armed past 2^31 - 1 ms). */
export const systemClock: Clock = {
  now: () => performance.now(),
  wall: () => Date.now(),
  setTimer: (ms, fn) => (ms > MAX_TIMER_MS ? new LongTimer(ms, fn) : setTimeout(fn, ms)),
  clearTimer: (h) => {
    if (h instanceof LongTimer) h.clear();
    else clearTimeout(h as ReturnType<typeof setTimeout>);
  },
};

interface ManualTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to. Timers fire in deadline order (ties in creation order) during
 * {@link ManualClock.advance}.
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const sup = new Supervisor(config, { clock, spawner });
 * clock.advance(1000); // startsecs elapse: STARTING becomes RUNNING
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #wallOffset: number;
  #seq = 0;
  #timers = new Set<ManualTimer>();

  /**
   * A clock stopped at `start`.
   * @param start - initial monotonic time, in milliseconds
   * @param wallStart - initial wall-clock time, in epoch milliseconds
   */
  constructor(start = 1_000_000, wallStart = Date.UTC(2026, 0, 1)) {
    this.#now = start;
    this.#wallOffset = wallStart - start;
  }

  now(): number {
    return this.#now;
  }

  wall(): number {
    return this.#now + this.#wallOffset;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const t: ManualTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.add(t);
    return t;
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle as ManualTimer);
  }

  /** Number of timers waiting to fire. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.#timers) {
        if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.#timers.delete(next);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = target;
  }
}
