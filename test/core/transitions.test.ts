import { describe, expect, it } from 'vitest';
import {
  INITIAL_SNAPSHOT,
  type Effect,
  type Input,
  type Snapshot,
  type TransitionContext,
} from '../../src/core/machine.js';
import { PROCESS_STATE_NAMES, type ProcessStateName } from '../../src/core/states.js';
import { TRANSITIONS, transition } from '../../src/core/transitions.js';

const ctx: TransitionContext = {
  name: 'p',
  startsecs: 1,
  startretries: 3,
  autorestart: 'unexpected',
  exitcodes: [0],
  stopsignal: 15,
  stopwaitsecs: 10,
  stopasgroup: false,
  killasgroup: true,
  supervisorRunning: true,
  signalName: (n) => ({ 9: 'KILL', 15: 'TERM' })[n] ?? String(n),
  readiness: null,
};

const T0 = 10_000;
const LATER = { now: T0 + 5_000, wall: 5_000 };
const SOON = { now: T0 + 300, wall: 300 };

/** A representative snapshot for each state. */
const SNAP: Record<ProcessStateName, Snapshot> = {
  STOPPED: INITIAL_SNAPSHOT,
  STARTING: { ...INITIAL_SNAPSHOT, state: 'STARTING', laststart: T0, laststartWall: 1, pid: 42 },
  RUNNING: { ...INITIAL_SNAPSHOT, state: 'RUNNING', laststart: T0, laststartWall: 1, pid: 42 },
  BACKOFF: {
    ...INITIAL_SNAPSHOT,
    state: 'BACKOFF',
    laststart: T0,
    backoff: 2,
    spawnerr: 'Exited too quickly (process log may have details)',
  },
  STOPPING: { ...INITIAL_SNAPSHOT, state: 'STOPPING', laststart: T0, pid: 42, killing: true },
  EXITED: { ...INITIAL_SNAPSHOT, state: 'EXITED', laststart: T0, exitstatus: 1 },
  FATAL: { ...INITIAL_SNAPSHOT, state: 'FATAL', laststart: T0 },
  UNKNOWN: { ...INITIAL_SNAPSHOT, state: 'UNKNOWN', laststart: T0, pid: 42 },
};

const INPUTS: Record<Input['type'], Input> = {
  start: { type: 'start', ...LATER },
  spawned: { type: 'spawned', pid: 77, ...LATER },
  spawnFailed: { type: 'spawnFailed', message: "can't find command 'x'", ...LATER },
  exit: { type: 'exit', exitstatus: 1, signal: null, ...LATER },
  timer: { type: 'timer', timer: 'startsecs', ...LATER },
  stop: { type: 'stop', ...LATER },
  giveUp: { type: 'giveUp', ...LATER },
  signalFailed: { type: 'signalFailed', message: 'EPERM', ...LATER },
  ready: { type: 'ready', ...LATER },
};

const emitted = (effects: readonly Effect[]) =>
  effects.flatMap((e) => (e.type === 'emit' ? [`${e.change.from}>${e.change.to}`] : []));
const kinds = (effects: readonly Effect[]) => effects.filter((e) => e.type !== 'log' && e.type !== 'emit');

