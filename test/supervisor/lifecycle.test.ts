/**
 * Real children: start, exit and restart sequences, with the exact PROCESS_STATE events supervisord emits
 * (`process.py Subprocess.transition`, `finish`, `change_state`; reference §1.4, §1.5, §1.7, §1.8).
 */
import { describe, expect } from 'vitest';
import { SupervisorError } from '../../src/index.js';
import { FAIL_SECS, it, prog } from '../helpers/core.js';

const TOO_QUICK = 'Exited too quickly (process log may have details)';

describe.concurrent('start', () => {
  it('a child that stays up past startsecs goes STARTING -> RUNNING, and stop ends it', async ({
    supervise,
  }) => {
    const h = supervise({ programs: { a: prog(['--report'], { startsecs: 0.3 }) } });
    await h.sup.start();
    const starting = await h.reach('a', 'STARTING');
    const running = await h.reach('a', 'RUNNING');
    const report = await h.report('a');

    expect(h.seq('a')).toEqual(['STOPPED->STARTING tries:0', 'STARTING->RUNNING']);
    expect(starting.pid).toBeUndefined();
    expect(running.pid).toBe(report.pid);
    expect(h.sup.getProcess('a')!.pid).toBe(report.pid);
    // startsecs is a lower bound on the time spent in STARTING (never assert an upper bound).
    expect(running.pid).toBeGreaterThan(0);

    await h.sup.stopProcess('a');
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->STOPPING',
      'STOPPING->STOPPED',
    ]);
    const [, , stopping, stopped] = h.eventsOf('a');
    expect(stopping!.pid).toBe(report.pid);
    expect(stopped!.pid).toBe(report.pid);
    const info = await h.sup.getProcessInfo('a');
    expect(info).toMatchObject({ statename: 'STOPPED', state: 0, pid: 0, exitstatus: -1, spawnerr: '' });
  });

  it('RUNNING is not reached before startsecs have passed since the spawn', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog([], { startsecs: 0.5 }) } });
    const times: Record<string, number> = {};
    h.sup.on('PROCESS_STATE', (e) => (times[e.state] ??= performance.now()));
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    expect(times.RUNNING! - times.STARTING!).toBeGreaterThanOrEqual(450);
  });

  it('startsecs 0: STARTING -> RUNNING at once, then RUNNING -> EXITED when the child exits', async ({
    supervise,
  }) => {
    const h = supervise({
      programs: { a: prog(['--exit=0', '--after=200'], { startsecs: 0, autorestart: false }) },
    });
    await h.sup.start();
    const exited = await h.reach('a', 'EXITED');
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:1',
    ]);
    const [, running] = h.eventsOf('a');
    expect(exited.pid).toBe(running!.pid);
    expect(h.sup.getProcess('a')!.state).toBe('EXITED');
  });

  it('startsecs 0 with an unexpected exit code: RUNNING -> EXITED expected:0', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog(['--exit=5'], { startsecs: 0, autorestart: false }) } });
    await h.sup.start();
    await h.reach('a', 'EXITED');
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:0',
    ]);
    const info = await h.sup.getProcessInfo('a');
    expect(info).toMatchObject({ statename: 'EXITED', exitstatus: 5, spawnerr: 'Bad exit code 5', pid: 0 });
  });
});

