/**
 * Waiting on events and conditions, with generous deadlines and no bare sleeps. Every helper removes its
 * listener whether it resolves, rejects or times out.
 */
import type { EventEmitter } from 'eventemitter3';

/** The default deadline: long enough for a loaded CI machine, never an assertion about speed. */
export const DEADLINE_MS = 10_000;

type AnyEmitter = Pick<EventEmitter, 'on' | 'off'>;

/**
 * Resolves with the first `type` event emitted on `emitter` that satisfies `predicate`; rejects after
 * `timeoutMs`. The listener is removed in every case.
 */
export function waitForEvent<E = unknown>(
  emitter: AnyEmitter,
  type: string,
  predicate: (event: E) => boolean = () => true,
  timeoutMs = DEADLINE_MS,
): Promise<E> {
  return new Promise<E>((resolve, reject) => {
    const listener = (event: E) => {
      let ok: boolean;
      try {
        ok = predicate(event);
      } catch (err) {
        done();
        reject(err as Error);
        return;
      }
      if (ok) {
        done();
        resolve(event);
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${type}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      emitter.off(type, listener);
    };
    emitter.on(type, listener);
  });
}

/**
 * Resolves once `check()` returns a value other than undefined/false, checking at once and then every
 * `intervalMs`; rejects after `timeoutMs`. For conditions no event announces (a pid disappearing).
 */
export async function waitUntil<T>(
  check: () => T | undefined | false,
  what: string,
  timeoutMs = DEADLINE_MS,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Records every event of `type` on `emitter` from now on, so a test can act first and then wait for an
 * event that may already have happened. Call `dispose()` (or use `using`) to remove the listener.
 */
export class EventRecorder<E = unknown> implements Disposable {
  readonly events: E[] = [];
  readonly #emitter: AnyEmitter;
  readonly #type: string;
  readonly #waiters = new Set<() => void>();
  readonly #listener = (event: E) => {
    this.events.push(event);
    for (const w of [...this.#waiters]) w();
  };

  constructor(emitter: AnyEmitter, type: string) {
    this.#emitter = emitter;
    this.#type = type;
    emitter.on(type, this.#listener);
  }

  /**
   * Resolves with the first recorded event (past or future) satisfying `predicate`, starting after
   * index `from`; rejects after `timeoutMs`, listing what was recorded.
   */
  until(predicate: (event: E) => boolean, timeoutMs = DEADLINE_MS, from = 0): Promise<E> {
    return this.nth(predicate, 1, timeoutMs, from);
  }

  /**
   * Resolves with the `n`-th (1-based) recorded event (past or future) satisfying `predicate`, counting
   * from index `from`; rejects after `timeoutMs`, listing what was recorded. `predicate` must be pure.
   */
  nth(predicate: (event: E) => boolean, n: number, timeoutMs = DEADLINE_MS, from = 0): Promise<E> {
    return new Promise<E>((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.events.slice(from).filter(predicate)[n - 1];
        if (hit === undefined) return false;
        finish();
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for a ${this.#type} event; recorded: ${JSON.stringify(this.events)}`,
          ),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      const waiter = () => void check();
      this.#waiters.add(waiter);
      check();
    });
  }

  /** Stops recording. */
  dispose(): void {
    this.#emitter.off(this.#type, this.#listener);
    this.#waiters.clear();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
