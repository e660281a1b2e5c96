/**
 * The one waiting primitive. Every wait of the library (`waitForState`, `waitForOutput`, `waitForSettled`,
 * `waitForReady`, `launch`, a start or stop that waits for its state) is a {@link Waiters.wait}: a check run
 * now and on every {@link Waiters.notify}, a timeout through the {@link Clock} seam, an AbortSignal, and a
 * {@link Waiters.close} that rejects whatever is still pending when its owner goes away. Each settles exactly
 * once and always removes its timer and its abort listener.
 * @module
 */
import type { Clock, TimerHandle } from './clock.js';

/** How one wait is bounded. */
export interface WaitBounds {
  /** Milliseconds until the wait fails with `onTimeout()`. Default: no limit. */
  readonly timeout?: number | undefined;
  /** Abandons the wait: it rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

/** One wait's check and its reports. */
export interface WaitSpec<T, A> extends WaitBounds {
  /**
   * Returns the value to resolve with, or undefined to keep waiting; a throw rejects the wait. It receives
   * what {@link Waiters.notify} was called with (undefined for the first check).
   */
  readonly check: (changed: A | undefined) => T | undefined;
  /** The error for a timeout. */
  readonly onTimeout?: () => Error;
  /** Called once when the wait settles, however it settles (to detach a line watcher, for instance). */
  readonly onSettle?: () => void;
}

interface Entry<A> {
  test(changed: A | undefined): void;
  fail(error: unknown): void;
}

/** A set of pending waits on one owner (a process, or a supervisor). */
export class Waiters<A = void> {
  readonly #clock: Clock;
  readonly #pending = new Set<Entry<A>>();
  #closed: (() => Error) | null = null;

  /** @param clock - where timeouts are measured */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** How many waits are pending. */
  get size(): number {
    return this.#pending.size;
  }

  /** A promise for the first value `spec.check` returns (checked at once, then on every notify). */
  wait<T>(spec: WaitSpec<T, A>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: TimerHandle | undefined;
      let settled = false;
      const finish = (settle: () => void): void => {
        if (settled) return;
        settled = true;
        this.#pending.delete(entry);
        if (timer !== undefined) this.#clock.clearTimer(timer);
        spec.signal?.removeEventListener('abort', onAbort);
        try {
          spec.onSettle?.();
        } finally {
          settle();
        }
      };
      const entry: Entry<A> = {
        test: (changed) => {
          let value: T | undefined;
          try {
            value = spec.check(changed);
          } catch (error) {
            finish(() => reject(error));
            return;
          }
          if (value !== undefined) finish(() => resolve(value));
        },
        fail: (error) => finish(() => reject(error)),
      };
      const onAbort = (): void => entry.fail(spec.signal?.reason);
      if (this.#closed) return finish(() => reject(this.#closed!()));
      if (spec.signal?.aborted) return finish(() => reject(spec.signal?.reason));
      entry.test(undefined);
      if (settled) return;
      this.#pending.add(entry);
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      if (spec.timeout !== undefined) {
        const onTimeout = spec.onTimeout ?? (() => new Error(`timed out after ${spec.timeout} ms`));
        timer = this.#clock.setTimer(spec.timeout, () => entry.fail(onTimeout()));
      }
    });
  }

  /** Runs every pending check (something they may depend on has changed). */
  notify(changed?: A): void {
    if (this.#pending.size === 0) return;
    for (const entry of [...this.#pending]) entry.test(changed);
  }

  /**
   * The owner is going away: every pending wait rejects with `reason()`, and so does every later one.
   * Idempotent; the first reason stays.
   */
  close(reason: () => Error): void {
    this.#closed ??= reason;
    for (const entry of [...this.#pending]) entry.fail(this.#closed());
  }

  /** Rejects the pending waits with `reason()` without closing (later waits are accepted). */
  failAll(reason: () => Error): void {
    for (const entry of [...this.#pending]) entry.fail(reason());
  }
}
