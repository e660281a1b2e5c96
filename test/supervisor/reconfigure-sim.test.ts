// The simulated tier (ManualClock, fake spawner) for what only a synchronous spawner can time exactly: a
// child that dies at once when signalled, and a start asked for from the STOPPED listener, which runs
// before the stop's own promise looks at the state.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, Supervisor } from '../../src/index.js';
import { FakeSpawner } from '../helpers/fake-spawner.js';

const quiet = { stdoutLogfile: 'NONE', stderrLogfile: 'NONE' } as const;
let current: Supervisor | undefined;

afterEach(async () => {
  await current?.shutdown();
  current = undefined;
});

describe('a stop whose process is started again at once', () => {
  it('settles: the process did stop', async () => {
    const spawner = new FakeSpawner();
    spawner.diesOnSignal = true;
    const sup = new Supervisor(
      { programs: { a: { command: 'sleep 100', ...quiet } } },
      { clock: new ManualClock(), spawner },
    );
    current = sup;
    await sup.start();
    sup.once('PROCESS_STATE_STOPPED', () => void sup.startProcess('a', false));
    await expect(sup.stopProcess('a')).resolves.toBe(true);
    expect(sup.getProcess('a')?.state).toBe('STARTING');
  });
});

describe('update', () => {
  it('reports a group started again between its stop and its removal as a problem, and leaves it', async () => {
    const spawner = new FakeSpawner();
    spawner.diesOnSignal = true;
    const clock = new ManualClock();
    const sup = new Supervisor(
      { programs: { a: { command: 'sleep 100', startsecs: 1, ...quiet } } },
      { clock, spawner },
    );
    current = sup;
    await sup.start();
    clock.advance(1000);
    expect(sup.getProcess('a')?.state).toBe('RUNNING');
    // Someone starts a again as soon as the update has stopped it.
    sup.once('PROCESS_STATE_STOPPED', (e) => {
      if (e.processName === 'a') void sup.startProcess('a', false);
    });
    const result = await sup.update({ programs: { b: { command: 'sleep 100', ...quiet } } });
    expect(result).toEqual({ added: ['b'], changed: [], removed: [], problems: ['a'] });
    expect(sup.getProcess('a')?.state).toBe('STARTING');
    expect(sup.groups.map((g) => g.name).sort()).toEqual(['a', 'b']);
  });
});
