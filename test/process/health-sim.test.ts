/**
 * `healthcheck` (procvisor) on the ManualClock and the fake spawner: the grace period, the period, failures in
 * a row, PROCESS_HEALTH, the restart through the stop path, and autorestart false.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, Supervisor, type ProgramConfig } from '../../src/index.js';
import { FakeSpawner } from '../helpers/fake-spawner.js';

const quiet = { stdoutLogfile: 'NONE', stderrLogfile: 'NONE' } as const;
let current: Supervisor | undefined;
const flush = () => new Promise((r) => setImmediate(r));

function setup(program: Partial<ProgramConfig>, healthy: () => boolean) {
  const clock = new ManualClock();
  const spawner = new FakeSpawner();
  spawner.diesOnSignal = true;
  const checks: number[] = [];
  const sup = new Supervisor(
    {
      programs: {
        p: {
          command: 'sleep 100',
          startsecs: 0,
          autorestart: true,
          ...quiet,
          healthcheck: {
            check: () => {
              checks.push(clock.now());
              return healthy();
            },
            period: '10s',
            timeout: '5s',
            failures: 3,
            gracePeriod: '30s',
          },
          ...program,
        },
      },
    },
    { clock, spawner },
  );
  current = sup;
  const seen: string[] = [];
  sup.on('PROCESS_STATE', (e) => seen.push(e.state));
  sup.on('PROCESS_HEALTH', (e) => seen.push(`${e.health}:${e.failures}`));
  return { clock, spawner, sup, seen, checks };
}

/** Advances the manual clock in 1 s steps, letting promises settle between steps. */
async function run(clock: ManualClock, seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    clock.advance(1000);
    await flush();
  }
}

afterEach(async () => {
  await current?.shutdown();
  current = undefined;
});

describe('healthcheck', () => {
  it('checks every period after the grace period; healthy once, then nothing while it stays healthy', async () => {
    const { clock, sup, seen, checks } = setup({}, () => true);
    const t0 = clock.now();
    await sup.start();
    await run(clock, 1);
    expect(seen).toEqual(['STARTING', 'RUNNING']);
    await run(clock, 60);
    expect(checks.map((t) => Math.round((t - t0) / 1000))).toEqual([30, 40, 50, 60]);
    expect(seen).toEqual(['STARTING', 'RUNNING', 'healthy:0']);
    expect(sup.getProcess('p')!.info().health).toBe('healthy');
  });

  it('after `failures` failed checks in a row: unhealthy, stopped through the stop path, started again', async () => {
    let ok = true;
    const { clock, sup, seen, spawner } = setup({}, () => ok);
    await sup.start();
    await run(clock, 32);
    ok = false;
    await run(clock, 30);
    expect(seen).toEqual([
      'STARTING',
      'RUNNING',
      'healthy:0',
      'unhealthy:3',
      'STOPPING',
      'STOPPED',
      'STARTING',
      'RUNNING',
    ]);
    expect(spawner.children).toHaveLength(2);
    expect(spawner.children[0]!.signals.map((s) => s.signal)).toEqual([15]);
    // The new run starts afresh: no verdict until its first check.
    expect(sup.getProcess('p')!.info().health).toBe('unknown');
  });

  it('a failure between successes starts the count again', async () => {
    const answers = [true, false, false, true, false, false, true];
    const { clock, sup, seen } = setup({}, () => answers.shift() ?? true);
    await sup.start();
    await run(clock, 100);
    expect(seen).toEqual(['STARTING', 'RUNNING', 'healthy:0']);
  });

  it('a check that takes longer than timeout is a failure', async () => {
    const { clock, sup, seen } = setup(
      { healthcheck: { check: () => new Promise(() => {}), period: '10s', timeout: '5s', failures: 1 } },
      () => true,
    );
    await sup.start();
    await run(clock, 6);
    expect(seen.slice(0, 4)).toEqual(['STARTING', 'RUNNING', 'unhealthy:1', 'STOPPING']);
  });

  it('with autorestart false the unhealthy process is stopped and stays STOPPED', async () => {
    const { clock, sup, seen } = setup({ autorestart: false }, () => false);
    await sup.start();
    await run(clock, 60);
    expect(seen).toEqual(['STARTING', 'RUNNING', 'unhealthy:3', 'STOPPING', 'STOPPED']);
  });
});
