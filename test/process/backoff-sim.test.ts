/**
 * procvisor's `backoff` and `retryAfterFatal` (beyond supervisord), on the ManualClock and the fake spawner:
 * the delays between failed starts, a FATAL process started again, and exits counted as failures until
 * `resetAfter` has passed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, Supervisor, type ProgramConfig } from '../../src/index.js';
import { retryDelayMs } from '../../src/core/transitions.js';
import { FakeSpawner } from '../helpers/fake-spawner.js';

const quiet = { stdoutLogfile: 'NONE', stderrLogfile: 'NONE' } as const;
let current: Supervisor | undefined;

function setup(program: ProgramConfig) {
  const clock = new ManualClock();
  const spawner = new FakeSpawner();
  spawner.diesOnSignal = true;
  const sup = new Supervisor({ programs: { p: { ...quiet, ...program } } }, { clock, spawner });
  current = sup;
  /** When each spawn happened, in ms of the manual clock. */
  const spawns: number[] = [];
  const states: string[] = [];
  sup.on('PROCESS_STATE', (e) => {
    states.push(e.state);
    if (e.state === 'STARTING') spawns.push(clock.now());
  });
  return { clock, spawner, sup, spawns, states };
}

const flush = () => new Promise((r) => setImmediate(r));

/** Lets the clock run in 100 ms steps for `ms`, failing each new child at once. */
async function failFor(ms: number, clock: ManualClock, spawner: FakeSpawner): Promise<void> {
  for (let t = 0; t <= ms; t += 100) {
    await flush();
    for (const c of spawner.children) if (!c.exited) c.exit(1);
    await flush();
    clock.advance(100);
  }
}

/** The gaps between consecutive spawns, in seconds (rounded to the 100 ms step). */
const gaps = (spawns: readonly number[]) =>
  spawns.slice(1).map((t, i) => Math.round((t - spawns[i]!) / 100) / 10);

afterEach(async () => {
  await current?.shutdown();
  current = undefined;
});

describe('retry delays', () => {
  it('without backoff: supervisord’s 1, 2, 3 s, then FATAL', async () => {
    const { clock, spawner, sup, spawns, states } = setup({ command: 'sleep 9', startretries: 3 });
    await sup.start();
    await failFor(8000, clock, spawner);
    expect(gaps(spawns)).toEqual([1, 2, 3]);
    expect(states.at(-1)).toBe('FATAL');
  });

  it('exponential: 1, 2, 4, 8 s, capped at max', async () => {
    const { clock, spawner, sup, spawns } = setup({
      command: 'sleep 9',
      startretries: 6,
      backoff: { strategy: 'exponential', initial: '1s', max: '8s' },
    });
    await sup.start();
    await failFor(40_000, clock, spawner);
    expect(gaps(spawns)).toEqual([1, 2, 4, 8, 8, 8]);
  });

  it('linear with another initial', () => {
    const policy = { strategy: 'linear', initial: 500, max: null, jitter: 0, resetAfter: 0 } as const;
    expect([1, 2, 3].map((n) => retryDelayMs(n, policy))).toEqual([500, 1000, 1500]);
    expect(retryDelayMs(3, null)).toBe(3000);
  });

  it('jitter spreads each delay by at most its fraction', async () => {
    const { clock, spawner, sup, spawns } = setup({
      command: 'sleep 9',
      startretries: 1,
      backoff: { initial: '10s', jitter: 0.2 },
    });
    await sup.start();
    await failFor(13_000, clock, spawner);
    const [gap] = gaps(spawns);
    expect(gap).toBeGreaterThanOrEqual(8);
    expect(gap).toBeLessThanOrEqual(12);
  });
});

describe('retryAfterFatal', () => {
  it('starts a FATAL process again after the delay, counting its tries afresh', async () => {
    const { clock, spawner, sup, spawns, states } = setup({
      command: 'sleep 9',
      startretries: 1,
      retryAfterFatal: '1m',
    });
    await sup.start();
    await failFor(2000, clock, spawner);
    expect(states.at(-1)).toBe('FATAL');
    expect(spawns).toHaveLength(2);
    await failFor(60_000, clock, spawner);
    expect(spawns).toHaveLength(4); // two more tries: afresh
    expect(Math.round((spawns[2]! - spawns[1]!) / 1000)).toBe(60);
    expect(states.filter((s) => s === 'FATAL')).toHaveLength(2);
  });

  it('without it, FATAL stays FATAL', async () => {
    const { clock, spawner, sup, spawns } = setup({ command: 'sleep 9', startretries: 0 });
    await sup.start();
    await failFor(30_000, clock, spawner);
    expect(spawns).toHaveLength(1);
  });
});

describe('resetAfter', () => {
  it('an exit before resetAfter waits the next delay before its autorestart; after it, the count resets', async () => {
    const { clock, spawner, sup, spawns, states } = setup({
      command: 'sleep 9',
      startsecs: 0,
      autorestart: true,
      backoff: { strategy: 'exponential', initial: '2s', resetAfter: '10s' },
    });
    await sup.start();
    await flush();
    clock.advance(0);
    await flush();
    expect(states).toEqual(['STARTING', 'RUNNING']);
    // Crashes after 1 s, twice: restarts wait 2 s, then 4 s.
    for (let i = 0; i < 2; i++) {
      clock.advance(1000);
      spawner.children.at(-1)!.exit(1);
      await flush();
      for (let t = 0; t < 10 && spawner.children.length < i + 2; t++) {
        clock.advance(1000);
        await flush();
      }
      clock.advance(0);
      await flush();
    }
    expect(gaps(spawns)).toEqual([3, 5]);
    // Up for longer than resetAfter: the next exit restarts at once, as supervisord.
    clock.advance(11_000);
    spawner.children.at(-1)!.exit(1);
    await flush();
    clock.advance(0);
    await flush();
    expect(spawns).toHaveLength(4);
    expect(gaps(spawns).at(-1)).toBe(11);
  });
});
