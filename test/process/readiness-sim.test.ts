import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  ManualClock,
  Supervisor,
  WaitTimeoutError,
  type SupervisorConfig,
} from '../../src/index.js';
import { FakeSpawner } from '../helpers/fake-spawner.js';

const quiet = { stdoutLogfile: 'NONE', stderrLogfile: 'NONE' } as const;
let current: { sup: Supervisor; spawner: FakeSpawner } | undefined;

function setup(config: SupervisorConfig) {
  const clock = new ManualClock();
  const spawner = new FakeSpawner();
  const sup = new Supervisor(config, { clock, spawner });
  current = { sup, spawner };
  const states: string[] = [];
  sup.on('PROCESS_STATE', (e) => states.push(`${e.processName}:${e.state}`));
  return { clock, spawner, sup, states };
}

const flush = () => new Promise((r) => setImmediate(r));

afterEach(async () => {
  if (!current) return;
  const { sup, spawner } = current;
  current = undefined;
  spawner.diesOnSignal = true;
  for (const c of spawner.children) c.diesOnSignal = true;
  await sup.shutdown();
});

describe('readiness', () => {
  it('pattern: RUNNING when a matching line appears, not after startsecs', async () => {
    const { sup, clock, spawner, states } = setup({
      programs: { web: { command: 'sleep 100', readiness: { pattern: /listening on \d+/ }, ...quiet } },
    });
    await sup.start();
    clock.advance(5000);
    expect(sup.getProcess('web')!.state).toBe('STARTING');
    spawner.last('web').output('stdout', 'booting\nlistening on 80');
    expect(states).toEqual(['web:STARTING', 'web:RUNNING']);
  });

  it('pattern strings are expanded per process and matched literally', async () => {
    const { sup, spawner } = setup({
      programs: {
        w: {
          command: 'sleep 100',
          numprocs: 2,
          processName: 'w%(process_num)d',
          readiness: { pattern: 'port 80%(process_num)02d (ok)', channel: 'stderr' },
          ...quiet,
        },
      },
    });
    await sup.start();
    spawner.last('w1').output('stdout', 'port 8001 (ok)\n');
    expect(sup.getProcess('w:w1')!.state).toBe('STARTING');
    spawner.last('w1').output('stderr', 'port 8001 (ok)\n');
    expect(sup.getProcess('w:w1')!.state).toBe('RUNNING');
    expect(sup.getProcess('w:w0')!.state).toBe('STARTING');
  });

  it('check: polled every interval until it returns true', async () => {
    let calls = 0;
    const { sup, clock } = setup({
      programs: {
        p: { command: 'sleep 100', readiness: { check: () => ++calls >= 3, interval: '500ms' }, ...quiet },
      },
    });
    await sup.start();
    await flush();
    expect(calls).toBe(1);
    clock.advance(500);
    await flush();
    expect(sup.getProcess('p')!.state).toBe('STARTING');
    clock.advance(500);
    await flush();
    expect(calls).toBe(3);
    expect(sup.getProcess('p')!.state).toBe('RUNNING');
  });

  it('timeout: the child is killed, the start counts as failed, retries then FATAL', async () => {
    const { sup, clock, spawner, states } = setup({
      programs: {
        p: {
          command: 'sleep 100',
          startretries: 1,
          readiness: { pattern: 'never', timeout: '2s' },
          ...quiet,
        },
      },
    });
    spawner.diesOnSignal = true;
    await sup.start();
    clock.advance(2000);
    expect(spawner.children[0]!.signals).toEqual([{ signal: 9, group: false }]);
    clock.advance(1000);
    clock.advance(2000);
    expect(states).toEqual(['p:STARTING', 'p:BACKOFF', 'p:STARTING', 'p:BACKOFF', 'p:FATAL']);
    expect((await sup.getProcessInfo('p')).spawnerr).toBe('not ready within 2000 ms (readiness)');
  });

  it('rejects a readiness with no kind, or two', () => {
    expect(
      () => new Supervisor({ programs: { p: { command: 'x', readiness: { timeout: 1 } as never } } }),
    ).toThrow(ConfigError);
    expect(
      () =>
        new Supervisor({
          programs: { p: { command: 'x', readiness: { tcp: 1, http: 'http://x' } as never } },
        }),
    ).toThrow(ConfigError);
  });
});

