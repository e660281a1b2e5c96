import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, Supervisor, type SupervisorConfig, type SupervisorEvent } from '../../src/index.js';
import { FakeSpawner } from '../helpers/fake-spawner.js';
import { Pacer, STARTS_PER_TURN, TURN_BUDGET_MS } from '../../src/supervisor/pacer.js';

// The simulated tier: real Supervisor/Process code, a ManualClock and a fake spawner, so timing rules
// (startsecs, backoff, stopwaitsecs) are checked exactly and without waiting.

const quiet = { stdoutLogfile: 'NONE', stderrLogfile: 'NONE' } as const;
let current: { sup: Supervisor; spawner: FakeSpawner } | undefined;

function setup(config: SupervisorConfig) {
  const clock = new ManualClock();
  const spawner = new FakeSpawner();
  const sup = new Supervisor(config, { clock, spawner });
  current = { sup, spawner };
  const events: string[] = [];
  const log = (e: SupervisorEvent) => {
    if (e.type.startsWith('PROCESS_STATE_')) {
      const s = e as Extract<SupervisorEvent, { type: `PROCESS_STATE_${string}` }>;
      events.push(
        `${s.processName} ${s.fromState}>${s.state}${s.tries !== undefined ? ` tries=${s.tries}` : ''}`,
      );
    } else events.push(e.type + ('groupName' in e ? ` ${e.groupName}` : ''));
  };
  // Not EVENT: that includes TICK_*, whose timer would run while the manual clock advances.
  for (const type of ['PROCESS_STATE', 'PROCESS_GROUP', 'SUPERVISOR_STATE_CHANGE'] as const)
    sup.on(type, log);
  const take = () => events.splice(0);
  return { clock, spawner, sup, events, take };
}

afterEach(async () => {
  if (!current) return;
  const { sup, spawner } = current;
  current = undefined;
  // Children die when signalled from now on, so shutdown completes; it must leave no timer behind.
  spawner.diesOnSignal = true;
  for (const c of spawner.children) c.diesOnSignal = true;
  await sup.shutdown();
  expect(sup.processes.every((p) => p.pid === 0)).toBe(true);
});

describe('boot', () => {
  it('adds groups in priority order, then RUNNING, then spawns autostart processes in priority order', async () => {
    const { sup, take } = setup({
      programs: {
        c: { command: 'sleep 100', priority: 300, ...quiet },
        a: { command: 'sleep 100', priority: 100, ...quiet },
        b: { command: 'sleep 100', priority: 200, autostart: false, ...quiet },
      },
    });
    await sup.start();
    expect(take()).toEqual([
      'PROCESS_GROUP_ADDED a',
      'PROCESS_GROUP_ADDED b',
      'PROCESS_GROUP_ADDED c',
      'SUPERVISOR_STATE_CHANGE_RUNNING',
      'a STOPPED>STARTING tries=0',
      'c STOPPED>STARTING tries=0',
    ]);
  });

  it('STARTING becomes RUNNING exactly when startsecs have passed since the spawn', async () => {
    const { sup, clock, take } = setup({ programs: { p: { command: 'sleep 100', startsecs: 2, ...quiet } } });
    await sup.start();
    take();
    clock.advance(1999);
    expect(sup.getProcess('p')!.state).toBe('STARTING');
    clock.advance(1);
    expect(take()).toEqual(['p STARTING>RUNNING']);
  });
});

