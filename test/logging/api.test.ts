/**
 * The log API with real children: readProcess*Log / tailProcess*Log / clearProcessLogs with supervisord's
 * results for the same files (computed by supervisord's own `options.py` when available), and
 * `Process.lines()` (reference §4.8).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { SupervisorError } from '../../src/index.js';
import { it } from '../helpers/core.js';
import { prog } from '../helpers/logging.js';
import { hasSupervisordPython, supervisordReadFile, supervisordTailFile } from './supervisord-python.js';

async function fault(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SupervisorError) return err.faultString;
    throw err;
  }
  return 'no fault';
}

describe.concurrent('read and tail', () => {
  it('return what the child wrote, with supervisord results for every offset and length', async ({
    supervise,
    tmp,
  }) => {
    const out = join(tmp, 'out.log');
    const h = supervise({
      programs: {
        w: prog(['lines:40', 'err:e1\\ne2\\n', 'exit:0'], { stdoutLogfile: out, stderrLogfile: 'AUTO' }),
      },
    });
    await h.sup.start();
    await h.reach('w', 'EXITED');
    const all = await h.sup.readProcessStdoutLog('w', 0, 0);
    expect(all).toBe(readFileSync(out, 'utf8'));
    expect(all.split('\n')).toHaveLength(41);
    expect(await h.sup.readProcessLog('w', 0, 9)).toBe('00000000 ');
    expect(await h.sup.readProcessStderrLog('w', 0, 0)).toBe('e1\ne2\n');
    expect(await h.sup.tailProcessStderrLog('w', 0, 3)).toEqual(['e2\n', 6, true]);
    expect(await h.sup.tailProcessLog('w', 0, 0)).toEqual(['', all.length, true]);

    if (!hasSupervisordPython()) return;
    const size = all.length;
    const offsets = [-size - 5, -size, -100, -1, 0, 1, 100, size - 1, size, size + 1];
    const lengths = [-1, 0, 1, 50, size, size + 10];
    const cases = offsets.flatMap((o) => lengths.map((l) => [o, l] as const));
    const reads = supervisordReadFile(out, cases);
    const tails = supervisordTailFile(out, cases);
    for (const [i, [o, l]] of cases.entries()) {
      const want = reads[i]!;
      const got =
        'fault' in want
          ? await fault(h.sup.readProcessStdoutLog('w', o, l))
          : await h.sup.readProcessStdoutLog('w', o, l);
      expect([o, l, got]).toEqual([o, l, 'fault' in want ? want.fault : want.data.toString('utf8')]);
      expect([o, l, await h.sup.tailProcessStdoutLog('w', o, l)]).toEqual([o, l, tails[i]]);
    }
  });

  it("NO_FILE without a log file or when it is gone; tail gives ['', 0, false]; BAD_NAME", async ({
    supervise,
    tmp,
  }) => {
    const out = join(tmp, 'gone.log');
    const h = supervise({
      programs: {
        n: prog([], { stdoutLogfile: null, autostart: false }),
        g: prog([], { stdoutLogfile: out, autostart: false }),
      },
    });
    await h.sup.start();
    expect(await fault(h.sup.readProcessStdoutLog('n', 0, 0))).toBe('NO_FILE');
    expect(await h.sup.tailProcessStdoutLog('n', 0, 100)).toEqual(['', 0, false]);
    // a path log exists only once the process has started (supervisord opens it at spawn)
    expect(await fault(h.sup.readProcessStdoutLog('g', 0, 0))).toBe(`NO_FILE: ${out}`);
    expect(await fault(h.sup.readProcessStdoutLog('nosuch', 0, 0))).toBe('BAD_NAME: nosuch');
    expect(await fault(h.sup.tailProcessStdoutLog('n:*', 0, 0))).toBe('BAD_NAME: n:*');
    expect(await fault(h.sup.readProcessStdoutLog('n', -1, 5))).toBe('NO_FILE');
  });

  it('BAD_ARGUMENTS for a negative length or a negative offset with a length; tail follows a growing log', async ({
    supervise,
    tmp,
  }) => {
    const h = supervise({
      programs: {
        t: prog(['out:first\\n', 'stdin', 'out:second\\n', 'stdin', 'exit:0'], {
          stdoutLogfile: join(tmp, 't.log'),
          stdoutEventsEnabled: true,
        }),
      },
    });
    await h.sup.start();
    await h.reach('t', 'RUNNING');
    await h.waitOutput('t', /first/);
    expect(await h.sup.tailProcessStdoutLog('t', 0, 1600)).toEqual(['first\n', 6, false]);
    expect(await h.sup.tailProcessStdoutLog('t', 6, 1600)).toEqual(['', 6, false]);
    expect(await fault(h.sup.readProcessStdoutLog('t', -3, 1))).toBe('BAD_ARGUMENTS');
    expect(await fault(h.sup.readProcessStdoutLog('t', 0, -1))).toBe('BAD_ARGUMENTS');
    await h.sup.sendProcessStdin('t', '\n');
    await h.waitOutput('t', /second/);
    const next = await h.sup.tailProcessStdoutLog('t', 6, 1600);
    // supervisord's tailFile: when fewer than `length` bytes follow, it returns the last `length` bytes of
    // the file, from before `offset` too.
    expect(next).toEqual(['first\nsecond\n', 13, false]);
    expect(await h.sup.tailProcessStdoutLog('t', 6, 7)).toEqual(['second\n', 13, false]);
    expect(await h.sup.tailProcessStdoutLog('t', 6, 3)).toEqual(['nd\n', 13, true]);
    await h.sup.sendProcessStdin('t', '\n');
    await h.reach('t', 'EXITED');
  });
});

describe.concurrent('clear', () => {
  it('clearProcessLogs deletes the current files (not the backups) of a running process and goes on', async ({
    supervise,
    tmp,
  }) => {
    const out = join(tmp, 'c.log');
    const err = join(tmp, 'c-err.log');
    const h = supervise({
      programs: {
        c: prog(['out:0123456789\\n', 'err:problem\\n', 'stdin', 'out:after\\n', 'stdin', 'exit:0'], {
          stdoutLogfile: out,
          stderrLogfile: err,
          stdoutLogfileMaxbytes: 5,
          stdoutLogfileBackups: 2,
          stdoutEventsEnabled: true,
          stderrEventsEnabled: true,
        }),
      },
    });
    await h.sup.start();
    await h.waitOutput('c', /problem/, 'stderr');
    await h.waitOutput('c', /0123456789/);
    expect(await h.sup.readProcessStderrLog('c', 0, 0)).toBe('problem\n');
    expect(await h.sup.readProcessStdoutLog('c', 0, 0)).toBe('');
    expect(readFileSync(`${out}.1`, 'utf8')).toBe('0123456789\n');
    expect(await h.sup.clearProcessLogs('c')).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe('');
    expect(readFileSync(err, 'utf8')).toBe('');
    expect(readFileSync(`${out}.1`, 'utf8')).toBe('0123456789\n');
    await h.sup.sendProcessStdin('c', '\n');
    await h.waitOutput('c', /after/);
    // 'after\n' reached maxbytes (5) too: rotated, and the cleared file's successor is kept as a backup.
    expect(await h.sup.readProcessStdoutLog('c', 0, 0)).toBe('');
    expect(readFileSync(`${out}.1`, 'utf8')).toBe('after\n');
    expect(readFileSync(`${out}.2`, 'utf8')).toBe('0123456789\n');
    await h.sup.sendProcessStdin('c', '\n');
    await h.reach('c', 'EXITED');
  });

  it('clears a stopped process too, clearAllProcessLogs reports every process by priority; BAD_NAME', async ({
    supervise,
    tmp,
  }) => {
    const h = supervise({
      programs: {
        b: prog(['out:b\\n', 'exit:0'], { stdoutLogfile: join(tmp, 'b.log'), priority: 2 }),
        a: prog(['out:a\\n', 'exit:0'], { stdoutLogfile: join(tmp, 'a.log'), priority: 1 }),
      },
    });
    await h.sup.start();
    await h.reach('a', 'EXITED');
    await h.reach('b', 'EXITED');
    expect(await h.sup.readProcessStdoutLog('a', 0, 0)).toBe('a\n');
    expect(await h.sup.clearProcessLog('a')).toBe(true);
    expect(readFileSync(join(tmp, 'a.log'), 'utf8')).toBe('');
    expect(await h.sup.clearAllProcessLogs()).toEqual([
      { name: 'a', group: 'a', status: 80, description: 'OK' },
      { name: 'b', group: 'b', status: 80, description: 'OK' },
    ]);
    expect(readFileSync(join(tmp, 'b.log'), 'utf8')).toBe('');
    expect(await fault(h.sup.clearProcessLogs('zz'))).toBe('BAD_NAME: zz');
  });
});

describe.concurrent('lines()', () => {
  it('follows output line by line with NONE logs, across restarts, and ends when the group is removed', async ({
    supervise,
  }) => {
    const h = supervise({
      programs: {
        f: prog(['out:one\\ntwo\\nthr', 'sleep:20', 'out:ee\\n', 'out:no newline at exit', 'exit:0'], {
          stdoutLogfile: null,
          autostart: false,
        }),
      },
    });
    await h.sup.start();
    const proc = h.sup.getProcess('f')!;
    const seen: string[] = [];
    const done = (async () => {
      for await (const line of proc.lines('stdout')) seen.push(line);
    })();
    await h.sup.startProcess('f');
    await h.reach('f', 'EXITED');
    await h.sup.startProcess('f');
    await h.reach('f', 'EXITED', 2);
    await h.sup.removeProcessGroup('f');
    await done;
    const once = ['one', 'two', 'three', 'no newline at exit'];
    expect(seen).toEqual([...once, ...once]);
  });

  it('ends at shutdown; stderr is followed separately; capture-mode text is not a line', async ({
    supervise,
    tmp,
  }) => {
    const h = supervise({
      programs: {
        s: prog(
          [
            'err:e1\\n',
            'out:<!--XSUPERVISOR:BEGIN-->hidden<!--XSUPERVISOR:END-->shown, long enough text\\n',
            'stdin',
          ],
          { stdoutCaptureMaxbytes: 100, stderrLogfile: join(tmp, 'e.log'), stderrEventsEnabled: true },
        ),
      },
    });
    const proc = () => h.sup.getProcess('s')!;
    await h.sup.start();
    const out: string[] = [];
    const err: string[] = [];
    const a = (async () => {
      for await (const l of proc().lines()) out.push(l);
    })();
    const b = (async () => {
      for await (const l of proc().lines('stderr')) err.push(l);
    })();
    await h.waitOutput('s', /e1/, 'stderr');
    await h.sup.shutdown();
    await Promise.all([a, b]);
    expect(err).toEqual(['e1']);
    expect(out.join('\n')).not.toContain('hidden');
    // After shutdown a new iterator ends at once.
    const late: string[] = [];
    for await (const l of proc().lines()) late.push(l);
    expect(late).toEqual([]);
  });
});
