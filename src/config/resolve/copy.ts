/**
 * The edge of the configuration: user input is copied before anything reads it, and only the resolved
 * configuration, made of our own objects, is frozen. The user's objects are never frozen nor mutated.
 * @module
 */

import { CONFIG_LIMITS } from '../limits.js';

/** The input nests objects deeper than {@link CONFIG_LIMITS}.depth, or contains itself. */
export class InputShapeError extends Error {
  /** Where: the keys from the top of the input. */
  readonly path: (string | number)[];
  constructor(message: string, path: (string | number)[]) {
    super(message);
    this.name = 'InputShapeError';
    this.path = path;
  }
}

/**
 * A copy of user input that shares no object with it. Plain objects (`{}` or a null prototype) and arrays
 * are copied deeply; a RegExp becomes a new RegExp with the same source and flags (so the user's `lastIndex`
 * is neither read nor written); a function stays the same function. Any other object (a class instance, a
 * Map, a Date) is kept as it is: the schema never passes one through to its output, it only reads it or
 * rejects it. An object used twice is copied once and used twice.
 * @throws InputShapeError when the input contains itself, or nests deeper than `CONFIG_LIMITS.depth`
 *   (a configuration is a few levels deep; this keeps the copy and every later walk off the stack's limit)
 */
export function copyInput(value: unknown): unknown {
  return copy(value, new Map(), new Set(), []);
}

function copy(
  value: unknown,
  seen: Map<object, unknown>,
  open: Set<object>,
  path: (string | number)[],
): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (open.has(value)) throw new InputShapeError('the value contains itself', path);
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (value instanceof RegExp) {
    const re = new RegExp(value.source, value.flags);
    seen.set(value, re);
    return re;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (!isArray && proto !== Object.prototype && proto !== null) return value;
  if (path.length >= CONFIG_LIMITS.depth) {
    throw new InputShapeError(`nested more than ${CONFIG_LIMITS.depth} levels deep`, path);
  }
  open.add(value);
  let out: unknown;
  if (isArray) {
    const list: unknown[] = [];
    (value as unknown[]).forEach((item, i) => list.push(copy(item, seen, open, [...path, i])));
    out = list;
  } else {
    const record: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty, not assignment: an own `__proto__` key (JSON.parse makes them) stays a plain key.
      Object.defineProperty(record, key, {
        value: copy(item, seen, open, [...path, key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    out = record;
  }
  open.delete(value);
  seen.set(value, out);
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