describe('failed starts', () => {
  it('retries after 1 s, 2 s, 3 s measured from each failure, then FATAL after startretries+1 attempts', async () => {
    const { sup, clock, spawner, take } = setup({
      programs: { q: { command: 'sleep 100', startsecs: 1, startretries: 3, ...quiet } },
    });
    await sup.start();
    const retryTimes: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      clock.advance(100);
      spawner.last('q').exit(1);
      if (attempt === 4) break;
      const failedAt = clock.now();
      const before = spawner.children.length;
      clock.advance(attempt * 1000 - 1);
      expect(spawner.children.length).toBe(before);
      clock.advance(1);
      expect(spawner.children.length).toBe(before + 1);
      retryTimes.push(clock.now() - failedAt);
    }
    expect(retryTimes).toEqual([1000, 2000, 3000]);
    expect(take()).toEqual([
      'PROCESS_GROUP_ADDED q',
      'SUPERVISOR_STATE_CHANGE_RUNNING',
      'q STOPPED>STARTING tries=0',
      'q STARTING>BACKOFF tries=1',
      'q BACKOFF>STARTING tries=1',
      'q STARTING>BACKOFF tries=2',
      'q BACKOFF>STARTING tries=2',
      'q STARTING>BACKOFF tries=3',
      'q BACKOFF>STARTING tries=3',
      'q STARTING>BACKOFF tries=4',
      'q BACKOFF>FATAL',
    ]);
    const info = await sup.getProcessInfo('q');
    expect(info).toMatchObject({
      statename: 'FATAL',
      description: 'Exited too quickly (process log may have details)',
    });
    expect(clock.pending).toBe(0);
  });

  it('a parent-side spawn failure goes to BACKOFF with the spawner message', async () => {
    const { sup, spawner, take } = setup({
      programs: { p: { command: 'sleep 100', startretries: 0, ...quiet } },
    });
    spawner.failWith = "Too many processes in process table to spawn 'p'";
    await sup.start();
    expect(take().slice(2)).toEqual([
      'p STOPPED>STARTING tries=0',
      'p STARTING>BACKOFF tries=1',
      'p BACKOFF>FATAL',
    ]);
    expect((await sup.getProcessInfo('p')).spawnerr).toBe("Too many processes in process table to spawn 'p'");
  });

  it('stop during BACKOFF: STOPPED without a signal, and the next start continues the count', async () => {
    const { sup, clock, spawner, take } = setup({ programs: { q: { command: 'sleep 100', ...quiet } } });
    await sup.start();
    clock.advance(100);
    spawner.last('q').exit(1);
    take();
    await sup.stopProcess('q');
    expect(take()).toEqual(['q BACKOFF>STOPPED']);
    expect(spawner.last('q').signals).toEqual([]);
    clock.advance(10_000);
    expect(spawner.children.length).toBe(1);
    const started = sup.startProcess('q', false);
    await expect(started).resolves.toBe(true);
    expect(take()).toEqual(['q STOPPED>STARTING tries=1']);
  });
});

describe('exits from RUNNING', () => {
  it('restarts on the next turn when autorestart says so, with no backoff', async () => {
    const { sup, clock, spawner, take } = setup({
      programs: { p: { command: 'sleep 100', autorestart: 'unexpected', exitcodes: [0, 2], ...quiet } },
    });
    await sup.start();
    clock.advance(1000);
    take();
    spawner.last('p').exit(3);
    expect(take()).toEqual(['p RUNNING>EXITED']);
    clock.advance(0); // supervisord's "next loop iteration": no delay
    expect(take()).toEqual(['p EXITED>STARTING tries=0']);
    clock.advance(1000);
    spawner.last('p').exit(2);
    expect(take()).toEqual(['p STARTING>RUNNING', 'p RUNNING>EXITED']);
    expect((await sup.getProcessInfo('p')).exitstatus).toBe(2);
  });
});

describe('pacing automatic starts', () => {
  it('a crash of many programs at once: every one restarts, in order, a few per turn', async () => {
    const programs: Record<
      string,
      { command: string; autorestart: true; stdoutLogfile: 'NONE'; stderrLogfile: 'NONE' }
    > = {};
    for (let i = 0; i < 20; i++) {
      programs[`p${String(i).padStart(2, '0')}`] = { command: 'sleep 100', autorestart: true, ...quiet };
    }
    const { sup, clock, spawner, events } = setup({ programs });
    await sup.start();
    clock.advance(1000);
    const before = spawner.children.length;
    for (const p of sup.processes) spawner.last(p.name).exit(1);
    expect(spawner.children.length).toBe(before);
    clock.advance(0);
    expect(spawner.children.length).toBe(before + 20);
    const restarted = events.filter((e) => e.endsWith('EXITED>STARTING tries=0')).map((e) => e.split(' ')[0]);
    expect(restarted).toEqual(Object.keys(programs));
  });

  /** A pacer on a clock whose timers are turns run by hand, its time `time()`; counts what each turn ran. */
  function pacerByTurns(time: () => number = () => 0) {
    const turns: (() => void)[] = [];
    const pacer = new Pacer({
      now: time,
      wall: time,
      setTimer: (_ms: number, fn: () => void) => (turns.push(fn), {}),
      clearTimer: () => {},
    });
    const runTurns = (ran: () => number): number[] => {
      const counts: number[] = [];
      while (turns.length > 0) {
        const n = ran();
        turns.shift()!();
        counts.push(ran() - n);
      }
      return counts;
    };
    return { pacer, runTurns };
  }

  it('the pacer runs STARTS_PER_TURN starts per timer turn', () => {
    const { pacer, runTurns } = pacerByTurns();
    const ran: number[] = [];
    for (let i = 0; i < 20; i++) pacer.defer({}, () => ran.push(i));
    const perTurn = runTurns(() => ran.length);
    const expected: number[] = [];
    for (let left = 20; left > 0; left -= STARTS_PER_TURN) expected.push(Math.min(STARTS_PER_TURN, left));
    expect(perTurn).toEqual(expected);
    expect(STARTS_PER_TURN).toBeLessThan(20);
    expect(ran).toEqual([...Array(20).keys()]);
  });

  it('the pacer stops a turn once TURN_BUDGET_MS of it went to starts, and always runs one', () => {
    for (const [cost, perTurn] of [
      [TURN_BUDGET_MS + 1, 1],
      [TURN_BUDGET_MS / 2 + 0.5, 2],
      [0, STARTS_PER_TURN],
    ] as const) {
      let t = 0;
      const { pacer, runTurns } = pacerByTurns(() => t);
      const ran: number[] = [];
      for (let i = 0; i < 12; i++) pacer.defer({}, () => ((t += cost), ran.push(i)));
      const counts = runTurns(() => ran.length);
      expect(ran).toEqual([...Array(12).keys()]);
      expect(new Set(counts.slice(0, -1))).toEqual(new Set([perTurn]));
    }
  });

  it('a start cancelled by an earlier start of the same turn does not run', () => {
    const { pacer, runTurns } = pacerByTurns();
    const ran: string[] = [];
    const other = {};
    pacer.defer({}, () => (ran.push('a'), pacer.cancel(other)));
    pacer.defer(other, () => ran.push('b'));
    pacer.defer({}, () => ran.push('c'));
    runTurns(() => ran.length);
    expect(ran).toEqual(['a', 'c']);
  });

  it('no restart once shutdown has begun', async () => {
    const { sup, clock, spawner } = setup({
      programs: { p: { command: 'sleep 100', autorestart: true, ...quiet } },
    });
    await sup.start();
    clock.advance(1000);
    spawner.last('p').exit(1);
    spawner.diesOnSignal = true;
    await sup.shutdown();
    clock.advance(0);
    expect(spawner.children.length).toBe(1);
    expect(clock.pending).toBe(0);
  });
});

