/**
 * Every timeout names what was awaited, how long it waited, and which process is in which state; every wait
 * takes its `timeout` as a Duration (milliseconds, or text with a unit). Simulated: a ManualClock and a
 * fake spawner.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, Supervisor, WaitTimeoutError, type SupervisorConfig } from '../../src/index.js';
import { FakeSpawner } from '../helpers/fake-spawner.js';

const quiet = { stdoutLogfile: 'NONE', stderrLogfile: 'NONE' } as const;
let current: Supervisor | undefined;

function setup(config: SupervisorConfig) {
  const clock = new ManualClock();
  const spawner = new FakeSpawner();
  spawner.diesOnSignal = true;
  const sup = new Supervisor(config, { clock, spawner });
  current = sup;
  return { clock, spawner, sup };
}

/** Lets pending promise callbacks run (the wait registers after start() resolves). */
const turn = () => new Promise((resolve) => setImmediate(resolve));

afterEach(async () => {
  await current?.shutdown();
  current = undefined;
});

describe('Supervisor.launch', () => {
  it.each([20, '20ms'] as const)(
    'timeout %j: says it timed out, after how long, and who is still STARTING',
    async (timeout) => {
      const clock = new ManualClock();
      const spawner = new FakeSpawner();
      spawner.diesOnSignal = true;
      const launched = Supervisor.launch(
        { programs: { web: { command: 'sleep 100', startsecs: 30, ...quiet } } },
        { clock, spawner, timeout },
      );
      const outcome = launched.then(
        () => new Error('launched'),
        (err: unknown) => err,
      );
      await turn();
      const pid = spawner.last('web').pid;
      clock.advance(20);
      const err = await outcome;
      expect(err).toBeInstanceOf(WaitTimeoutError);
      expect((err as Error).message).toBe(
        `WAIT_FAILED: timed out after 20 ms waiting for every autostart process to be RUNNING; still STARTING: web (pid ${pid})`,
      );
    },
  );
});

describe('waitForReady and waitForSettled', () => {
  it('list the processes still in the way, by state', async () => {
    const { clock, spawner, sup } = setup({
      programs: {
        web: {
          command: 'sleep 100',
          numprocs: 2,
          processName: 'web_%(process_num)d',
          startsecs: 30,
          ...quiet,
        },
        db: { command: 'sleep 100', startsecs: 0, ...quiet },
        off: { command: 'sleep 100', autostart: false, ...quiet },
      },
    });
    await sup.start();
    const ready = sup.waitForReady({ timeout: '1s' }).catch((err: unknown) => err);
    const settled = sup.waitForSettled({ timeout: 1000 }).catch((err: unknown) => err);
    await turn();
    const [w0, w1] = [spawner.last('web_0').pid, spawner.last('web_1').pid];
    clock.advance(1000);
    const still = `still STARTING: web:web_0 (pid ${w0}), web:web_1 (pid ${w1})`;
    expect(((await ready) as Error).message).toBe(
      `WAIT_FAILED: timed out after 1000 ms waiting for every autostart process to be RUNNING; ${still}`,
    );
    expect(((await settled) as Error).message).toBe(
      `WAIT_FAILED: timed out after 1000 ms waiting for every process to settle; ${still}`,
    );
    expect(((await ready) as WaitTimeoutError).info?.name).toBe('web_0');
  });
});

describe('the waits of a process', () => {
  it('waitForState names the state wanted and the state it is in', async () => {
    const { clock, spawner, sup } = setup({
      programs: { web: { command: 'sleep 100', startsecs: 30, ...quiet } },
    });
    await sup.start();
    const wait = sup
      .waitForState('web', ['RUNNING', 'EXITED'], { timeout: '1.5s' })
      .catch((err: unknown) => err);
    clock.advance(1500);
    expect(((await wait) as Error).message).toBe(
      `WAIT_FAILED: timed out after 1500 ms waiting for web to be RUNNING or EXITED; web is STARTING (pid ${spawner.last('web').pid})`,
    );
  });

  it('waitForOutput names the pattern', async () => {
    const { clock, sup } = setup({ programs: { web: { command: 'sleep 100', autostart: false, ...quiet } } });
    await sup.start();
    const wait = sup.waitForOutput('web', /listening/, { timeout: '2m' }).catch((err: unknown) => err);
    clock.advance(119_999);
    clock.advance(1);
    expect(((await wait) as Error).message).toBe(
      'WAIT_FAILED: timed out after 120000 ms waiting for a line of web matching /listening/; web is STOPPED',
    );
  });

  it('a timeout that is not a Duration is a TypeError quoting it', async () => {
    const { sup } = setup({ programs: { web: { command: 'sleep 100', autostart: false, ...quiet } } });
    await sup.start();
    for (const timeout of ['20 secs', '20', -1, Number.NaN]) {
      await expect(sup.waitForState('web', 'RUNNING', { timeout: timeout as never })).rejects.toThrow(
        TypeError,
      );
    }
    await expect(sup.waitForReady({ timeout: '20 secs' as never })).rejects.toThrow(
      "timeout: expected a duration: milliseconds (a number, 0 or more) or text with a unit like '500ms', '20s', '2m', '1h'; got '20 secs'",
    );
  });
});
