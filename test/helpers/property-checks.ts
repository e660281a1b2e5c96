/**
 * What every property of the configuration edges asserts, and how many cases it runs.
 *
 * `npm test` runs a bounded number of cases per property, always with the same seed, so a run is
 * repeatable and short; `npm run fuzz` sets FUZZ_RUNS (100,000) for the long run. A failure prints the seed
 * and path that replay it; once understood, it becomes a plain regression test.
 */

import { expect } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { ResolvedConfig } from '../../src/index.js';

/** The seed of every property run: the same cases each time. */
export const PROPERTY_SEED = 42;

const FUZZ_RUNS = process.env['FUZZ_RUNS'] === undefined ? undefined : Number(process.env['FUZZ_RUNS']);
if (FUZZ_RUNS !== undefined && !(Number.isSafeInteger(FUZZ_RUNS) && FUZZ_RUNS > 0)) {
  throw new Error(`FUZZ_RUNS must be a positive integer, got ${JSON.stringify(process.env['FUZZ_RUNS'])}`);
}

/** The cases a property runs: `bounded` in `npm test`, FUZZ_RUNS when it is set. */
export function propertyRuns(bounded: number): number {
  return FUZZ_RUNS ?? bounded;
}

/** vitest's per-test timeout for a property: the suite's default, or hours for a fuzz run. */
export const propertyTimeout: number | undefined = FUZZ_RUNS === undefined ? undefined : 6 * 3600_000;

/**
 * The time one case may take. A guard against hangs and superlinear work on hostile input (a case that
 * loops, backtracks or builds a quadratic string takes minutes, not milliseconds), not a speed test: it is
 * generous so that a loaded machine or a coverage run never trips it.
 */
export const CASE_BUDGET_MS = 5_000;

/** What a call did: returned a value or threw, and how long it took. */
export type Outcome<T> = { readonly ms: number } & (
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown }
);

/** Runs `fn`, timed with `performance.now()`. */
export function timed<T>(fn: () => T): Outcome<T> {
  const start = performance.now();
  try {
    const value = fn();
    return { ok: true, value, ms: performance.now() - start };
  } catch (error) {
    return { ok: false, error, ms: performance.now() - start };
  }
}

/** The outcome came within {@link CASE_BUDGET_MS}; `what` names the call in the failure. */
export function expectWithinBudget(outcome: Outcome<unknown>, what: string): void {
  if (outcome.ms > CASE_BUDGET_MS) {
    throw new Error(`${what} took ${Math.round(outcome.ms)} ms (budget ${CASE_BUDGET_MS} ms)`);
  }
}