describe('stopping', () => {
  it('sends stopsignal, escalates to SIGKILL every stopwaitsecs, and resolves when the child is reaped', async () => {
    const { sup, clock, spawner, take } = setup({
      programs: {
        p: { command: 'sleep 100', stopwaitsecs: 3, stopsignal: 'INT', stopasgroup: true, ...quiet },
      },
    });
    await sup.start();
    clock.advance(1000);
    take();
    const child = spawner.last('p');
    let done = false;
    const stopping = sup.stopProcess('p').then(() => (done = true));
    expect(child.signals).toEqual([{ signal: 2, group: true }]);
    clock.advance(2999);
    expect(child.signals.length).toBe(1);
    clock.advance(1);
    expect(child.signals).toEqual([
      { signal: 2, group: true },
      { signal: 9, group: true },
    ]);
    clock.advance(3000);
    expect(child.signals.length).toBe(3);
    await Promise.resolve();
    expect(done).toBe(false);
    child.exit(-1, 'SIGKILL');
    await stopping;
    expect(take()).toEqual(['p RUNNING>STOPPING', 'p STOPPING>STOPPED']);
    expect(clock.pending).toBe(0);
  });

  it('stopAllProcesses signals every process at once in ascending priority order', async () => {
    const { sup, clock, spawner, take } = setup({
      programs: {
        hi: { command: 'sleep 100', priority: 900, ...quiet },
        lo: { command: 'sleep 100', priority: 10, ...quiet },
      },
    });
    await sup.start();
    clock.advance(1000);
    take();
    const all = sup.stopAllProcesses();
    expect(take()).toEqual(['lo RUNNING>STOPPING', 'hi RUNNING>STOPPING']);
    spawner.last('hi').exit(0);
    spawner.last('lo').exit(0);
    expect((await all).map((r) => [r.name, r.description])).toEqual([
      ['hi', 'OK'],
      ['lo', 'OK'],
    ]);
  });

  it('shutdown stops one group at a time from the highest priority down, BACKOFF becoming FATAL', async () => {
    const { sup, clock, spawner, take } = setup({
      programs: {
        first: { command: 'sleep 100', priority: 1, ...quiet },
        last: { command: 'sleep 100', priority: 9, ...quiet },
        flaky: { command: 'sleep 100', priority: 5, ...quiet },
      },
    });
    await sup.start();
    clock.advance(100);
    spawner.last('flaky').exit(1);
    clock.advance(900);
    take();
    const down = sup.shutdown();
    expect(take()).toEqual(['SUPERVISOR_STATE_CHANGE_STOPPING', 'last RUNNING>STOPPING']);
    spawner.last('last').exit(0);
    await new Promise((r) => setImmediate(r));
    expect(take()).toEqual(['last STOPPING>STOPPED', 'flaky BACKOFF>FATAL', 'first RUNNING>STOPPING']);
    spawner.last('first').exit(0);
    await down;
    expect(take()).toEqual(['first STOPPING>STOPPED']);
    await expect(sup.startProcess('first')).rejects.toMatchObject({ code: 'SHUTDOWN_STATE' });
    expect(clock.pending).toBe(0);
  });
});

