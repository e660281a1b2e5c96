/**
 * The edge of the configuration: user input is copied before anything reads it, and only the resolved
 * configuration, made of our own objects, is frozen. The user's objects are never frozen nor mutated.
 * @module
 */

/**
 * A copy of user input that shares no object with it. Plain objects (`{}` or a null prototype) and arrays
 * are copied deeply; a RegExp becomes a new RegExp with the same source and flags (so the user's `lastIndex`
 * is neither read nor written); a function stays the same function. Any other object (a class instance, a
 * Map, a Date) is kept as it is: the schema never passes one through to its output, it only reads it or
 * rejects it. A cycle is copied as a cycle.
 */
export function copyInput(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (value instanceof RegExp) {
    const re = new RegExp(value.source, value.flags);
    seen.set(value, re);
    return re;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(copyInput(item, seen));
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [key, item] of Object.entries(value)) {
    // defineProperty, not assignment: an own `__proto__` key (JSON.parse makes them) stays a plain key.
    Object.defineProperty(out, key, {
      value: copyInput(item, seen),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * Freezes the resolved configuration, every object of which is ours (see {@link copyInput}). Functions are
 * the user's and are left alone; RegExps are our copies but are not frozen either, because a frozen
 * RegExp with the `g` or `y` flag throws on `test()` (it must write `lastIndex`).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !(value instanceof RegExp) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
