/**
 * getProcessInfo, getAllProcessInfo, getAllConfigInfo and name resolution against real children
 * (`rpcinterface.py getProcessInfo`, `_interpretProcessInfo`, `getAllConfigInfo`, `_getGroupAndProcess`;
 * reference §6.2, §6.4).
 */
import { describe, expect } from 'vitest';
import {
  BadNameError,
  systemClock,
  type Clock,
  type ProcessInfo,
  type ProcessResult,
} from '../../src/index.js';
import { FAIL_SECS, it, prog } from '../helpers/core.js';

/** The real clock, except that the wall clock (used only for reports) is set by the test. */
function wallClock(startMs: number): Clock & { wallMs: number } {
  return {
    wallMs: startMs,
    now: systemClock.now,
    wall() {
      return this.wallMs;
    },
    setTimer: systemClock.setTimer,
    clearTimer: systemClock.clearTimer,
  };
}

/** `strftime('%b %d %I:%M %p')` in local time, written independently of src/info.ts. */
function strftime(epochSeconds: number): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: true,
  }).formatToParts(new Date(epochSeconds * 1000));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('month')} ${get('day')} ${get('hour')}:${get('minute')} ${get('dayPeriod').toUpperCase()}`;
}

describe.concurrent('getProcessInfo', () => {
  it('a process that never started', async ({ supervise, tmp }) => {
    const h = supervise({ programs: { a: { command: 'sleep 1', autostart: false } } });
    await h.sup.start();
    const before = Math.floor(Date.now() / 1000);
    const info = await h.sup.getProcessInfo('a');
    expect(Object.keys(info).sort()).toEqual(
      [
        'name',
        'group',
        'start',
        'stop',
        'now',
        'state',
        'statename',
        'spawnerr',
        'exitstatus',
        'logfile',
        'stdout_logfile',
        'stderr_logfile',
        'pid',
        'description',
      ].sort(),
    );
    expect(info).toMatchObject({
      name: 'a',
      group: 'a',
      start: 0,
      stop: 0,
      state: 0,
      statename: 'STOPPED',
      spawnerr: '',
      exitstatus: 0,
      pid: 0,
      description: 'Not started',
    });
    expect(info.now).toBeGreaterThanOrEqual(before - 1);
    // AUTO log files are made (empty) in childlogdir when the group is added; logfile is stdout's alias.
    expect(info.stdout_logfile).toMatch(new RegExp(`^${tmp}/a-stdout---supervisor-[a-z0-9_]{8}\\.log$`));
    expect(info.stderr_logfile).toMatch(new RegExp(`^${tmp}/a-stderr---supervisor-[a-z0-9_]{8}\\.log$`));
    expect(info.logfile).toBe(info.stdout_logfile);
  });

  it('RUNNING: "pid N, uptime H:MM:SS"; STOPPED: the stop time as "%b %d %I:%M %p"', async ({
    supervise,
  }) => {
    const t0 = new Date(2030, 0, 1, 0, 5, 0).getTime();
    const clock = wallClock(t0);
    const h = supervise({ programs: { a: prog([], { startsecs: 0.2 }) } }, { clock });
    await h.sup.start();
    const running = await h.reach('a', 'RUNNING');

    let info: ProcessInfo = await h.sup.getProcessInfo('a');
    expect(info).toMatchObject({ statename: 'RUNNING', state: 20, pid: running.pid, start: t0 / 1000 });
    expect(info.description).toBe(`pid ${running.pid}, uptime 0:00:00`);

    clock.wallMs = t0 + 3723_000;
    info = await h.sup.getProcessInfo('a');
    expect(info.now).toBe(t0 / 1000 + 3723);
    expect(info.description).toBe(`pid ${running.pid}, uptime 1:02:03`);

    clock.wallMs = t0 + 86_400_000 + 5_000;
    expect((await h.sup.getProcessInfo('a')).description).toBe(`pid ${running.pid}, uptime 1 day, 0:00:05`);
    clock.wallMs = t0 + 2 * 86_400_000 + 3723_000;
    expect((await h.sup.getProcessInfo('a')).description).toBe(`pid ${running.pid}, uptime 2 days, 1:02:03`);

    await h.sup.stopProcess('a');
    info = await h.sup.getProcessInfo('a');
    expect(info).toMatchObject({ statename: 'STOPPED', pid: 0, stop: t0 / 1000 + 2 * 86400 + 3723 });
    expect(info.description).toBe('Jan 03 01:07 AM');
    expect(info.description).toBe(strftime(info.stop));

    // A wall clock set back before the start: uptime 0:00:00, never negative.
    await h.sup.startProcess('a');
    clock.wallMs -= 60_000;
    expect((await h.sup.getProcessInfo('a')).description).toMatch(/^pid \d+, uptime 0:00:00$/);
  });

  it('noon and midnight in the stop time', async ({ supervise }) => {
    const noon = new Date(2030, 5, 9, 12, 30, 0).getTime();
    const clock = wallClock(noon);
    const h = supervise(
      {
        programs: { a: prog(['--exit=0', '--after=100'], { startsecs: 0, autorestart: false }) },
      },
      { clock },
    );
    await h.sup.start();
    await h.reach('a', 'EXITED');
    expect((await h.sup.getProcessInfo('a')).description).toBe('Jun 09 12:30 PM');
  });

  it('STARTING and STOPPING have an empty description', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog(['--ignore=TERM'], { startsecs: 0.5, stopwaitsecs: 0.5 }) } });
    await h.sup.start();
    expect((await h.sup.getProcessInfo('a')).description).toBe('');
    await h.reach('a', 'RUNNING');
    await h.waitOutput('a', /^ready$/m);
    await h.sup.stopProcess('a', false);
    const info = await h.sup.getProcessInfo('a');
    expect(info).toMatchObject({ statename: 'STOPPING', state: 40, description: '' });
    expect(info.pid).toBeGreaterThan(0);
    await h.reach('a', 'STOPPED');
  });

  it('BACKOFF and FATAL describe the spawn error', async ({ supervise }) => {
    const h = supervise({ programs: { a: prog(['--exit=1'], { startsecs: FAIL_SECS, startretries: 1 }) } });
    await h.sup.start();
    await h.reach('a', 'BACKOFF');
    const backoff = await h.sup.getProcessInfo('a');
    expect(backoff).toMatchObject({
      statename: 'BACKOFF',
      state: 30,
      description: 'Exited too quickly (process log may have details)',
      exitstatus: 0,
      pid: 0,
    });
    await h.reach('a', 'FATAL');
    expect((await h.sup.getProcessInfo('a')).description).toBe(
      'Exited too quickly (process log may have details)',
    );
  });
});

describe.concurrent('getProcessInfo quirks', () => {
  it('stopped from BACKOFF after a spawn error: the stop time is the epoch, spawnerr is kept', async ({
    supervise,
  }) => {
    // supervisord's laststop is set only when a child is reaped; none was, so `stop` is 0 and the
    // description is the epoch in local time (`Jan 01 12:00 AM` in UTC).
    const h = supervise({ programs: { a: { command: 'procvisor-no-such-command', startretries: 3 } } });
    await h.sup.start();
    await h.reach('a', 'BACKOFF');
    await h.sup.stopProcess('a');
    const info = await h.sup.getProcessInfo('a');
    expect(info).toMatchObject({
      statename: 'STOPPED',
      stop: 0,
      spawnerr: "can't find command 'procvisor-no-such-command'",
      description: strftime(0),
    });
    expect(info.start).toBeGreaterThan(0);
  });
});

describe.concurrent('names', () => {
  const config = {
    programs: {
      a: { command: 'sleep 1', autostart: false },
      w: { command: 'sleep 1', autostart: false, numprocs: 2, processName: 'w_%(process_num)02d' },
      x: { command: 'sleep 1', autostart: false },
      y: { command: 'sleep 1', autostart: false },
    },
    groups: { g: { programs: ['y', 'x'] } },
  };

  it('group:process, a bare name, and BAD_NAME for anything else', async ({ supervise }) => {
    const h = supervise(config);
    await h.sup.start();
    expect((await h.sup.getProcessInfo('a')).name).toBe('a');
    expect((await h.sup.getProcessInfo('a:a')).name).toBe('a');
    expect(await h.sup.getProcessInfo('g:x')).toMatchObject({ name: 'x', group: 'g' });
    expect(await h.sup.getProcessInfo('w:w_01')).toMatchObject({ name: 'w_01', group: 'w' });
    const bad = async (name: string) => {
      const err = await h.sup.getProcessInfo(name).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(BadNameError);
      expect(err, name).toMatchObject({ code: 'BAD_NAME', faultCode: 10, faultString: `BAD_NAME: ${name}` });
      expect((err as BadNameError).message, name).toMatch(
        new RegExp(`^BAD_NAME: ${name.replace('*', '\\*')}( \\(|$)`),
      );
    };
    // A bare name is group and process at once: `w` is a group without a process `w`; `x` is in group g.
    for (const name of ['nosuch', 'w', 'x', 'w_00', 'g', 'g:*', 'w:*', 'a:*', 'a:nosuch', 'nosuch:a', 'g:']) {
      await bad(name);
    }
  });

  it('group:* and group: mean the whole group in start and stop', async ({ supervise }) => {
    const h = supervise(config);
    await h.sup.start();
    const started = await h.sup.startProcess('w:*', false);
    expect(started.map((r) => r.name).sort()).toEqual(['w_00', 'w_01']);
    // `group:` (empty process name) is the group too; its type is not narrowed, so cast.
    const stopped = (await h.sup.stopProcess('w:')) as unknown as ProcessResult[];
    expect(stopped.map((r) => r.name).sort()).toEqual(['w_00', 'w_01']);
    await expect(h.sup.startProcess('nosuch:*')).rejects.toMatchObject({ code: 'BAD_NAME' });
    await expect(h.sup.stopProcess('w')).rejects.toMatchObject({
      code: 'BAD_NAME',
      faultString: 'BAD_NAME: w',
    });
  });

  it('getProcess and getGroup resolve the same names', async ({ supervise }) => {
    const h = supervise(config);
    await h.sup.start();
    expect(h.sup.getProcess('g:y')!.namespec).toBe('g:y');
    expect(h.sup.getProcess('a')!.namespec).toBe('a');
    expect(h.sup.getProcess('w')).toBeUndefined();
    expect(h.sup.getProcess('g:*')).toBeUndefined();
    expect(h.sup.getGroup('g')!.processes.map((p) => p.name)).toEqual(['y', 'x']);
    expect(h.sup.getGroup('x')).toBeUndefined();
  });

  it('getAllProcessInfo: by group name, then process name', async ({ supervise }) => {
    const h = supervise({
      programs: {
        zz: { command: 'sleep 1', autostart: false, priority: 1 },
        b: { command: 'sleep 1', autostart: false, priority: 2 },
        ...config.programs,
      },
      groups: config.groups,
    });
    await h.sup.start();
    const infos = await h.sup.getAllProcessInfo();
    expect(infos.map((i) => `${i.group}:${i.name}`)).toEqual([
      'a:a',
      'b:b',
      'g:x',
      'g:y',
      'w:w_00',
      'w:w_01',
      'zz:zz',
    ]);
  });
});

describe.concurrent('getAllConfigInfo', () => {
  it("supervisord's keys and values, sorted by process name, in use or not", async ({ supervise }) => {
    const h = supervise({
      programs: {
        b: { command: 'sleep 1', autostart: false, priority: 7 },
        a: {
          command: 'sleep 2',
          autostart: false,
          directory: '/tmp',
          stopsignal: 'INT',
          exitcodes: [0, 2],
          stdoutLogfile: 'NONE',
          redirectStderr: true,
        },
      },
      groups: { g: { programs: ['b'], priority: 3 } },
    });
    await h.sup.start();
    const infos = await h.sup.getAllConfigInfo();
    expect(infos.map((c) => c.name)).toEqual(['a', 'b']);
    expect(infos[0]).toEqual({
      autostart: false,
      directory: '/tmp',
      uid: 'none',
      command: 'sleep 2',
      exitcodes: [0, 2],
      group: 'a',
      group_prio: 999,
      inuse: true,
      killasgroup: false,
      name: 'a',
      process_prio: 999,
      redirect_stderr: true,
      startretries: 3,
      startsecs: 1,
      stdout_capture_maxbytes: 0,
      stdout_events_enabled: false,
      stdout_logfile: 'none',
      stdout_logfile_backups: 10,
      stdout_logfile_maxbytes: 52428800,
      stdout_syslog: false,
      stopsignal: 2,
      stopwaitsecs: 10,
      stderr_capture_maxbytes: 0,
      stderr_events_enabled: false,
      stderr_logfile: 'none',
      stderr_logfile_backups: 10,
      stderr_logfile_maxbytes: 52428800,
      stderr_syslog: false,
      serverurl: 'none',
    });
    expect(infos[1]).toMatchObject({
      name: 'b',
      group: 'g',
      group_prio: 3,
      process_prio: 7,
      stdout_logfile: 'auto',
    });

    // After reloadConfig, the new config is listed; a group not yet added is not in use.
    await h.sup.reloadConfig({
      programs: {
        a: { command: 'sleep 2', autostart: false },
        c: { command: 'sleep 3', autostart: false },
      },
    });
    const after = await h.sup.getAllConfigInfo();
    expect(after.map((c) => [c.name, c.inuse])).toEqual([
      ['a', true],
      ['c', false],
    ]);
  });
});
