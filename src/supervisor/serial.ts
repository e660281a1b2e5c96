/**
 * One at a time, in call order: the reconfiguration methods (`reloadConfig`, `update`, `addProcessGroup`,
 * `removeProcessGroup`) each see the state the previous one left.
 * @module
 */

const noop = (): void => {};

/** Runs tasks one after another, in the order they were given; a failed task does not stop the next. */
export class Serial {
  #pending = 0;
  #tail: Promise<void> = Promise.resolve();

  /**
   * Runs `task` once every task given before it has settled; at once (in this turn) when none is pending,
   * so an idle supervisor behaves exactly as without the queue.
   */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#pending === 0 ? task() : this.#tail.then(task);
    this.#pending++;
    this.#tail = result.then(noop, noop).then(() => {
      this.#pending--;
    });
    return result;
  }
}