describe.concurrent('failed starts', () => {
  it('a quick exit is retried startretries times (tries 1..N+1), with growing delays, then FATAL', async ({
    supervise,
  }) => {
    // Exit code 0 is in exitcodes: during STARTING it is a failed start all the same.
    const h = supervise({
      programs: { a: prog(['--exit=0'], { startsecs: FAIL_SECS, startretries: 2, autorestart: true }) },
    });
    const backoffAt: number[] = [];
    const startingAt: number[] = [];
    h.sup.on('PROCESS_STATE_BACKOFF', () => backoffAt.push(performance.now()));
    h.sup.on('PROCESS_STATE_STARTING', () => startingAt.push(performance.now()));
    await h.sup.start();
    await h.reach('a', 'FATAL');

    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->BACKOFF tries:1',
      'BACKOFF->STARTING tries:1',
      'STARTING->BACKOFF tries:2',
      'BACKOFF->STARTING tries:2',
      'STARTING->BACKOFF tries:3',
      'BACKOFF->FATAL',
    ]);
    // Delays of 1 s then 2 s, counted from each failure (lower bounds only; the slack covers Node's
    // timers, which count from the event loop's cached time and so may fire a little early).
    expect(startingAt[1]! - backoffAt[0]!).toBeGreaterThanOrEqual(950);
    expect(startingAt[2]! - backoffAt[1]!).toBeGreaterThanOrEqual(1950);

    const info = await h.sup.getProcessInfo('a');
    expect(info).toMatchObject({
      statename: 'FATAL',
      state: 200,
      spawnerr: TOO_QUICK,
      description: TOO_QUICK,
      exitstatus: 0,
      pid: 0,
    });
    expect(h.sup.getProcess('a')!.snapshot.backoff).toBe(0);
  });

  it('startretries 0: the first failure is FATAL', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog(['--exit=1'], { startsecs: FAIL_SECS, startretries: 0 }) } });
    await h.sup.start();
    await h.reach('a', 'FATAL');
    expect(h.seq('a')).toEqual(['STOPPED->STARTING tries:0', 'STARTING->BACKOFF tries:1', 'BACKOFF->FATAL']);
  });

  it('a manual start from FATAL counts from 0 again and fails with SPAWN_ERROR', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog(['--exit=1'], { startsecs: FAIL_SECS, startretries: 0 }) } });
    await h.sup.start();
    await h.reach('a', 'FATAL');
    const err: unknown = await h.sup.startProcess('a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SupervisorError);
    expect((err as SupervisorError).code).toBe('SPAWN_ERROR');
    expect((err as SupervisorError).message).toBe('SPAWN_ERROR: a');
    await h.reach('a', 'FATAL', 2);
    expect(h.seq('a').slice(3)).toEqual([
      'FATAL->STARTING tries:0',
      'STARTING->BACKOFF tries:1',
      'BACKOFF->FATAL',
    ]);
  });

  it('a stop during BACKOFF goes to STOPPED without a signal and keeps the retry count', async ({
    supervise,
  }) => {
    const h = supervise({ programs: { a: prog(['--exit=1'], { startsecs: FAIL_SECS, startretries: 5 }) } });
    await h.sup.start();
    await h.reach('a', 'BACKOFF', 2);
    expect(await h.sup.stopProcess('a')).toBe(true);
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->BACKOFF tries:1',
      'BACKOFF->STARTING tries:1',
      'STARTING->BACKOFF tries:2',
      'BACKOFF->STOPPED',
    ]);
    expect(h.eventsOf('a').at(-1)!.pid).toBe(0);
    expect(h.sup.getProcess('a')!.snapshot.backoff).toBe(2);

    // The next start continues the count: STARTING shows the old tries.
    expect(await h.sup.startProcess('a', false)).toBe(true);
    await h.reach('a', 'BACKOFF', 3);
    expect(h.seq('a').slice(5)).toEqual(['STOPPED->STARTING tries:2', 'STARTING->BACKOFF tries:3']);
    await h.sup.stopProcess('a');
  });

  it('a process that keeps failing to start is not restarted after FATAL, whatever autorestart', async ({
    supervise,
  }) => {
    const h = supervise({
      programs: { a: prog(['--exit=1'], { startsecs: FAIL_SECS, startretries: 0, autorestart: true }) },
    });
    await h.sup.start();
    await h.reach('a', 'FATAL');
    // The FATAL change is the last thing the machine did with this input; nothing was queued after it.
    await Promise.resolve();
    expect(h.sup.getProcess('a')!.state).toBe('FATAL');
  });
});

