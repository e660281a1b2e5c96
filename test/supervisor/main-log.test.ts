/**
 * The main log (supervisord's `[supervisord] logfile`: the activity log file), readLog and clearLog; the
 * configuration read again from `configSource` (reloadConfig(), update()); restart; reopenLogs.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { ConfigError, type SupervisorConfig } from '../../src/index.js';
import { it, prog } from '../helpers/core.js';

/** supervisord's line format: `2026-12-02 16:42:49,347 INFO spawned: 'a' with pid 123`. */
const LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (CRIT|ERRO|WARN|INFO|DEBG) .+$/;

describe.concurrent('main log', () => {
  it('holds the activity lines in supervisord’s format; readLog reads it', async ({ supervise, tmp }) => {
    const logfile = join(tmp, 'main.log');
    const h = supervise({ logfile, programs: { a: prog([], { startsecs: 0.2 }) } });
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    await h.sup.stopProcess('a');
    const text = await h.sup.readLog(0, 0);
    const lines = text.trimEnd().split('\n');
    expect(lines.every((l) => LINE.test(l))).toBe(true);
    expect(lines.map((l) => l.slice(24))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^INFO procvisor started with pid \d+$/),
        expect.stringMatching(/^INFO spawned: 'a' with pid \d+$/),
        expect.stringMatching(
          /^INFO success: a entered RUNNING state, process has stayed up for > than 0\.2 seconds \(startsecs\)$/,
        ),
        // supervisord logs a stop by a signal at WARN too.
        'WARN stopped: a (terminated by SIGTERM)',
      ]),
    );
    expect(await h.sup.readLog(-10, 0)).toBe(text.slice(-10));
    await expect(h.sup.readLog(-10, 5)).rejects.toMatchObject({ code: 'BAD_ARGUMENTS' });
  });

  it('writes only lines at or above loglevel', async ({ supervise, tmp }) => {
    const logfile = join(tmp, 'main.log');
    const h = supervise({
      logfile,
      loglevel: 'warn',
      programs: { a: prog(['--exit=3'], { startsecs: 0, autorestart: false }) },
    });
    await h.sup.start();
    await h.reach('a', 'EXITED');
    await h.sup.stopAllProcesses();
    const lines = (await h.sup.readLog(0, 0)).trimEnd().split('\n');
    expect(lines.map((l) => l.slice(24))).toEqual(['WARN exited: a (exit status 3; not expected)']);
  });

  it('clearLog empties it; without a logfile both are NO_FILE', async ({ supervise, tmp }) => {
    const logfile = join(tmp, 'main.log');
    const h = supervise({ logfile, programs: {} });
    await h.sup.start();
    expect((await h.sup.readLog(0, 0)).length).toBeGreaterThan(0);
    expect(await h.sup.clearLog()).toBe(true);
    // supervisord removes the file and reopens it, logging that it did.
    expect(
      (await h.sup.readLog(0, 0))
        .trimEnd()
        .split('\n')
        .map((l) => l.slice(24)),
    ).toEqual(['INFO reopening log file']);
    const none = supervise({ programs: {} });
    await none.sup.start();
    await expect(none.sup.readLog(0, 0)).rejects.toMatchObject({ code: 'NO_FILE' });
    await expect(none.sup.clearLog()).rejects.toMatchObject({ code: 'NO_FILE' });
  });

  it('reopenLogs writes to a new file after an external rotation', async ({ supervise, tmp }) => {
    const logfile = join(tmp, 'main.log');
    const h = supervise({ logfile, programs: { a: prog([], { autostart: false, startsecs: 0 }) } });
    await h.sup.start();
    await h.sup.readLog(0, 0); // flushed
    renameSync(logfile, `${logfile}.1`);
    await h.sup.reopenLogs();
    await h.sup.startProcess('a');
    expect(await h.sup.readLog(0, 0)).toMatch(/spawned: 'a' with pid/);
    expect(readFileSync(`${logfile}.1`, 'utf8')).not.toMatch(/spawned: 'a'/);
    await h.sup.shutdown();
    expect(existsSync(logfile)).toBe(true);
  });
  it('reopenLogs reopens every process log too, after logrotate moved it', async ({ supervise, tmp }) => {
    const logfile = join(tmp, 'main.log');
    const out = join(tmp, 'a.out');
    const h = supervise({
      logfile,
      programs: { a: prog(['--echo'], { startsecs: 0, stdoutLogfile: out }) },
    });
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    await h.sup.sendProcessStdin('a', 'before\n');
    await h.waitOutput('a', /^before$/m);
    expect(await h.sup.readProcessStdoutLog('a', 0, 0)).toMatch(/before/); // written out
    renameSync(out, `${out}.1`);
    await h.sup.reopenLogs();
    await h.sup.sendProcessStdin('a', 'after\n');
    await h.waitOutput('a', /^after$/m);
    expect(await h.sup.readProcessStdoutLog('a', 0, 0)).toBe('after\n');
    expect(readFileSync(`${out}.1`, 'utf8')).toMatch(/before\n$/);
    expect(await h.sup.readLog(0, 0)).toMatch(/INFO supervisord logreopen\n/);
  });
});

describe.concurrent('the configuration read again', () => {
  const one: SupervisorConfig = { programs: { a: prog([], { startsecs: 0 }) } };
  const two: SupervisorConfig = {
    programs: { a: prog([], { startsecs: 0 }), b: prog([], { startsecs: 0 }) },
  };

  it('reloadConfig() and update() read configSource; CANT_REREAD without one', async ({ supervise }) => {
    let current = one;
    const h = supervise(one, { configSource: () => current });
    await h.sup.start();
    current = two;
    expect(await h.sup.reloadConfig()).toEqual([['b'], [], []]);
    expect(await h.sup.update()).toMatchObject({ added: ['b'] });
    const bare = supervise(one);
    await bare.sup.start();
    await expect(bare.sup.reloadConfig()).rejects.toMatchObject({ code: 'CANT_REREAD' });
  });

  it('a configuration that no longer parses is a ConfigError and changes nothing', async ({ supervise }) => {
    let current: unknown = one;
    const h = supervise(one, { configSource: () => current as SupervisorConfig });
    await h.sup.start();
    current = { programs: { a: { command: 'x', startsecs: 'soon' } } };
    await expect(h.sup.reloadConfig()).rejects.toBeInstanceOf(ConfigError);
    await expect(h.sup.restart()).rejects.toBeInstanceOf(ConfigError);
    expect(h.sup.config.groups.map((g) => g.name)).toEqual(['a']);
    expect(h.sup.getProcess('a')?.state).not.toBe('STOPPED');
  });

  it('restart stops everything, reads the source and starts anew', async ({ supervise }) => {
    let current = one;
    const h = supervise(one, { configSource: () => current });
    const states: string[] = [];
    h.sup.on('SUPERVISOR_STATE_CHANGE', (e) => {
      void h.sup.getState().then((s) => states.push(`${e.type} ${s.statename}`));
    });
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    current = two;
    await h.sup.restart();
    await h.reach('b', 'RUNNING');
    await h.reach('a', 'RUNNING', 2);
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->STOPPING',
      'STOPPING->STOPPED',
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
    ]);
    expect(states).toEqual([
      'SUPERVISOR_STATE_CHANGE_RUNNING RUNNING',
      'SUPERVISOR_STATE_CHANGE_STOPPING RESTARTING',
      'SUPERVISOR_STATE_CHANGE_RUNNING RUNNING',
    ]);
    expect((await h.sup.getState()).statename).toBe('RUNNING');
  });
});
