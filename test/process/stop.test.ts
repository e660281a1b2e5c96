/**
 * Real children: stopping. stopsignal, SIGKILL after stopwaitsecs, stopasgroup/killasgroup reaching
 * grandchildren (`process.py Subprocess.stop`, `kill`, `transition`; reference §1.9).
 */
import { describe, expect } from 'vitest';
import type { ActivityLogRecord } from '../../src/index.js';
import { it, prog, type Harness } from '../helpers/core.js';
import { killQuietly, pgidOf, pidAlive, waitForPidGone } from '../helpers/pids.js';

function activity(h: Harness): ActivityLogRecord[] {
  const records: ActivityLogRecord[] = [];
  h.sup.on('log', (r) => records.push(r));
  return records;
}

/** Starts the single program `a`, waits for RUNNING and for the child's `ready`; returns its pid. */
async function startReady(h: Harness): Promise<number> {
  await h.sup.start();
  const running = await h.reach('a', 'RUNNING');
  await h.waitOutput('a', /^ready$/m);
  return running.pid!;
}

describe.concurrent('stop', () => {
  it('a child ignoring SIGTERM gets SIGKILL after stopwaitsecs: STOPPING -> STOPPED', async ({
    supervise,
  }) => {
    const h = supervise({ programs: { a: prog(['--ignore=TERM'], { stopwaitsecs: 0.5 }) } });
    const log = activity(h);
    const pid = await startReady(h);
    const times: Record<string, number> = {};
    h.sup.on('PROCESS_STATE', (e) => (times[e.state] = performance.now()));

    await h.sup.stopProcess('a', false);
    await h.waitOutput('a', /^ignored SIGTERM$/m);
    await h.reach('a', 'STOPPED');
    expect(pidAlive(pid)).toBe(false);
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->STOPPING',
      'STOPPING->STOPPED',
    ]);
    // SIGKILL comes no sooner than stopwaitsecs after the stop signal.
    expect(times.STOPPED! - times.STOPPING!).toBeGreaterThanOrEqual(450);
    expect(log.map((r) => [r.level, r.message])).toEqual(
      expect.arrayContaining([
        ['warn', `killing 'a' (${pid}) with SIGKILL`],
        ['warn', 'stopped: a (terminated by SIGKILL)'],
      ]),
    );
    const info = await h.sup.getProcessInfo('a');
    expect(info).toMatchObject({ statename: 'STOPPED', exitstatus: -1, pid: 0 });
    expect(info.description).toMatch(/^[A-Z][a-z]{2} \d{2} \d{2}:\d{2} [AP]M$/);
  });

  it('a child that exits on stopsignal is STOPPED without SIGKILL', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([], { stopsignal: 'INT', stopwaitsecs: 5 }) } });
    const log = activity(h);
    await startReady(h);
    await h.sup.stopProcess('a');
    const messages = log.map((r) => r.message);
    expect(messages).toContain('stopped: a (terminated by SIGINT)');
    expect(messages.some((m) => m.includes('SIGKILL'))).toBe(false);
  });

  it('an exit code in exitcodes while stopping is logged at info', async ({ supervise }) => {
    // The child handles TERM by exiting 0: `stopped: a (exit status 0)`, STOPPED all the same.
    const h = supervise({
      programs: { a: { ...prog([]), command: [process.execPath, '-e', EXIT_ON_TERM] } },
    });
    const log = activity(h);
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    await h.waitOutput('a', /^ready$/m);
    await h.sup.stopProcess('a');
    expect(log.map((r) => [r.level, r.message])).toContainEqual(['info', 'stopped: a (exit status 0)']);
    expect((await h.sup.getProcessInfo('a')).exitstatus).toBe(0);
    expect(h.seq('a').at(-1)).toBe('STOPPING->STOPPED');
  });

  it('a stop during STARTING goes STARTING -> STOPPING -> STOPPED', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([], { startsecs: 10, autostart: false }) } });
    await h.sup.start();
    await h.sup.startProcess('a', false);
    expect(h.sup.getProcess('a')!.state).toBe('STARTING');
    await h.sup.stopProcess('a');
    expect(h.seq('a')).toEqual(['STOPPED->STARTING tries:0', 'STARTING->STOPPING', 'STOPPING->STOPPED']);
  });

  it('stop without waiting resolves at once; a second stop while STOPPING is NOT_RUNNING', async ({
    supervise,
  }) => {
    const h = supervise({ programs: { a: prog(['--ignore=TERM'], { stopwaitsecs: 0.5 }) } });
    await startReady(h);
    expect(await h.sup.stopProcess('a', false)).toBe(true);
    expect(h.sup.getProcess('a')!.state).toBe('STOPPING');
    await expect(h.sup.stopProcess('a')).rejects.toMatchObject({
      code: 'NOT_RUNNING',
      message: 'NOT_RUNNING: a',
    });
    await h.reach('a', 'STOPPED');
  });

  it('the Process object stops too, and waits', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([]) } });
    await startReady(h);
    const p = h.sup.getProcess('a')!;
    expect(await p.stop()).toBe(true);
    expect(p.state).toBe('STOPPED');
    expect(p.pid).toBe(0);
  });
});

