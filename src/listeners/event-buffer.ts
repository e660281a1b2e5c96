/**
 * The queue behind a pool's event buffer: supervisord's `event_buffer` list (`append`, `insert(0, …)`,
 * `pop(0)`), as a ring of slots so that every operation costs the same however many events wait.
 * @module
 */

/**
 * A double-ended queue on a ring that doubles when full. A plain array would do the same job, but V8's
 * `Array.prototype.shift` moves every element once the array is large (past about 16K elements it lives in
 * the large-object space and cannot be trimmed in place): with 20,000 events buffered, taking one off the
 * head cost more than the whole round trip to the listener.
 */
export class Deque<T> {
  #slots: (T | undefined)[];
  #head = 0;
  #length = 0;

  constructor(capacity = 16) {
    this.#slots = new Array<T | undefined>(Math.max(4, capacity));
  }

  /** How many items it holds. */
  get length(): number {
    return this.#length;
  }

  /** The oldest item (the head), if any. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#slots[this.#head];
  }

  /** Appends at the tail. */
  push(item: T): void {
    if (this.#length === this.#slots.length) this.#grow();
    this.#slots[(this.#head + this.#length) % this.#slots.length] = item;
    this.#length++;
  }

  /** Puts an item back at the head. */
  unshift(item: T): void {
    if (this.#length === this.#slots.length) this.#grow();
    this.#head = (this.#head - 1 + this.#slots.length) % this.#slots.length;
    this.#slots[this.#head] = item;
    this.#length++;
  }

  /** Takes the head off. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#slots[this.#head];
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#slots.length;
    this.#length--;
    return item;
  }

  /** Empties it (and gives the memory back). */
  clear(): void {
    this.#slots = new Array<T | undefined>(16);
    this.#head = 0;
    this.#length = 0;
  }

  /** The items, head first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#length; i++) out.push(this.#slots[(this.#head + i) % this.#slots.length]!);
    return out;
  }

  #grow(): void {
    const items = this.toArray();
    this.#slots = new Array<T | undefined>(this.#slots.length * 2);
    for (let i = 0; i < items.length; i++) this.#slots[i] = items[i];
    this.#head = 0;
  }
}
