/**
 * Real spawn failures. Found in the parent before spawning (not found, a directory, not executable): a fault
 * from startProcess, or BACKOFF with supervisord's spawnerr. Found after the fork (a bad `directory`): exit
 * status 127 and supervisord's message on the child's stderr (`process.py spawn`, `_spawn_as_child`,
 * `options.py check_execv_args`; reference §1.6).
 */
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { SpawnError, type ActivityLogRecord } from '../../src/index.js';
import { CHILD, FAIL_SECS, it, prog } from '../helpers/core.js';

const TOO_QUICK = 'Exited too quickly (process log may have details)';

describe.concurrent('found before spawning', () => {
  it('a missing command: NO_FILE from startProcess, no state change', async ({ supervise }) => {
    const h = supervise({
      programs: {
        abs: { command: '/nonexistent/procvisor-cmd --flag', autostart: false },
        bare: { command: 'procvisor-no-such-command', autostart: false },
      },
    });
    await h.sup.start();
    const err = await h.sup.startProcess('abs').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpawnError);
    expect(err).toMatchObject({
      code: 'NO_FILE',
      faultCode: 20,
      message: "NO_FILE: can't find command '/nonexistent/procvisor-cmd'",
    });
    await expect(h.sup.startProcess('bare')).rejects.toMatchObject({
      code: 'NO_FILE',
      message: "NO_FILE: can't find command 'procvisor-no-such-command'",
    });
    expect(h.states.events).toEqual([]);
    expect((await h.sup.getProcessInfo('abs')).description).toBe('Not started');
  });

  it('a missing command with autostart: BACKOFF with spawnerr, retried, then FATAL', async ({
    supervise,
  }) => {
    const h = supervise({
      programs: { a: { command: '/nonexistent/procvisor-cmd', startretries: 1, startsecs: 0.2 } },
    });
    await h.sup.start();
    await h.reach('a', 'FATAL');
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->BACKOFF tries:1',
      'BACKOFF->STARTING tries:1',
      'STARTING->BACKOFF tries:2',
      'BACKOFF->FATAL',
    ]);
    const info = await h.sup.getProcessInfo('a');
    expect(info).toMatchObject({
      statename: 'FATAL',
      spawnerr: "can't find command '/nonexistent/procvisor-cmd'",
      description: "can't find command '/nonexistent/procvisor-cmd'",
      pid: 0,
    });
    expect(h.pids.size).toBe(0);
  });

  it('startProcess checks the command before the state: NO_FILE even during BACKOFF', async ({
    supervise,
  }) => {
    const h = supervise({
      programs: { a: { command: '/nonexistent/procvisor-cmd', startretries: 3, startsecs: 0.2 } },
    });
    await h.sup.start();
    await h.reach('a', 'BACKOFF');
    await expect(h.sup.startProcess('a')).rejects.toMatchObject({ code: 'NO_FILE' });
    await h.sup.stopProcess('a');
  });

  it('a directory: NOT_EXECUTABLE "command at ... is a directory"', async ({ supervise, tmp }) => {
    const h = supervise({ programs: { a: { command: [tmp], autostart: false, startretries: 0 } } });
    await h.sup.start();
    await expect(h.sup.startProcess('a')).rejects.toMatchObject({
      code: 'NOT_EXECUTABLE',
      faultCode: 21,
      message: `NOT_EXECUTABLE: command at '${tmp}' is a directory`,
    });
  });

  it('a file without execute permission: NOT_EXECUTABLE "... is not executable"', async ({
    supervise,
    tmp,
  }) => {
    const file = join(tmp, 'script.sh');
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, 0o644);
    const h = supervise({ programs: { a: { command: file, autostart: false } } });
    await h.sup.start();
    await expect(h.sup.startProcess('a')).rejects.toMatchObject({
      code: 'NOT_EXECUTABLE',
      message: `NOT_EXECUTABLE: command at '${file}' is not executable`,
    });
  });

  it('PATH: the first existing entry wins, even a directory (no fall-through)', async ({
    supervise,
    tmp,
  }) => {
    const first = join(tmp, 'first');
    mkdirSync(join(first, 'node'), { recursive: true });
    const h = supervise({
      programs: {
        a: {
          command: 'node -e 0',
          autostart: false,
          environment: { PATH: `${first}:/usr/local/bin:/usr/bin:/bin` },
        },
      },
    });
    await h.sup.start();
    await expect(h.sup.startProcess('a')).rejects.toMatchObject({
      code: 'NOT_EXECUTABLE',
      message: `NOT_EXECUTABLE: command at '${join(first, 'node')}' is a directory`,
    });
  });

  it("the program's PATH is searched, and argv[0] stays as written", async ({ supervise, tmp }) => {
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'procvisor-node'));
    const h = supervise({
      programs: {
        a: prog([], {
          command: `procvisor-node ${CHILD} --report`,
          environment: { PATH: `${bin}:/usr/bin:/bin` },
        }),
      },
    });
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    expect((await h.report('a')).argv0).toBe('procvisor-node');
  });
});

