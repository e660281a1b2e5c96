/**
 * Paces automatic starts. supervisord restarts an exited process, and retries one in BACKOFF, on the next
 * iteration of its main loop; procvisor does it on the next turn of the event loop, a few at a time, so that
 * a hundred programs crashing together do not block the host for a hundred synchronous forks in one turn.
 * @module
 */
import type { Clock, TimerHandle } from '../clock.js';

/** How many automatic starts run in one turn of the event loop. */
export const STARTS_PER_TURN = 4;

/** A queue of deferred starts, run {@link STARTS_PER_TURN} per turn, through the clock seam. */
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
    const batch = this.#queue.splice(0, STARTS_PER_TURN);
    if (this.#queue.length > 0) this.#timer = this.#clock.setTimer(0, () => this.#drain());
    for (const entry of batch) entry.fn();
  }
}
