/**
 * Logging with real children: log files and rotation (lossless, supervisord's names), AUTO files,
 * redirectStderr, capture mode, PROCESS_LOG / PROCESS_COMMUNICATION events, and faults
 * (reference §4, §5.2; `supervisor/dispatchers.py`, `loggers.py`).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect } from 'vitest';
import type { LogErrorRecord, ProcessCommunicationEvent } from '../../src/index.js';
import { it } from '../helpers/core.js';
import { logErrors, prog } from '../helpers/logging.js';
import { EventRecorder, waitForEvent } from '../helpers/wait.js';
import { captureWarnings } from '../helpers/warnings.js';

/** Line k of the fixture's `lines:` and `bytes:` output. */
function lineOf(k: number): string {
  return `${String(k).padStart(8, '0')} ${String.fromCharCode(97 + (k % 26)).repeat(k % 61)}\n`;
}

function linesData(n: number): Buffer {
  let s = '';
  for (let k = 0; k < n; k++) s += lineOf(k);
  return Buffer.from(s);
}

/** What the fixture's `bytes:MB` writes. */
function bytesData(mb: number): Buffer {
  const total = mb * 1024 * 1024;
  const parts: string[] = [];
  let sent = 0;
  let k = 0;
  while (sent < total) {
    let batch = '';
    while (batch.length < 65536 && sent + batch.length < total) batch += lineOf(k++);
    sent += batch.length;
    parts.push(batch);
  }
  return Buffer.from(parts.join(''));
}

/** `file.N` ... `file.1`, `file` concatenated: everything the rotated log holds, oldest first. */
function rotatedContent(path: string): { data: Buffer; backups: number[] } {
  const dir = join(path, '..');
  const base = path.slice(dir.length + 1);
  const nums = readdirSync(dir)
    .filter((n) => n.startsWith(`${base}.`) && /^\d+$/.test(n.slice(base.length + 1)))
    .map((n) => Number(n.slice(base.length + 1)))
    .sort((a, b) => b - a);
  const data = Buffer.concat([...nums.map((n) => readFileSync(`${path}.${n}`)), readFileSync(path)]);
  return { data, backups: nums };
}

/**
 * Waits until the process's logs hold everything it wrote: the log file of a child is written
 * asynchronously, and may still be catching up when PROCESS_STATE_EXITED arrives; the read and tail
 * methods wait for it.
 */
