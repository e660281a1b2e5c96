/**
 * Records keyed by names the user chose (programs, groups, pools, environment variables).
 * @module
 */

/**
 * A record without a prototype: every key, `__proto__` and `constructor` included, is an ordinary key, as a
 * Python dict's keys are. Assigning `record['__proto__']` sets a key here, and a lookup finds only what was
 * set (a plain `{}` would replace its prototype, or find `Object.prototype.constructor`).
 */
export function nameRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
