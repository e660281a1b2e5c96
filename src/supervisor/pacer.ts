/**
 * Paces automatic starts. supervisord restarts an exited process, and retries one in BACKOFF, on the next
 * iteration of its main loop; procvisor does it on the next turn of the event loop, a few at a time, so that
 * a hundred programs crashing together do not block the host for a hundred synchronous forks in one turn.
 * A turn runs at most {@link STARTS_PER_TURN} starts, and no more once {@link TURN_BUDGET_MS} of it went to
 * starts: a fork costs about 1 ms on one machine and 4 ms on another, and the turn should stay short on both.
 * The budget is read on the supervisor's clock, so a manual clock (which does not move during a turn) leaves
 * only the count.
 * @module
 */
import type { Clock, TimerHandle } from '../clock.js';

/** How many automatic starts run in one turn of the event loop. */
export const STARTS_PER_TURN = 4;

/** After this many ms of starts in one turn, the rest wait for the next turn (at least one runs). */
export const TURN_BUDGET_MS = 4;

/** A queue of deferred starts, run a few per turn (see the module comment), through the clock seam. */
export class Pacer {
  readonly #clock: Clock;
  #queue: { readonly owner: object; readonly fn: () => void }[] = [];
  #timer: TimerHandle | undefined;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Runs `fn` on a later turn, after the ones deferred before it, unless `owner` is cancelled first. */
  defer(owner: object, fn: () => void): void {
    this.#queue.push({ owner, fn });
    this.#timer ??= this.#clock.setTimer(0, () => this.#drain());
  }

  /** Drops what `owner` deferred and has not run yet (its group is removed). */
  cancel(owner: object): void {
    this.#queue = this.#queue.filter((entry) => entry.owner !== owner);
  }

  /** Drops everything not yet run (the supervisor is shutting down). */
  clear(): void {
    this.#queue = [];
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #drain(): void {
    this.#timer = undefined;
    const began = this.#clock.now();
    try {
      for (let ran = 0; ran < STARTS_PER_TURN && this.#queue.length > 0; ran++) {
        if (ran > 0 && this.#clock.now() - began >= TURN_BUDGET_MS) break;
        this.#queue.shift()!.fn();
      }
    } finally {
      if (this.#queue.length > 0) this.#timer ??= this.#clock.setTimer(0, () => this.#drain());
    }
  }
}
