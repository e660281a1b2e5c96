// Config input is copied at the edge: resolving it (directly or through `new Supervisor`) never freezes,
// mutates or keeps a reference to the user's own objects. Functions are the exception: `check` and
// `resultHandler` are kept as the same function, and are never frozen.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { resolveConfig, Supervisor, type ResolvedConfig, type SupervisorConfig } from '../../src/index.js';

const opts = { env: {}, hostNodeName: 'box' };

interface Inputs {
  config: SupervisorConfig;
  pattern: RegExp;
  check: (p: { name: string; pid: number }) => boolean;
  resultHandler: () => void;
}

/** A fresh configuration holding one of every kind of object a user may pass. */
function inputs(): Inputs {
  const pattern = /ready/g;
  const check = ({ pid }: { pid: number }): boolean => pid > 0;
  const resultHandler = (): void => {};
  const config: SupervisorConfig = {
    environment: { TOP: 'x', N: 1 },
    programs: {
      q: {
        command: ['node', '-e', 'x'],
        exitcodes: [0, 2],
        environment: { A: 'a', B: true },
        dependsOn: { db: 'ready' },
        readiness: { pattern, channel: 'stdout', timeout: '5s' },
      },
      db: { command: 'db', readiness: { tcp: { host: 'localhost', port: 5432 } } },
      web: {
        command: 'web',
        numprocs: 2,
        processName: 'web_%(process_num)d',
        readiness: { http: 'http://x/' },
      },
      c: { command: 'c', readiness: { check }, exitcodes: [0, 1] },
    },
    groups: { g: { programs: ['web', 'c'], priority: 5 } },
    eventListeners: {
      l: { command: ['l'], events: ['TICK_5', 'PROCESS_STATE'], resultHandler, exitcodes: [0] },
    },
  };
  return { config, pattern, check, resultHandler };
}

/** A structural copy to compare with later: RegExps with their lastIndex, functions by identity. */
function snapshot(value: unknown): unknown {
  if (value instanceof RegExp)
    return { regexp: value.source, flags: value.flags, lastIndex: value.lastIndex };
  if (Array.isArray(value)) return value.map(snapshot);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshot(v)]));
  }
  return value;
}

/** Every object and function reachable from `value`, the value itself included. */
function reachable(value: unknown, out = new Set<object>()): Set<object> {
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    if (out.has(value)) return out;
    out.add(value);
    for (const v of Object.values(value)) reachable(v, out);
  }
  return out;
}

function expectUntouched(input: Inputs, before: unknown): void {
  const { config, pattern } = input;
  for (const obj of reachable(config)) {
    expect(Object.isFrozen(obj), `frozen: ${String(obj)}`).toBe(false);
    expect(Object.isExtensible(obj), `not extensible: ${String(obj)}`).toBe(true);
  }
  expect(snapshot(config)).toEqual(before);
  expect(config.programs?.q?.readiness).toMatchObject({ pattern });
  // The user's global RegExp still works, lastIndex included.
  expect(pattern.test('now ready')).toBe(true);
  expect(pattern.lastIndex).toBe(9);
  expect(pattern.test('now ready')).toBe(false);
  expect(pattern.lastIndex).toBe(0);
}

function expectOwnCopies(input: Inputs, resolved: ResolvedConfig): void {
  const mine = reachable(input.config);
  const functions = new Set([input.check, input.resultHandler]);
  for (const obj of reachable(resolved)) {
    if (functions.has(obj as never)) continue;
    expect(mine.has(obj), `shares ${JSON.stringify(snapshot(obj))} with the input`).toBe(false);
  }
  const procs = resolved.groups.flatMap((g) => g.processes);
  const q = procs.find((p) => p.name === 'q');
  expect(q?.readiness).toMatchObject({ kind: 'pattern', pattern: /ready/g });
  const c = procs.find((p) => p.name === 'c');
  // A function stays the same function and is never frozen.
  expect(c?.readiness).toMatchObject({ kind: 'check', check: input.check });
  expect(Object.isFrozen(input.check)).toBe(false);
  const pool = resolved.groups.find((g) => g.name === 'l');
  expect(pool?.listener?.resultHandler).toBe(input.resultHandler);
  expect(Object.isFrozen(input.resultHandler)).toBe(false);
}

describe("the user's configuration objects", () => {
  it('are neither frozen nor changed by resolveConfig', () => {
    const input = inputs();
    const before = snapshot(input.config);
    const resolved = resolveConfig(input.config, opts);
    expectUntouched(input, before);
    expectOwnCopies(input, resolved);
    // The resolved configuration is frozen: our copies only.
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.groups[0]?.processes[0]?.exitcodes)).toBe(true);
  });

  it('are neither frozen nor changed by new Supervisor(config)', () => {
    const input = inputs();
    const before = snapshot(input.config);
    const sup = new Supervisor(input.config, { ...opts, killOnExit: false, handleSignals: false });
    expectUntouched(input, before);
    expectOwnCopies(input, sup.config);
  });

  it('can be resolved again, and give the same result', () => {
    const input = inputs();
    const before = snapshot(input.config);
    const first = resolveConfig(input.config, opts);
    const second = resolveConfig(input.config, opts);
    expect(snapshot(second)).toEqual(snapshot(first));
    expectUntouched(input, before);
  });

  it('a resolved RegExp pattern still runs', () => {
    const input = inputs();
    const resolved = resolveConfig(input.config, opts);
    const r = resolved.groups.flatMap((g) => g.processes).find((p) => p.name === 'q')?.readiness;
    if (r?.kind !== 'pattern') throw new Error('expected a pattern readiness');
    expect(r.pattern).not.toBe(input.pattern);
    expect(r.pattern.test('ready')).toBe(true);
  });

  it('with a cycle are reported, not followed forever', () => {
    const programs: Record<string, unknown> = { a: { command: 'a' } };
    programs.loop = { command: 'b', environment: programs };
    expect(() => resolveConfig({ programs } as never, opts)).toThrow(ConfigError);
    expect(Object.isFrozen(programs)).toBe(false);
  });

  it('with an own __proto__ key (as JSON.parse makes) get no new prototype', () => {
    const input: unknown = JSON.parse('{"programs": {"a": {"command": "a", "__proto__": {"numprocs": 3}}}}');
    expect(() => resolveConfig(input as never, opts)).toThrow('Unrecognized option "__proto__"');
  });
});