describe('startProcess results', () => {
  it('resolves true once RUNNING, SPAWN_ERROR when the start fails, ALREADY_STARTED when running', async () => {
    const { sup, clock, spawner } = setup({
      programs: { p: { command: 'sleep 100', autostart: false, ...quiet } },
    });
    await sup.start();
    const ok = sup.startProcess('p');
    clock.advance(1000);
    await expect(ok).resolves.toBe(true);
    await expect(sup.startProcess('p')).rejects.toMatchObject({ code: 'ALREADY_STARTED', faultCode: 60 });
    const stopped = sup.stopProcess('p');
    spawner.last('p').exit(0);
    await stopped;
    const failing = sup.startProcess('p');
    clock.advance(10);
    spawner.last('p').exit(0);
    await expect(failing).rejects.toMatchObject({ code: 'SPAWN_ERROR', message: 'SPAWN_ERROR: p' });
  });

  it('NO_FILE before spawning when the command cannot be found; no state change', async () => {
    const { sup, take } = setup({
      programs: { p: { command: '/nonexistent/prog', autostart: false, ...quiet } },
    });
    await sup.start();
    take();
    await expect(sup.startProcess('p')).rejects.toMatchObject({
      code: 'NO_FILE',
      message: "NO_FILE: can't find command '/nonexistent/prog'",
    });
    expect(take()).toEqual([]);
  });
});

describe('listeners', () => {
  it('a throwing listener is reported and does not stop the machine or other listeners', async () => {
    const { sup, clock } = setup({ programs: { p: { command: 'sleep 100', ...quiet } } });
    const errors: unknown[] = [];
    const seen: string[] = [];
    sup.on('listenerError', (r) => errors.push(r.error));
    sup.on('PROCESS_STATE_STARTING', () => {
      throw new Error('boom');
    });
    sup.on('PROCESS_STATE', (e) => seen.push(e.state));
    await sup.start();
    clock.advance(1000);
    expect(seen).toEqual(['STARTING', 'RUNNING']);
    expect(errors).toHaveLength(1);
    expect(sup.getProcess('p')!.state).toBe('RUNNING');
  });

  it('a listener that stops the process from inside an event is handled after the current change', async () => {
    const { sup, clock, spawner, take } = setup({ programs: { p: { command: 'sleep 100', ...quiet } } });
    sup.once('PROCESS_STATE_RUNNING', () => void sup.stopProcess('p', false));
    await sup.start();
    clock.advance(1000);
    spawner.last('p').exit(-1, 'SIGTERM');
    expect(take().slice(2)).toEqual([
      'p STOPPED>STARTING tries=0',
      'p STARTING>RUNNING',
      'p RUNNING>STOPPING',
      'p STOPPING>STOPPED',
    ]);
  });
});

describe('listener views', () => {
  it('a listener sees the state of its own event, even when one input makes two changes', async () => {
    const { sup, clock, spawner } = setup({
      programs: { q: { command: 'sleep 100', startretries: 0, ...quiet } },
    });
    const seen: string[] = [];
    // Typed by event name: e is a ProcessStateEvent here, with pid and tries.
    sup.on('PROCESS_STATE_BACKOFF', (e) => seen.push(`${e.tries}:${sup.getProcess('q')!.state}`));
    sup.on('PROCESS_STATE_FATAL', (e) => seen.push(`${e.fromState}:${sup.getProcess('q')!.state}`));
    sup.on('PROCESS_STATE_RUNNING', (e) => seen.push(String(e.pid)));
    await sup.start();
    clock.advance(10);
    spawner.last('q').exit(1);
    expect(seen).toEqual(['1:BACKOFF', 'BACKOFF:FATAL']);
  });

  it('an async listener that rejects is reported, not left unhandled', async () => {
    const { sup } = setup({ programs: { p: { command: 'sleep 100', ...quiet } } });
    const errors: unknown[] = [];
    sup.on('listenerError', (r) => errors.push(r.error));
    // An async listener on purpose: what the library must survive.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    sup.on('PROCESS_STATE_STARTING', async () => {
      throw new Error('async boom');
    });
    await sup.start();
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual([new Error('async boom')]);
  });
});

describe('reloadConfig', () => {
  it('returns [added, changed, removed] without touching running groups', async () => {
    const { sup } = setup({
      programs: {
        keep: { command: 'sleep 1', ...quiet },
        change: { command: 'sleep 1', ...quiet },
        gone: { command: 'sleep 1', ...quiet },
      },
    });
    await sup.start();
    const diff = await sup.reloadConfig({
      programs: {
        keep: { command: 'sleep 1', ...quiet },
        change: { command: 'sleep 2', ...quiet },
        fresh: { command: 'sleep 1', ...quiet },
      },
    });
    expect(diff).toEqual([['fresh'], ['change'], ['gone']]);
    expect(sup.getGroup('gone')).toBeDefined();
  });
});