describe.concurrent('process groups', () => {
  it('each child leads its own process group', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([]) } });
    const pid = await startReady(h);
    expect(pgidOf(pid)).toBe(pid);
    expect(pgidOf(pid)).not.toBe(pgidOf(process.pid));
  });

  it('killasgroup: the SIGKILL reaches the grandchild', async ({ supervise, onTestFinished }) => {
    const h = supervise({
      programs: {
        a: prog(['--ignore=TERM', '--grandchild'], { stopwaitsecs: 0.5, killasgroup: true }),
      },
    });
    const pid = await startReady(h);
    const grandchild = Number((await h.waitOutput('a', /^grandchild (\d+)$/m))[1]);
    onTestFinished(() => killQuietly(grandchild));
    expect(pgidOf(grandchild)).toBe(pid);

    await h.sup.stopProcess('a');
    await waitForPidGone(grandchild);
    expect(h.seq('a').slice(-2)).toEqual(['RUNNING->STOPPING', 'STOPPING->STOPPED']);
  });

  it('without killasgroup the grandchild survives the SIGKILL of its parent', async ({
    supervise,
    onTestFinished,
  }) => {
    const h = supervise({
      programs: { a: prog(['--ignore=TERM', '--grandchild'], { stopwaitsecs: 0.5 }) },
    });
    const pid = await startReady(h);
    const grandchild = Number((await h.waitOutput('a', /^grandchild (\d+)$/m))[1]);
    onTestFinished(async () => {
      killQuietly(grandchild);
      await waitForPidGone(grandchild);
    });

    await h.sup.stopProcess('a');
    expect(pidAlive(pid)).toBe(false);
    expect(pidAlive(grandchild)).toBe(true);
  });

  it('stopasgroup: the stop signal reaches the grandchild (and no SIGKILL is needed)', async ({
    supervise,
    onTestFinished,
  }) => {
    const h = supervise({
      programs: { a: prog(['--grandchild'], { stopwaitsecs: 5, stopasgroup: true }) },
    });
    const log = activity(h);
    await startReady(h);
    const grandchild = Number((await h.waitOutput('a', /^grandchild (\d+)$/m))[1]);
    onTestFinished(() => killQuietly(grandchild));

    await h.sup.stopProcess('a');
    await waitForPidGone(grandchild);
    expect(log.map((r) => r.message)).toContain('stopped: a (terminated by SIGTERM)');
  });

  it('without stopasgroup the stop signal goes to the child only', async ({ supervise, onTestFinished }) => {
    const h = supervise({ programs: { a: prog(['--grandchild'], { stopwaitsecs: 5 }) } });
    await startReady(h);
    const grandchild = Number((await h.waitOutput('a', /^grandchild (\d+)$/m))[1]);
    onTestFinished(async () => {
      killQuietly(grandchild);
      await waitForPidGone(grandchild);
    });
    await h.sup.stopProcess('a');
    expect(pidAlive(grandchild)).toBe(true);
  });

  it('signalProcess signals the child only, never its group', async ({ supervise, onTestFinished }) => {
    const h = supervise({
      programs: { a: prog(['--grandchild'], { stopasgroup: true, autorestart: false }) },
    });
    await startReady(h);
    const grandchild = Number((await h.waitOutput('a', /^grandchild (\d+)$/m))[1]);
    onTestFinished(() => killQuietly(grandchild));
    // The child dies of SIGTERM; the grandchild, in the same process group, is not signalled.
    await h.sup.signalProcess('a', 'TERM');
    await h.reach('a', 'EXITED');
    expect(pidAlive(grandchild)).toBe(true);
  });
});

const EXIT_ON_TERM = `process.on('SIGTERM', () => process.exit(0));
process.stdout.write('ready\\n');
setInterval(() => {}, 1 << 30);`;