describe.concurrent('found after the fork', () => {
  it('a bad directory: exit 127, the message on stderr, BACKOFF "Exited too quickly", then FATAL', async ({
    supervise,
  }) => {
    const h = supervise({
      programs: {
        a: prog([], { directory: '/nonexistent/procvisor-dir', startsecs: FAIL_SECS, startretries: 0 }),
      },
    });
    const log: ActivityLogRecord[] = [];
    h.sup.on('log', (r) => log.push(r));
    await h.sup.start();
    await h.reach('a', 'FATAL');
    expect(h.seq('a')).toEqual(['STOPPED->STARTING tries:0', 'STARTING->BACKOFF tries:1', 'BACKOFF->FATAL']);
    expect(h.output('a', 'stderr')).toBe(
      "supervisor: couldn't chdir to /nonexistent/procvisor-dir: ENOENT\nsupervisor: child process was not spawned\n",
    );
    expect(log.map((r) => r.message)).toContain('exited: a (exit status 127; not expected)');
    expect(await h.sup.getProcessInfo('a')).toMatchObject({ spawnerr: TOO_QUICK, description: TOO_QUICK });
  });

  it('a bad directory with startsecs 0: RUNNING -> EXITED with exit status 127', async ({ supervise }) => {
    const h = supervise({
      programs: {
        a: prog([], { directory: '/nonexistent/procvisor-dir', startsecs: 0, autorestart: false }),
      },
    });
    await h.sup.start();
    await h.reach('a', 'EXITED');
    expect(h.seq('a')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->RUNNING',
      'RUNNING->EXITED expected:0',
    ]);
    expect(await h.sup.getProcessInfo('a')).toMatchObject({ exitstatus: 127, spawnerr: 'Bad exit code 127' });
  });

  it('with redirectStderr the message arrives on stdout', async ({ supervise }) => {
    const h = supervise({
      programs: {
        a: prog([], {
          directory: '/nonexistent/procvisor-dir',
          redirectStderr: true,
          startsecs: FAIL_SECS,
          startretries: 0,
        }),
      },
    });
    await h.sup.start();
    await h.reach('a', 'FATAL');
    expect(h.output('a', 'stdout')).toContain(
      "supervisor: couldn't chdir to /nonexistent/procvisor-dir: ENOENT\n",
    );
    expect(h.output('a', 'stderr')).toBe('');
  });

  it('a directory that is a file: ENOTDIR', async ({ supervise, tmp }) => {
    const file = join(tmp, 'plain');
    writeFileSync(file, '');
    const h = supervise({
      programs: { a: prog([], { directory: file, startsecs: FAIL_SECS, startretries: 0 }) },
    });
    await h.sup.start();
    await h.reach('a', 'FATAL');
    expect(h.output('a', 'stderr')).toContain(`supervisor: couldn't chdir to ${file}: ENOTDIR\n`);
  });

  it('an exec failure (missing interpreter): "couldn\'t exec <argv0>: ENOENT", exit 127', async ({
    supervise,
    tmp,
  }) => {
    const script = join(tmp, 'bad-interpreter');
    writeFileSync(script, '#!/nonexistent/procvisor-interp\n');
    chmodSync(script, 0o755);
    const h = supervise({
      programs: { a: prog([], { command: script, startsecs: FAIL_SECS, startretries: 0 }) },
    });
    const log: ActivityLogRecord[] = [];
    h.sup.on('log', (r) => log.push(r));
    await h.sup.start();
    await h.reach('a', 'FATAL');
    expect(h.output('a', 'stderr')).toBe(
      `supervisor: couldn't exec ${script}: ENOENT\nsupervisor: child process was not spawned\n`,
    );
    expect(log.map((r) => r.message)).toContain('exited: a (exit status 127; not expected)');
  });

  it('startProcess of a child that fails after the fork rejects with SPAWN_ERROR', async ({ supervise }) => {
    const h = supervise({
      programs: {
        a: prog([], {
          directory: '/nonexistent/procvisor-dir',
          autostart: false,
          startsecs: FAIL_SECS,
          startretries: 0,
        }),
      },
    });
    await h.sup.start();
    await expect(h.sup.startProcess('a')).rejects.toMatchObject({
      code: 'SPAWN_ERROR',
      message: 'SPAWN_ERROR: a',
    });
    await h.reach('a', 'FATAL');
  });
});