describe('waiting', () => {
  it('waitForState resolves at once when already there, and on the change otherwise', async () => {
    const { sup, clock } = setup({ programs: { p: { command: 'sleep 100', ...quiet } } });
    await sup.start();
    const running = sup.waitForState('p', 'RUNNING');
    await expect(sup.waitForState('p', ['STARTING', 'RUNNING'])).resolves.toBe(sup.getProcess('p'));
    clock.advance(1000);
    await expect(running).resolves.toBe(sup.getProcess('p'));
  });

  it('waitForState times out with WAIT_FAILED and can be aborted; both leave nothing behind', async () => {
    const { sup, clock } = setup({ programs: { p: { command: 'sleep 100', startsecs: 100, ...quiet } } });
    await sup.start();
    const timed = sup.waitForState('p', 'RUNNING', { timeout: 50 });
    clock.advance(50);
    await expect(timed).rejects.toBeInstanceOf(WaitTimeoutError);
    const ac = new AbortController();
    const aborted = sup.waitForState('p', 'RUNNING', { signal: ac.signal });
    ac.abort(new Error('enough'));
    await expect(aborted).rejects.toThrow('enough');
    expect(clock.pending).toBe(1); // only the process's own startsecs timer
  });

  it('waitForOutput resolves with the matching line', async () => {
    const { sup, spawner } = setup({ programs: { p: { command: 'sleep 100', ...quiet } } });
    await sup.start();
    const line = sup.waitForOutput('p', /^ready: (\w+)/);
    spawner.last('p').output('stdout', 'hello\nready: ');
    spawner.last('p').output('stderr', 'ready: yes\n');
    await expect(line).resolves.toBe('ready: yes');
  });

  it('waitForReady rejects with the failing process, its info and its last output', async () => {
    const { sup, clock, spawner } = setup({
      programs: {
        ok: { command: 'sleep 100', ...quiet },
        bad: { command: 'sleep 100', startretries: 0, ...quiet },
      },
    });
    await sup.start();
    const ready = sup.waitForReady();
    spawner.last('bad').output('stderr', 'Error: config missing\n');
    clock.advance(100);
    spawner.last('bad').exit(1);
    const err = await ready.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as WaitTimeoutError).info).toMatchObject({ name: 'bad', statename: 'FATAL' });
    expect((err as WaitTimeoutError).output).toEqual(['Error: config missing']);
    expect((err as Error).message).toContain('bad is FATAL');
  });

  it('waitForSettled waits through BACKOFF until the process is RUNNING or given up', async () => {
    const { sup, clock, spawner } = setup({ programs: { p: { command: 'sleep 100', ...quiet } } });
    await sup.start();
    let settled = false;
    const done = sup.waitForSettled().then(() => (settled = true));
    clock.advance(100);
    spawner.last('p').exit(1);
    await flush();
    expect(settled).toBe(false);
    clock.advance(1000);
    clock.advance(1000);
    await done;
    expect(sup.getProcess('p')!.state).toBe('RUNNING');
  });
});