async function logsWritten(
  sup: {
    tailProcessStdoutLog: (n: string, o: number, l: number) => Promise<unknown>;
    tailProcessStderrLog: (n: string, o: number, l: number) => Promise<unknown>;
  },
  name: string,
): Promise<void> {
  await sup.tailProcessStdoutLog(name, 0, 0);
  await sup.tailProcessStderrLog(name, 0, 0);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.concurrent('log files and rotation', () => {
  it('rotates at small sizes over many rotations without losing, duplicating or reordering a byte', async ({
    supervise,
    tmp,
  }) => {
    const log = join(tmp, 'chatty.log');
    const h = supervise({
      programs: {
        chatty: prog(['lines:3000:15:2', 'exit:0'], {
          stdoutLogfile: log,
          stdoutLogfileMaxbytes: 100,
          stdoutLogfileBackups: 500,
        }),
      },
    });
    await h.sup.start();
    await h.reach('chatty', 'EXITED');
    await logsWritten(h.sup, 'chatty');
    const expected = linesData(3000);
    const { data, backups } = rotatedContent(log);
    // Every chunk (≥ one 15-line write, > 100 bytes) rotates; the writes are paced so that there are many.
    expect(backups.length).toBeGreaterThanOrEqual(10);
    expect(backups).toEqual([...Array(backups.length).keys()].map((i) => backups.length - i));
    expect(data.length).toBe(expected.length);
    expect(sha(data)).toBe(sha(expected));
    // supervisord's rotation point: after the chunk that reaches maxbytes, so every backup holds at least
    // maxbytes and less than maxbytes plus one chunk (a pipe read is at most 64 KiB).
    for (const n of backups) {
      const size = statSync(`${log}.${n}`).size;
      expect(size).toBeGreaterThanOrEqual(100);
      expect(size).toBeLessThan(100 + 65536);
    }
  });

  it('keeps only the newest backups: what remains is the end of the output, in order', async ({
    supervise,
    tmp,
  }) => {
    const log = join(tmp, 'few.log');
    const h = supervise({
      programs: {
        few: prog(['lines:2000:3', 'exit:0'], {
          stdoutLogfile: log,
          stdoutLogfileMaxbytes: 1500,
          stdoutLogfileBackups: 3,
        }),
      },
    });
    await h.sup.start();
    await h.reach('few', 'EXITED');
    await logsWritten(h.sup, 'few');
    const { data, backups } = rotatedContent(log);
    expect(backups).toEqual([3, 2, 1]);
    const expected = linesData(2000);
    expect(expected.subarray(expected.length - data.length).equals(data)).toBe(true);
  });

  it('maxbytes 0 never rotates, backups 0 truncates, and a path log is appended to across restarts', async ({
    supervise,
    tmp,
  }) => {
    const never = join(tmp, 'never.log');
    const trunc = join(tmp, 'trunc.log');
    writeFileSync(never, 'from before\n');
    const h = supervise({
      programs: {
        never: prog(['lines:500', 'exit:0'], { stdoutLogfile: never, stdoutLogfileMaxbytes: 0 }),
        trunc: prog(['lines:500', 'exit:0'], {
          stdoutLogfile: trunc,
          stdoutLogfileMaxbytes: 1000,
          stdoutLogfileBackups: 0,
        }),
      },
    });
    await h.sup.start();
    await h.reach('never', 'EXITED');
    await logsWritten(h.sup, 'never');
    await h.reach('trunc', 'EXITED');
    await logsWritten(h.sup, 'trunc');
    expect(readFileSync(never, 'utf8')).toBe(`from before\n${linesData(500).toString()}`);
    expect(readdirSync(tmp).filter((n) => n.startsWith('trunc.log'))).toEqual(['trunc.log']);
    const tail = readFileSync(trunc);
    expect(tail.length).toBeLessThan(1000);
    const all = linesData(500);
    expect(all.subarray(all.length - tail.length).equals(tail)).toBe(true);

    await h.sup.startProcess('never');
    await h.reach('never', 'EXITED', 2);
    await logsWritten(h.sup, 'never');
    expect(readFileSync(never, 'utf8')).toBe(`from before\n${linesData(500).toString().repeat(2)}`);
  });
});

// Alone (not concurrent): it samples the process's memory, and forces garbage collection while it does.
describe('throughput', () => {
  it('a fast child (16 MB as fast as it can) loses nothing; the event loop turns and memory stays bounded', async ({
    supervise,
    tmp,
  }) => {
    const log = join(tmp, 'fast.log');
    const h = supervise({
      programs: {
        fast: prog(['bytes:16', 'exit:0'], {
          stdoutLogfile: log,
          stdoutLogfileMaxbytes: '1MB',
          stdoutLogfileBackups: 100,
          autostart: false,
        }),
      },
    });
    await h.sup.start();
    // A reader that never reads: it must cost a bounded buffer, not the whole output.
    const stalled = h.sup.getProcess('fast')!.lines('stdout');
    // Sample what is really retained: collect garbage before each sample.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      ticks++;
      gc();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
    }, 50);
    try {
      await h.sup.startProcess('fast');
      // A generous deadline: the garbage collections below slow everything down on a loaded machine.
      await h.states.nth((e) => e.processName === 'fast' && e.state === 'EXITED', 1, 60_000);
      await logsWritten(h.sup, 'fast');
    } finally {
      clearInterval(timer);
    }
    await stalled.return?.();
    expect(ticks).toBeGreaterThan(0);
    // The output is 16 MB; bounded buffering retains about 1 MiB per log file and per reader.
    expect(peak).toBeLessThan(8 * 1024 * 1024);
    const { data, backups } = rotatedContent(log);
    expect(backups.length).toBeGreaterThanOrEqual(14);
    const expected = bytesData(16);
    expect(data.length).toBe(expected.length);
    expect(sha(data)).toBe(sha(expected));
  });
});

