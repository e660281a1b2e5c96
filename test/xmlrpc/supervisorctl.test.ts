/**
 * Unmodified supervisorctl (Debian's supervisor 4.2.5) over the unix socket, without authentication,
 * against procvisor and against supervisord running the same conf: every command prints the same (modulo
 * pids and times) and exits with the same status. The tests run in order, each on the state the previous
 * one left, on both hosts alike.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctl, haveClients, live, SUPERVISORCTL } from './clients.js';
import { Pair, rpc, serverSections } from './pair.js';

const PROGRAMS = `
[program:talker]
command=/bin/sh -c 'echo out-line; echo err-line >&2; while read l; do echo "got $l"; done'
startsecs=0
stdout_logfile=%(here)s/talker.out
stderr_logfile=%(here)s/talker.err

[program:a]
command=/bin/sleep 1000
startsecs=0
priority=10

[program:b]
command=/bin/sleep 1000
startsecs=0
priority=20

[group:g]
programs=a,b

[program:never]
command=/bin/sleep 1000
autostart=false
startsecs=0

[program:bad]
command=/bin/false
autostart=false
; Long enough that supervisord sees the exit within it even when it reaps late (its loop polls each second).
startsecs=10
startretries=0
`;

const conf = (port: number) => serverSections(port, 'unix') + PROGRAMS;

describe.skipIf(!haveClients)('supervisorctl over the unix socket, against supervisord', () => {
  let pair: Pair;

  beforeAll(async () => {
    pair = await Pair.start(conf, ['talker', 'g:a', 'g:b']);
  }, 30_000);

  afterAll(async () => {
    await pair?.close();
  }, 30_000);

  it('status and restart: the command line itself', async () => {
    await pair.both(['status']);
    await pair.both(['restart', 'talker']);
  });

  it('status: all, by names and g:*, an unknown name and group', async () => {
    await pair.batch([
      ['status'],
      ['status', 'talker', 'g:*'],
      ['status', 'g:a'],
      ['status', 'nosuch'],
      ['status', 'nosuch:*'],
    ]);
  });

  it('stop and start: one, g:*, already started, not running, no such process', async () => {
    await pair.batch([
      ['stop', 'talker'],
      ['stop', 'talker'],
      ['status', 'talker'],
      ['start', 'talker'],
      ['start', 'talker'],
      // A group's results come in the order its processes finish, in both.
      { args: ['stop', 'g:*'], anyOrder: true },
      { args: ['start', 'g:*'], anyOrder: true },
      ['start', 'nosuch'],
      ['stop', 'nosuch'],
      ['start', 'nosuch:*'],
      ['start'],
    ]);
  });

  it('a start that fails: spawn error', async () => {
    await pair.batch([
      ['start', 'bad'],
      ['status', 'bad'],
    ]);
  });

  it('stop all and start all', async () => {
    await pair.batch([
      { args: ['stop', 'all'], anyOrder: true },
      ['status'],
      { args: ['start', 'all'], anyOrder: true },
      ['stop', 'never'],
    ]);
  });

  it('restart', async () => {
    await pair.batch([
      ['restart', 'talker'],
      { args: ['restart', 'g:*'], anyOrder: true },
      ['restart', 'nosuch'],
    ]);
  });

  it('signal CONT and signal FOO', async () => {
    await pair.batch([
      ['signal', 'CONT', 'talker'],
      ['signal', 'CONT', 'g:*'],
      { args: ['signal', 'CONT', 'all'], anyOrder: true },
      ['signal', 'FOO', 'talker'],
      ['signal', 'CONT', 'never'],
      ['signal', 'CONT', 'nosuch'],
    ]);
  });

  it('pid, pid NAME, pid all', async () => {
    await pair.batch([['pid'], ['pid', 'talker'], ['pid', 'never'], ['pid', 'nosuch'], ['pid', 'all']]);
  });

  it('tail: stdout, stderr, -N, no log file, no such process', async () => {
    await pair.batch([
      ['tail', 'talker'],
      ['tail', 'talker', 'stderr'],
      ['tail', '-8', 'talker'],
      ['tail', 'never'],
      ['tail', 'nosuch'],
    ]);
  });

  it('tail -f NAME and tail -f NAME stderr stream the log', async () => {
    for (const args of [['talker'], ['talker', 'stderr']]) {
      const expected = args[1] === 'stderr' ? 'err-line' : 'out-line';
      const outputs = await Promise.all(
        [pair.real, pair.ours].map(async (h) => {
          const tail = live(SUPERVISORCTL, ['-c', h.conf, 'tail', '-f', ...args]);
          await tail.waitFor(`${expected}\n`);
          tail.child.kill('SIGINT');
          expect(await tail.exited).toBe(0);
          // Whether supervisorctl prints its empty line depends on where the SIGINT finds it.
          return tail.output().trimEnd();
        }),
      );
      expect(outputs[1]).toBe(outputs[0]);
      expect(outputs[1]).toMatch(/^==> Press Ctrl-C to exit <==\n/);
    }
  });

  it('tail -f follows what is written after it started', async () => {
    const outputs = await Promise.all(
      [pair.real, pair.ours].map(async (h) => {
        const tail = live(SUPERVISORCTL, ['-c', h.conf, 'tail', '-f', 'talker']);
        await tail.waitFor('out-line\n');
        await rpc(h, 'sendProcessStdin', 'talker', 'later\n');
        await tail.waitFor('got later\n');
        tail.child.kill('SIGINT');
        expect(await tail.exited).toBe(0);
        return tail.output().trimEnd();
      }),
    );
    expect(outputs[1]).toBe(outputs[0]);
  });

  it('clear: one, all, no such process', async () => {
    await pair.batch([
      ['clear', 'talker'],
      ['tail', 'talker'],
      ['clear', 'nosuch'],
      { args: ['clear', 'all'], anyOrder: true },
    ]);
  });

  it('avail and version', async () => {
    await pair.batch([['avail']]);
    const version = await pair.both(['version']);
    expect(version.stdout).toBe('4.2.5\n');
  });

  it('fg NAME sends stdin to the process and shows its output', async () => {
    const outputs = await Promise.all(
      [pair.real, pair.ours].map(async (h) => {
        const fg = live(SUPERVISORCTL, ['-c', h.conf, 'fg', 'talker']);
        await fg.waitFor('==> Press Ctrl-C to exit <==\n');
        fg.child.stdin!.write('hello\n');
        await fg.waitFor('got hello\n');
        fg.child.stdin!.end();
        await fg.waitFor('Exiting foreground\n');
        // supervisorctl's output thread notices it should stop only when its log tail brings more data, and
        // data that arrives before it has seen the stop is read and waited past: wake it until it exits.
        let exited = false;
        void fg.exited.then(() => (exited = true));
        while (!exited) {
          await rpc(h, 'sendProcessStdin', 'talker', 'wake\n');
          await Promise.race([fg.exited, delay(500)]);
        }
        expect(await fg.exited).toBe(0);
        // stdout and stderr come on two connections: their lines interleave in any order.
        const out = fg.output();
        return out.slice(0, out.indexOf('Exiting foreground')).split('\n').sort();
      }),
    );
    expect(outputs[1]).toEqual(outputs[0]);
    await pair.both(['fg', 'never']);
    await pair.both(['fg', 'nosuch']);
  });

  it('maintail and maintail -f read the main log', async () => {
    for (const h of [pair.real, pair.ours]) {
      const res = await ctl(h.conf, ['maintail']);
      expect(res.status, h.kind).toBe(0);
      expect(res.stdout, h.kind).toMatch(
        /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO spawned: 'talker' with pid \d+$/m,
      );
      const tail = live(SUPERVISORCTL, ['-c', h.conf, 'maintail', '-f']);
      await tail.waitFor("spawned: 'talker' with pid");
      tail.child.kill('SIGINT');
      expect(await tail.exited).toBe(0);
    }
  });
});