describe.concurrent('exits from RUNNING', () => {
  it('autorestart false: an expected exit stays EXITED', async ({ supervise }) => {
    const h = supervise({
      programs: { a: prog(['--exit=0', '--after=400'], { startsecs: 0.2, autorestart: false }) },
    });
    await h.sup.start();
    await h.reach('a', 'EXITED');
    await Promise.resolve();
    expect(h.sup.getProcess('a')!.state).toBe('EXITED');
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:1',
    ]);
    const info = await h.sup.getProcessInfo('a');
    expect(info).toMatchObject({ statename: 'EXITED', state: 100, exitstatus: 0, spawnerr: '', pid: 0 });
    expect(info.description).toMatch(/^[A-Z][a-z]{2} \d{2} \d{2}:\d{2} [AP]M$/);
  });

  it('autorestart false: an unexpected exit stays EXITED too', async ({ supervise }) => {
    const h = supervise({
      programs: { a: prog(['--exit=3', '--after=400'], { startsecs: 0.2, autorestart: false }) },
    });
    await h.sup.start();
    await h.reach('a', 'EXITED');
    await Promise.resolve();
    expect(h.sup.getProcess('a')!.state).toBe('EXITED');
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:0',
    ]);
  });

  it("autorestart 'unexpected': an exit code in exitcodes stays EXITED", async ({ supervise }) => {
    const h = supervise({
      programs: {
        a: prog(['--exit=2', '--after=400'], {
          startsecs: 0.2,
          exitcodes: [0, 2],
          autorestart: 'unexpected',
        }),
      },
    });
    await h.sup.start();
    await h.reach('a', 'EXITED');
    await Promise.resolve();
    expect(h.sup.getProcess('a')!.state).toBe('EXITED');
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:1',
    ]);
    expect((await h.sup.getProcessInfo('a')).exitstatus).toBe(2);
  });

  it("autorestart 'unexpected': another code restarts at once, tries 0, without limit", async ({
    supervise,
  }) => {
    const h = supervise({
      programs: {
        a: prog(['--exit=3', '--after=300'], { startsecs: 0.2, startretries: 0, autorestart: 'unexpected' }),
      },
    });
    await h.sup.start();
    // startretries 0 does not limit restarts after RUNNING: the process is restarted again and again.
    await h.reach('a', 'EXITED', 2);
    await h.reach('a', 'RUNNING', 3);
    expect(h.seq('a').slice(0, 7)).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:0',
      'EXITED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:0',
      'EXITED->STARTING tries:0',
    ]);
    await h.sup.stopProcess('a');
  });

  it('autorestart true: an expected exit restarts too', async ({ supervise }) => {
    const h = supervise({
      programs: { a: prog(['--exit=0', '--after=300'], { startsecs: 0.2, autorestart: true }) },
    });
    await h.sup.start();
    await h.reach('a', 'STARTING', 2);
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:1',
      'EXITED->STARTING tries:0',
    ]);
    await h.sup.stopProcess('a');
  });

  it('a child killed by a signal is an unexpected exit (exitstatus -1) and is restarted', async ({
    supervise,
  }) => {
    const h = supervise({ programs: { a: prog([], { startsecs: 0.2 }) } });
    await h.sup.start();
    const running = await h.reach('a', 'RUNNING');
    process.kill(running.pid!, 'SIGKILL');
    const exited = await h.reach('a', 'EXITED');
    expect(exited.expected).toBe(false);
    expect(exited.pid).toBe(running.pid);
    await h.reach('a', 'RUNNING', 2);
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:0',
      'EXITED->STARTING tries:0',
      'STARTING->RUNNING',
    ]);
    expect(h.sup.getProcess('a')!.pid).not.toBe(running.pid);
  });

  it('a restart after RUNNING resets the retry count', async ({ supervise }) => {
    const h = supervise({
      programs: { a: prog(['--exit=4', '--after=300'], { startsecs: 0.2, autorestart: 'unexpected' }) },
    });
    await h.sup.start();
    await h.reach('a', 'EXITED');
    expect(h.sup.getProcess('a')!.snapshot.backoff).toBe(0);
    await h.reach('a', 'RUNNING', 2);
    await h.sup.stopProcess('a');
  });
});