/** Expected outcome for every (state, input) pair: the resulting state and the state changes emitted. */
const EXPECTED: Record<ProcessStateName, Record<Input['type'], [ProcessStateName, string[]] | 'ignored'>> = {
  STOPPED: {
    start: ['STARTING', ['STOPPED>STARTING']],
    spawned: 'ignored',
    spawnFailed: 'ignored',
    exit: 'ignored',
    timer: 'ignored',
    stop: 'ignored',
    giveUp: 'ignored',
    signalFailed: 'ignored',
    ready: 'ignored',
  },
  STARTING: {
    start: 'ignored',
    spawned: ['STARTING', []],
    spawnFailed: ['BACKOFF', ['STARTING>BACKOFF']],
    exit: ['EXITED', ['STARTING>RUNNING', 'RUNNING>EXITED']],
    timer: ['RUNNING', ['STARTING>RUNNING']],
    stop: ['STOPPING', ['STARTING>STOPPING']],
    giveUp: 'ignored',
    signalFailed: ['UNKNOWN', ['STARTING>UNKNOWN']],
    ready: 'ignored',
  },
  RUNNING: {
    start: 'ignored',
    spawned: 'ignored',
    spawnFailed: 'ignored',
    exit: ['EXITED', ['RUNNING>EXITED']],
    timer: 'ignored',
    stop: ['STOPPING', ['RUNNING>STOPPING']],
    giveUp: 'ignored',
    signalFailed: ['UNKNOWN', ['RUNNING>UNKNOWN']],
    ready: 'ignored',
  },
  BACKOFF: {
    start: ['STARTING', ['BACKOFF>STARTING']],
    spawned: 'ignored',
    spawnFailed: 'ignored',
    exit: 'ignored',
    timer: 'ignored', // a startsecs timer means nothing in BACKOFF; the backoff timer is tested below
    stop: ['STOPPED', ['BACKOFF>STOPPED']],
    giveUp: ['FATAL', ['BACKOFF>FATAL']],
    signalFailed: 'ignored',
    ready: 'ignored',
  },
  STOPPING: {
    start: 'ignored',
    spawned: 'ignored',
    spawnFailed: 'ignored',
    exit: ['STOPPED', ['STOPPING>STOPPED']],
    timer: 'ignored', // a startsecs timer; the stopwait timer is tested below
    stop: ['STOPPING', []],
    giveUp: 'ignored',
    signalFailed: ['UNKNOWN', ['STOPPING>UNKNOWN']],
    ready: 'ignored',
  },
  EXITED: {
    start: ['STARTING', ['EXITED>STARTING']],
    spawned: 'ignored',
    spawnFailed: 'ignored',
    exit: 'ignored',
    timer: 'ignored',
    stop: 'ignored',
    giveUp: 'ignored',
    signalFailed: 'ignored',
    ready: 'ignored',
  },
  FATAL: {
    start: ['STARTING', ['FATAL>STARTING']],
    spawned: 'ignored',
    spawnFailed: 'ignored',
    exit: 'ignored',
    timer: 'ignored',
    stop: 'ignored',
    giveUp: 'ignored',
    signalFailed: 'ignored',
    ready: 'ignored',
  },
  UNKNOWN: {
    start: 'ignored',
    spawned: 'ignored',
    spawnFailed: 'ignored',
    exit: ['EXITED', ['UNKNOWN>EXITED']],
    timer: 'ignored',
    stop: 'ignored',
    giveUp: 'ignored',
    signalFailed: 'ignored',
    ready: 'ignored',
  },
};

describe('TRANSITIONS table', () => {
  it('has a row for every state', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...PROCESS_STATE_NAMES].sort());
  });

  for (const state of PROCESS_STATE_NAMES) {
    for (const [type, input] of Object.entries(INPUTS) as [Input['type'], Input][]) {
      const expected = EXPECTED[state][type];
      it(`${state} x ${type}`, () => {
        const r = transition(SNAP[state], input, ctx);
        if (expected === 'ignored') {
          expect(r.snapshot.state).toBe(state);
          expect(emitted(r.effects)).toEqual([]);
          expect(kinds(r.effects)).toEqual([]);
          if (type === 'stop')
            expect(r.error).toBe("attempted to kill p with sig SIGTERM but it wasn't running");
        } else {
          expect(r.snapshot.state).toBe(expected[0]);
          expect(emitted(r.effects)).toEqual(expected[1]);
        }
      });
    }
  }
});