describe('dependsOn', () => {
  const config: SupervisorConfig = {
    programs: {
      web: { command: 'sleep 100', priority: 1, dependsOn: { db: 'ready', migrate: 'exited-ok' }, ...quiet },
      db: { command: 'sleep 100', priority: 900, ...quiet },
      migrate: {
        command: 'sleep 100',
        priority: 5,
        startsecs: 0,
        autorestart: false,
        dependsOn: { db: 'started' },
        ...quiet,
      },
    },
  };

  it('starts a program only once its dependencies meet their conditions', async () => {
    const { sup, clock, spawner, states } = setup(config);
    await sup.start();
    expect(states).toEqual(['db:STARTING', 'migrate:STARTING']);
    clock.advance(0);
    spawner.last('migrate').exit(0);
    expect(sup.getProcess('web')!.state).toBe('STOPPED');
    clock.advance(1000);
    expect(states.slice(-2)).toEqual(['db:RUNNING', 'web:STARTING']);
  });

  it('shutdown stops dependents before what they depend on, whatever the priorities', async () => {
    const { sup, clock, spawner, states } = setup(config);
    spawner.diesOnSignal = true;
    await sup.start();
    clock.advance(0);
    spawner.last('migrate').exit(0);
    clock.advance(1000);
    clock.advance(1000);
    states.length = 0;
    for (const c of spawner.children) c.diesOnSignal = true;
    await sup.shutdown();
    expect(states.filter((s) => s.endsWith('STOPPING'))).toEqual(['web:STOPPING', 'db:STOPPING']);
  });

  it('a missing dependency or a cycle is a ConfigError', () => {
    const bad = (programs: SupervisorConfig['programs']) => () => new Supervisor({ programs });
    expect(bad({ a: { command: 'x', dependsOn: { nope: 'ready' } } })).toThrow(
      /depends on unknown program nope/,
    );
    expect(
      bad({
        a: { command: 'x', dependsOn: { b: 'ready' } },
        b: { command: 'x', dependsOn: { a: 'started' } },
      }),
    ).toThrow(/dependency cycle: a -> b -> a/);
  });

  describe('onExit', () => {
    const withExit = (onExit: 'stop' | 'restart'): SupervisorConfig => ({
      programs: {
        web: { command: 'sleep 100', startsecs: 0, dependsOn: { db: { onExit } }, ...quiet },
        db: { command: 'sleep 100', startsecs: 0, autorestart: true, priority: 1, ...quiet },
      },
    });

    it("'restart': a dependency that exits stops its dependents, which start again once it is RUNNING", async () => {
      const { sup, clock, spawner, states } = setup(withExit('restart'));
      spawner.diesOnSignal = true;
      await sup.start();
      clock.advance(0);
      await flush();
      expect(sup.getProcess('web')!.state).toBe('RUNNING');
      states.length = 0;
      spawner.last('db').exit(1);
      await flush();
      clock.advance(0);
      await flush();
      expect(states).toEqual([
        'db:EXITED',
        'web:STOPPING',
        'web:STOPPED',
        'db:STARTING',
        'db:RUNNING',
        'web:STARTING',
        'web:RUNNING',
      ]);
    });

    it("'stop': the dependents stay stopped when the dependency is back", async () => {
      const { sup, clock, spawner, states } = setup(withExit('stop'));
      spawner.diesOnSignal = true;
      await sup.start();
      clock.advance(0);
      await flush();
      states.length = 0;
      spawner.last('db').exit(1);
      await flush();
      clock.advance(0);
      await flush();
      expect(states).toEqual(['db:EXITED', 'web:STOPPING', 'web:STOPPED', 'db:STARTING', 'db:RUNNING']);
    });

    it('a stop asked for is not an exit: the dependents keep running', async () => {
      const { sup, clock, spawner, states } = setup(withExit('restart'));
      spawner.diesOnSignal = true;
      await sup.start();
      clock.advance(0);
      await flush();
      states.length = 0;
      await sup.stopProcess('db');
      expect(states).toEqual(['db:STOPPING', 'db:STOPPED']);
      expect(sup.getProcess('web')!.state).toBe('RUNNING');
    });

    it('without onExit nothing changes: supervisord never stops a program for another', async () => {
      const { sup, clock, spawner, states } = setup({
        programs: {
          web: { command: 'sleep 100', startsecs: 0, dependsOn: { db: 'ready' }, ...quiet },
          db: { command: 'sleep 100', startsecs: 0, autorestart: true, priority: 1, ...quiet },
        },
      });
      await sup.start();
      clock.advance(0);
      await flush();
      states.length = 0;
      spawner.last('db').exit(1);
      await flush();
      clock.advance(0);
      await flush();
      expect(states).toEqual(['db:EXITED', 'db:STARTING', 'db:RUNNING']);
    });
  });

  it('waitForReady fails when a dependency can never be met', async () => {
    const { sup, clock, spawner } = setup({
      programs: {
        app: { command: 'sleep 100', dependsOn: { dep: 'ready' }, ...quiet },
        dep: { command: 'sleep 100', startretries: 0, ...quiet },
      },
    });
    await sup.start();
    const ready = sup.waitForReady();
    clock.advance(10);
    spawner.last('dep').exit(1);
    await expect(ready).rejects.toThrow(/app waits for dep, which is FATAL/);
  });
});

describe('Supervisor.launch', () => {
  it('resolves once ready, and `await using` shuts it down at the end of the scope', async () => {
    const spawner = new FakeSpawner();
    spawner.diesOnSignal = true;
    let sup: Supervisor | undefined;
    {
      await using s = await Supervisor.launch(
        { programs: { p: { command: 'sleep 100', readiness: { check: () => true }, ...quiet } } },
        { spawner, clock: new ManualClock() },
      );
      sup = s;
      expect(s.getProcess('p')!.state).toBe('RUNNING');
    }
    expect((await sup.getState()).statename).toBe('SHUTDOWN');
    expect(sup.getProcess('p')!.state).toBe('STOPPED');
  });

  it('shuts down before rejecting when a process fails', async () => {
    const spawner = new FakeSpawner();
    spawner.failWith = "can't really spawn";
    const err = await Supervisor.launch(
      { programs: { p: { command: 'sleep 100', startretries: 0, ...quiet } } },
      { spawner, clock: new ManualClock() },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as Error).message).toContain("p is FATAL: FATAL can't really spawn");
  });
});