describe.concurrent('AUTO log files', () => {
  it('are named as supervisord names them, created empty (0600) with the group, removed at shutdown', async ({
    supervise,
    tmp,
  }) => {
    const h = supervise({
      identifier: 'ident',
      programs: {
        web: prog(['out:hello\\n', 'err:oops\\n', 'exit:0'], {
          stdoutLogfile: 'AUTO',
          stderrLogfile: 'AUTO',
          autostart: false,
          stdoutLogfileMaxbytes: 5,
          stdoutLogfileBackups: 2,
        }),
      },
    });
    await h.sup.start();
    const info = await h.sup.getProcessInfo('web');
    expect(info.stdout_logfile).toMatch(new RegExp(`^${tmp}/web-stdout---ident-[a-z0-9_]{8}\\.log$`));
    expect(info.stderr_logfile).toMatch(new RegExp(`^${tmp}/web-stderr---ident-[a-z0-9_]{8}\\.log$`));
    expect(info.logfile).toBe(info.stdout_logfile);
    for (const f of [info.stdout_logfile, info.stderr_logfile]) {
      expect(statSync(f).size).toBe(0);
      expect(statSync(f).mode & 0o777).toBe(0o600);
    }
    await h.sup.startProcess('web');
    await h.reach('web', 'EXITED');
    await logsWritten(h.sup, 'web');
    expect(readFileSync(`${info.stdout_logfile}.1`, 'utf8')).toBe('hello\n');
    expect(readFileSync(info.stderr_logfile, 'utf8')).toBe('oops\n');
    await h.sup.shutdown();
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('are kept at shutdown with nocleanup', async ({ supervise, tmp }) => {
    const h = supervise({ nocleanup: true, programs: { a: prog([], { autostart: false }) } });
    await h.sup.start();
    const info = await h.sup.getProcessInfo('a');
    await h.sup.shutdown();
    expect(existsSync(info.stdout_logfile)).toBe(true);
    expect(existsSync(info.stderr_logfile)).toBe(true);
    expect(readdirSync(tmp)).toHaveLength(2);
  });
});

describe.concurrent('redirectStderr', () => {
  it('puts stderr in the stdout log and events; there is no stderr log', async ({ supervise, tmp }) => {
    const log = join(tmp, 'both.log');
    const h = supervise({
      programs: {
        both: prog(['out:one\\n', 'sleep:50', 'err:two\\n', 'sleep:50', 'out:three\\n', 'exit:0'], {
          redirectStderr: true,
          stdoutLogfile: log,
          stderrLogfile: join(tmp, 'ignored.log'),
          stdoutEventsEnabled: true,
          stderrEventsEnabled: true,
        }),
      },
    });
    await h.sup.start();
    await h.reach('both', 'EXITED');
    await logsWritten(h.sup, 'both');
    expect(readFileSync(log, 'utf8')).toBe('one\ntwo\nthree\n');
    expect(existsSync(join(tmp, 'ignored.log'))).toBe(false);
    expect(h.logs.events.every((e) => e.type === 'PROCESS_LOG_STDOUT')).toBe(true);
    expect(h.output('both')).toBe('one\ntwo\nthree\n');
    expect((await h.sup.getProcessInfo('both')).stderr_logfile).toBe('');
    await expect(h.sup.readProcessStderrLog('both', 0, 0)).rejects.toMatchObject({ code: 'NO_FILE' });
  });
});

describe.concurrent('events', () => {
  it("PROCESS_LOG_STDOUT/STDERR carry supervisord's payload, only when enabled", async ({ supervise }) => {
    const h = supervise({
      programs: {
        ev: prog(['out:hello\\n', 'sleep:50', 'err:world\\n', 'exit:0'], {
          stdoutLogfile: null,
          stdoutEventsEnabled: true,
          stderrEventsEnabled: true,
        }),
        quiet: prog(['out:nothing to see\\n', 'exit:0'], { stdoutEventsEnabled: false }),
      },
    });
    await h.sup.start();
    const exited = await h.reach('ev', 'EXITED');
    await logsWritten(h.sup, 'ev');
    await h.reach('quiet', 'EXITED');
    await logsWritten(h.sup, 'quiet');
    const pid = exited.pid!;
    expect(h.logs.events.map((e) => [e.type, e.serialize()])).toEqual([
      ['PROCESS_LOG_STDOUT', `processname:ev groupname:ev pid:${pid} channel:stdout\nhello\n`],
      ['PROCESS_LOG_STDERR', `processname:ev groupname:ev pid:${pid} channel:stderr\nworld\n`],
    ]);
  });

  it('stripAnsi removes escape sequences before the log and the events', async ({ supervise, tmp }) => {
    const log = join(tmp, 'color.log');
    const h = supervise({
      stripAnsi: true,
      programs: {
        color: prog(['out:\\e[31mred\\e[0m plain\\n', 'exit:0'], {
          stdoutLogfile: log,
          stdoutEventsEnabled: true,
        }),
      },
    });
    await h.sup.start();
    await h.reach('color', 'EXITED');
    await logsWritten(h.sup, 'color');
    expect(readFileSync(log, 'utf8')).toBe('red plain\n');
    expect(h.output('color')).toBe('red plain\n');
  });
});

describe.concurrent('capture mode', () => {
  const BEGIN = '<!--XSUPERVISOR:BEGIN-->';
  const END = '<!--XSUPERVISOR:END-->';

  it('emits PROCESS_COMMUNICATION_STDOUT with the captured text and keeps tokens and text out of the log', async ({
    supervise,
    tmp,
  }) => {
    const log = join(tmp, 'cap.log');
    const h = supervise({
      programs: {
        cap: prog(
          [
            `out:before\\n${BEGIN}secret data${END}after the end token\\n`,
            'sleep:50',
            'out:more output here\\n',
            'exit:0',
          ],
          { stdoutLogfile: log, stdoutCaptureMaxbytes: 1000 },
        ),
      },
    });
    const comm = new EventRecorder<ProcessCommunicationEvent>(h.sup, 'PROCESS_COMMUNICATION');
    await h.sup.start();
    const exited = await h.reach('cap', 'EXITED');
    await logsWritten(h.sup, 'cap');
    const e = await comm.until(() => true);
    comm.dispose();
    expect(e.type).toBe('PROCESS_COMMUNICATION_STDOUT');
    expect(e.serialize()).toBe(
      `processname:cap groupname:cap pid:${exited.pid} \nsecret data`.replace(' \n', '\n'),
    );
    const text = readFileSync(log, 'utf8');
    expect(text).toBe('before\nafter the end token\nmore output here\n');
  });

  it('captures on stderr too, and tokens are plain text without capture mode', async ({ supervise, tmp }) => {
    const h = supervise({
      programs: {
        cap: prog([`err:x${BEGIN}payload${END}y\\n`, `out:${BEGIN}not captured${END}\\n`, 'exit:0'], {
          stdoutLogfile: join(tmp, 'out.log'),
          stderrLogfile: join(tmp, 'err.log'),
          stderrCaptureMaxbytes: 100,
        }),
      },
    });
    const comm = new EventRecorder<ProcessCommunicationEvent>(h.sup, 'PROCESS_COMMUNICATION_STDERR');
    await h.sup.start();
    await h.reach('cap', 'EXITED');
    await logsWritten(h.sup, 'cap');
    const e = await comm.until(() => true);
    comm.dispose();
    expect(Buffer.from(e.data).toString()).toBe('payload');
    expect(readFileSync(join(tmp, 'err.log'), 'utf8')).toBe('xy\n');
    expect(readFileSync(join(tmp, 'out.log'), 'utf8')).toBe(`${BEGIN}not captured${END}\n`);
  });
});

describe.concurrent('faults', () => {
  it('an unopenable log path: logError and a note, the child runs, other logs are unaffected', async ({
    supervise,
    tmp,
  }) => {
    const dirAsFile = join(tmp, 'a-directory');
    mkdirSync(dirAsFile);
    using warnings = captureWarnings({ message: dirAsFile });
    const h = supervise({
      programs: {
        bad: prog(['out:lost\\n', 'err:kept\\n', 'stdin', 'exit:0'], {
          stdoutLogfile: dirAsFile,
          stderrLogfile: join(tmp, 'bad-err.log'),
        }),
      },
    });
    const { errors, first } = logErrors(h.sup);
    await h.sup.start();
    await h.reach('bad', 'RUNNING');
    await first;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      processName: 'bad',
      channel: 'stdout',
      kind: 'file',
      target: dirAsFile,
    });
    expect((errors[0]!.error as NodeJS.ErrnoException).code).toBe('EISDIR');
    const bad = h.sup.getProcess('bad')!;
    expect(bad.faults.join('\n')).toMatch(/bad: stdout log .*a-directory: EISDIR/);
    // The note is in getProcessInfo too (a procvisor field beside supervisord's struct).
    expect((await h.sup.getProcessInfo('bad')).faults?.join('\n')).toMatch(/a-directory: EISDIR/);
    expect((await warnings.nth()).message).toMatch(
      /^procvisor: bad stdout: cannot write to log file .*EISDIR/,
    );
    await h.sup.sendProcessStdin('bad', 'go\n');
    await h.reach('bad', 'EXITED');
    await logsWritten(h.sup, 'bad');
    expect(readFileSync(join(tmp, 'bad-err.log'), 'utf8')).toBe('kept\n');
  });

  it('a full disk (/dev/full): logError once, output dropped, the child keeps running', async ({
    supervise,
  }) => {
    using warnings = captureWarnings({ message: '/dev/full' });
    const h = supervise({
      programs: {
        full: prog(['out:one\\n', 'sleep:30', 'out:two\\n', 'stdin', 'out:three\\n', 'exit:0'], {
          stdoutLogfile: '/dev/full',
          stdoutLogfileMaxbytes: 0,
          stdoutEventsEnabled: true,
        }),
      },
    });
    await h.sup.start();
    const err = await waitForEvent<LogErrorRecord>(h.sup, 'logError');
    expect((err.error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    await h.waitOutput('full', /two\n/);
    expect(h.sup.getProcess('full')!.state).toBe('RUNNING');
    await h.sup.sendProcessStdin('full', 'go\n');
    const exited = await h.reach('full', 'EXITED');
    await logsWritten(h.sup, 'full');
    expect(exited.expected).toBe(true);
    expect(h.output('full')).toBe('one\ntwo\nthree\n');
    // Also a process warning, once, with a code to filter on.
    const warning = (await warnings.nth()) as Error & { code?: string };
    expect(warning).toMatchObject({ name: 'ProcvisorWarning', code: 'PROCVISOR_LOG_FAULT' });
    expect(warning.message).toMatch(
      /^procvisor: full stdout: cannot write to log file \/dev\/full: .*ENOSPC/,
    );
    expect(warnings.warnings).toHaveLength(1);
  });
});