describe('transition details', () => {
  it('is pure: the same input gives the same result and does not mutate the snapshot', () => {
    const before = structuredClone(SNAP.RUNNING);
    const a = transition(SNAP.RUNNING, INPUTS.exit, ctx);
    const b = transition(SNAP.RUNNING, INPUTS.exit, ctx);
    expect(a).toEqual(b);
    expect(SNAP.RUNNING).toEqual(before);
  });

  it('start: STARTING carries tries = backoff and spawns, keeping the retry count', () => {
    const r = transition(SNAP.BACKOFF, INPUTS.start, ctx);
    const emit = r.effects.find((e) => e.type === 'emit');
    expect(emit).toMatchObject({ change: { to: 'STARTING', tries: 2 } });
    expect(r.effects.some((e) => e.type === 'spawn')).toBe(true);
    expect(r.snapshot).toMatchObject({
      laststart: LATER.now,
      spawnerr: null,
      exitstatus: null,
      killing: false,
    });
  });

  it('spawned: arms the startsecs timer measured from the spawn', () => {
    const r = transition(SNAP.STARTING, { type: 'spawned', pid: 77, now: T0 + 200, wall: 0 }, ctx);
    expect(r.effects).toContainEqual({ type: 'schedule', timer: 'startsecs', ms: 800 });
    expect(r.snapshot.pid).toBe(77);
  });

  it('a too-quick exit is a failed start whatever the code: BACKOFF, tries+1, retry after tries seconds', () => {
    const r = transition(SNAP.STARTING, { type: 'exit', exitstatus: 0, signal: null, ...SOON }, ctx);
    expect(r.snapshot).toMatchObject({
      state: 'BACKOFF',
      backoff: 1,
      pid: 0,
      exitstatus: null,
      spawnerr: 'Exited too quickly (process log may have details)',
    });
    expect(r.effects).toContainEqual({ type: 'schedule', timer: 'backoff', ms: 1000 });
  });

  it('backoff delays grow 1 s, 2 s, 3 s and the failure after startretries+1 attempts is FATAL', () => {
    let s: Snapshot = { ...SNAP.STARTING };
    const delays: number[] = [];
    const events: string[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const r = transition(s, { type: 'spawnFailed', message: 'x', ...LATER }, ctx);
      for (const e of r.effects) {
        if (e.type === 'schedule' && e.timer === 'backoff') delays.push(e.ms);
        if (e.type === 'emit') events.push(`${e.change.to}:${e.change.tries}`);
      }
      s = r.snapshot.state === 'BACKOFF' ? transition(r.snapshot, INPUTS.start, ctx).snapshot : r.snapshot;
    }
    expect(delays).toEqual([1000, 2000, 3000]);
    expect(events).toEqual(['BACKOFF:1', 'BACKOFF:2', 'BACKOFF:3', 'BACKOFF:4', 'FATAL:0']);
    expect(s).toMatchObject({ state: 'FATAL', backoff: 0 });
  });

  it('startretries=0: the first failure is FATAL', () => {
    const r = transition(SNAP.STARTING, INPUTS.spawnFailed, { ...ctx, startretries: 0 });
    expect(emitted(r.effects)).toEqual(['STARTING>BACKOFF', 'BACKOFF>FATAL']);
  });

  it('the backoff timer asks for a start only while the supervisor runs', () => {
    const t = { type: 'timer', timer: 'backoff', ...LATER } as const;
    expect(transition(SNAP.BACKOFF, t, ctx).effects).toEqual([{ type: 'enqueue', input: 'start' }]);
    expect(transition(SNAP.BACKOFF, t, { ...ctx, supervisorRunning: false }).effects).toEqual([]);
  });

  it('exit from RUNNING: expected per exitcodes; autorestart decides the restart', () => {
    const exit0 = { type: 'exit', exitstatus: 0, signal: null, ...LATER } as const;
    const exit1 = { type: 'exit', exitstatus: 1, signal: null, ...LATER } as const;
    const killed = { type: 'exit', exitstatus: -1, signal: 'SIGKILL', ...LATER } as const;
    const restarts = (i: Input, autorestart: TransitionContext['autorestart']) =>
      transition(SNAP.RUNNING, i, { ...ctx, autorestart }).effects.some((e) => e.type === 'enqueue');
    expect([restarts(exit0, false), restarts(exit0, 'unexpected'), restarts(exit0, true)]).toEqual([
      false,
      false,
      true,
    ]);
    expect([restarts(exit1, false), restarts(exit1, 'unexpected'), restarts(exit1, true)]).toEqual([
      false,
      true,
      true,
    ]);
    expect(restarts(killed, 'unexpected')).toBe(true);
    const r = transition(SNAP.RUNNING, exit1, ctx);
    expect(r.effects.find((e) => e.type === 'emit')).toMatchObject({ change: { expected: false, pid: 42 } });
    expect(r.snapshot).toMatchObject({ exitstatus: 1, spawnerr: 'Bad exit code 1', pid: 0, backoff: 0 });
    expect(transition(SNAP.RUNNING, exit0, ctx).effects.find((e) => e.type === 'emit')).toMatchObject({
      change: { expected: true },
    });
    expect(
      transition(SNAP.RUNNING, exit1, { ...ctx, supervisorRunning: false }).effects.some(
        (e) => e.type === 'enqueue',
      ),
    ).toBe(false);
  });

  it('stop: stopsignal to the child (or its group with stopasgroup), SIGKILL deadline armed', () => {
    const r = transition(SNAP.RUNNING, INPUTS.stop, ctx);
    expect(kinds(r.effects)).toEqual([
      { type: 'cancel', timer: 'startsecs' },
      { type: 'cancel', timer: 'readiness' },
      { type: 'unprobe' },
      { type: 'signal', signal: 15, group: false },
      { type: 'schedule', timer: 'stopwait', ms: 10_000 },
    ]);
    expect(r.snapshot.killing).toBe(true);
    const g = transition(SNAP.RUNNING, INPUTS.stop, { ...ctx, stopasgroup: true });
    expect(g.effects).toContainEqual({ type: 'signal', signal: 15, group: true });
  });

  it('stopwait timer: SIGKILL (to the group with killasgroup), re-armed, state unchanged', () => {
    const r = transition(SNAP.STOPPING, { type: 'timer', timer: 'stopwait', ...LATER }, ctx);
    expect(r.snapshot.state).toBe('STOPPING');
    expect(kinds(r.effects)).toEqual([
      { type: 'signal', signal: 9, group: true },
      { type: 'schedule', timer: 'stopwait', ms: 10_000 },
    ]);
  });

  it('stop in BACKOFF: STOPPED with pid 0 and no signal, the retry count kept', () => {
    const r = transition(SNAP.BACKOFF, INPUTS.stop, ctx);
    expect(r.snapshot).toMatchObject({ state: 'STOPPED', backoff: 2 });
    expect(r.effects.find((e) => e.type === 'emit')).toMatchObject({ change: { pid: 0 } });
    expect(r.effects.some((e) => e.type === 'signal')).toBe(false);
  });

  it('exit while stopping: STOPPED with the pid that exited, timers cancelled', () => {
    const r = transition(SNAP.STOPPING, { type: 'exit', exitstatus: -1, signal: 'SIGTERM', ...LATER }, ctx);
    expect(r.snapshot).toMatchObject({ state: 'STOPPED', pid: 0, killing: false, exitstatus: -1 });
    expect(r.effects.find((e) => e.type === 'emit')).toMatchObject({ change: { pid: 42 } });
    expect(r.effects).toContainEqual({ type: 'cancel', timer: 'stopwait' });
  });

  describe('readiness (procvisor)', () => {
    const rctx: TransitionContext = { ...ctx, readiness: { timeout: 5000, startsecs: false } };
    const starting = { ...SNAP.STARTING, laststart: T0 };

    it('spawned: probes and arms the readiness deadline instead of startsecs', () => {
      const r = transition({ ...starting, pid: 0 }, { type: 'spawned', pid: 7, now: T0, wall: 0 }, rctx);
      expect(kinds(r.effects)).toEqual([
        { type: 'probe' },
        { type: 'schedule', timer: 'readiness', ms: 5000 },
      ]);
    });

    it('ready: RUNNING at once, probe stopped', () => {
      const r = transition(starting, INPUTS.ready, rctx);
      expect(emitted(r.effects)).toEqual(['STARTING>RUNNING']);
      expect(r.effects).toContainEqual({ type: 'unprobe' });
      expect(r.effects).toContainEqual({ type: 'cancel', timer: 'readiness' });
    });

    it('ready on top of startsecs: RUNNING only when both have happened, in either order', () => {
      const both: TransitionContext = { ...ctx, readiness: { timeout: 5000, startsecs: true } };
      const a = transition(starting, INPUTS.ready, both);
      expect(a.snapshot.state).toBe('STARTING');
      const a2 = transition(a.snapshot, { type: 'timer', timer: 'startsecs', ...LATER }, both);
      expect(emitted(a2.effects)).toEqual(['STARTING>RUNNING']);
      const b = transition(starting, { type: 'timer', timer: 'startsecs', ...LATER }, both);
      expect(b.snapshot.state).toBe('STARTING');
      expect(emitted(transition(b.snapshot, INPUTS.ready, both).effects)).toEqual(['STARTING>RUNNING']);
    });

    it('timeout: the child is killed and its exit is a failed start', () => {
      const r = transition(starting, { type: 'timer', timer: 'readiness', ...LATER }, rctx);
      expect(r.snapshot.state).toBe('STARTING');
      expect(r.effects).toContainEqual({ type: 'signal', signal: 9, group: true });
      const e = transition(r.snapshot, { type: 'exit', exitstatus: -1, signal: 'SIGKILL', ...LATER }, rctx);
      expect(e.snapshot).toMatchObject({
        state: 'BACKOFF',
        backoff: 1,
        spawnerr: 'not ready within 5000 ms (readiness)',
      });
    });

    it('an exit before ready is a failed start even after startsecs', () => {
      const r = transition(starting, INPUTS.exit, rctx);
      expect(r.snapshot).toMatchObject({
        state: 'BACKOFF',
        spawnerr: 'Exited before becoming ready (process log may have details)',
      });
    });

    it('a process made RUNNING early by readiness that exits within startsecs is EXITED, not BACKOFF', () => {
      const running = { ...SNAP.RUNNING, laststart: T0 };
      const r = transition(running, { type: 'exit', exitstatus: 1, signal: null, ...SOON }, rctx);
      expect(emitted(r.effects)).toEqual(['RUNNING>EXITED']);
      expect(r.effects.some((e) => e.type === 'enqueue')).toBe(true);
    });

    it('the startsecs timer alone does not make a process with readiness RUNNING', () => {
      const both: TransitionContext = { ...ctx, readiness: { timeout: 5000, startsecs: true } };
      expect(transition(starting, { type: 'timer', timer: 'startsecs', ...LATER }, both).snapshot.state).toBe(
        'STARTING',
      );
    });
  });

  it('startsecs=0: an immediate exit still passes through RUNNING', () => {
    const s = { ...SNAP.STARTING, laststart: LATER.now };
    const r = transition(
      s,
      { type: 'exit', exitstatus: 0, signal: null, ...LATER },
      { ...ctx, startsecs: 0 },
    );
    expect(emitted(r.effects)).toEqual(['STARTING>RUNNING', 'RUNNING>EXITED']);
  });
});