/** A rejection as promised: a ConfigError with at least one issue, each with a path and a message. */
export function expectConfigError(error: unknown): asserts error is ConfigError {
  if (!(error instanceof ConfigError)) {
    // Rethrown as it is, so that its stack shows where it came from.
    throw error instanceof Error ? error : new Error(`threw a non-Error: ${String(error)}`);
  }
  expect(error.issues.length).toBeGreaterThan(0);
  for (const issue of error.issues) {
    expect(Array.isArray(issue.path)).toBe(true);
    for (const key of issue.path) expect(['string', 'number']).toContain(typeof key);
    expect(typeof issue.message).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

/** Every object reachable from `value` is frozen (RegExps and functions excepted, as `deepFreeze` does). */
function expectDeepFrozen(value: unknown, path: string, seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || value instanceof RegExp || seen.has(value)) return;
  seen.add(value);
  if (!Object.isFrozen(value))
    throw new Error(`the resolved configuration is not frozen at ${path || '(top)'}`);
  for (const [key, v] of Object.entries(value)) expectDeepFrozen(v, `${path}.${key}`, seen);
}

/** A valid resolved configuration: groups of named processes, each with a command; deeply frozen. */
export function expectResolvedConfig(config: ResolvedConfig): void {
  expect(Array.isArray(config.groups)).toBe(true);
  for (const group of config.groups) {
    expect(typeof group.name).toBe('string');
    expect(group.name.length).toBeGreaterThan(0);
    for (const p of group.processes) {
      expect(typeof p.name).toBe('string');
      expect(p.name.length).toBeGreaterThan(0);
      // A command string may be empty: valid at load, it fails at spawn (`command is empty`), as in
      // supervisord. An argv array has at least the program.
      if (typeof p.command !== 'string') {
        expect(p.command.length).toBeGreaterThan(0);
        for (const arg of p.command) expect(typeof arg).toBe('string');
      }
    }
  }
  expectDeepFrozen(config, '', new Set());
}

/** The input's objects were not frozen by the call (the user's objects are copied, never frozen). */
export function expectNotFrozen(input: unknown, seen = new Set<object>(), depth = 0): void {
  if (typeof input !== 'object' || input === null || seen.has(input) || depth > 80) return;
  const proto: unknown = Object.getPrototypeOf(input);
  // A class instance, Map or Date is never copied, and never frozen either: only plain data is walked.
  if (!Array.isArray(input) && proto !== Object.prototype && proto !== null) return;
  seen.add(input);
  if (Object.isFrozen(input)) throw new Error('the input was frozen');
  for (const v of Object.values(input)) expectNotFrozen(v, seen, depth + 1);
}

// ---------------------------------------------------------------------------------------------------------
// Prototypes.

const PROTOTYPES: readonly [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['RegExp.prototype', RegExp.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['Map.prototype', Map.prototype],
];

/** The own properties of the built-in prototypes, descriptors included. */
export type PrototypeSnapshot = ReadonlyMap<object, ReadonlyMap<PropertyKey, PropertyDescriptor>>;

/** Takes a {@link PrototypeSnapshot}, to compare with after each case. */
export function snapshotPrototypes(): PrototypeSnapshot {
  const out = new Map<object, Map<PropertyKey, PropertyDescriptor>>();
  for (const [, proto] of PROTOTYPES) {
    const props = new Map<PropertyKey, PropertyDescriptor>();
    for (const key of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key);
      if (d) props.set(key, d);
    }
    out.set(proto, props);
  }
  return out;
}

const sameDescriptor = (a: PropertyDescriptor, b: PropertyDescriptor): boolean =>
  a.value === b.value &&
  a.get === b.get &&
  a.set === b.set &&
  a.writable === b.writable &&
  a.enumerable === b.enumerable &&
  a.configurable === b.configurable;

/**
 * The built-in prototypes are as in `snapshot`, and `({}).polluted` is undefined. On a difference, the
 * prototypes are put back first, so the cases that follow (fast-check's shrinking) start clean.
 */
export function expectPrototypesUntouched(snapshot: PrototypeSnapshot): void {
  const changed: string[] = [];
  for (const [label, proto] of PROTOTYPES) {
    const before = snapshot.get(proto) ?? new Map<PropertyKey, PropertyDescriptor>();
    for (const key of Reflect.ownKeys(proto)) {
      const was = before.get(key);
      const now = Object.getOwnPropertyDescriptor(proto, key);
      if (was === undefined) {
        changed.push(`${label}.${String(key)} added`);
        Reflect.deleteProperty(proto, key);
      } else if (now && !sameDescriptor(was, now)) {
        changed.push(`${label}.${String(key)} changed`);
        Object.defineProperty(proto, key, was);
      }
    }
    for (const [key, was] of before) {
      if (!Object.hasOwn(proto, key)) {
        changed.push(`${label}.${String(key)} removed`);
        Object.defineProperty(proto, key, was);
      }
    }
  }
  if (Object.getPrototypeOf({}) !== Object.prototype) changed.push('({}) has another prototype');
  if (({} as Record<string, unknown>)['polluted'] !== undefined) changed.push('({}).polluted is set');
  if (changed.length > 0) throw new Error(`prototypes were changed: ${changed.join('; ')}`);
}
