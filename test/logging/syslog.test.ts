/**
 * `*Syslog` with real children and a test socket: a unix stream socket (served here) and a unix datagram
 * socket like /dev/log (served by python3, reached through util-linux `logger`); a missing socket is
 * reported once and nothing else happens (`supervisor/loggers.py SyslogHandler`, reference §4.6).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { describe, expect } from 'vitest';
import type { LogErrorRecord, ProgramConfig } from '../../src/index.js';
import { acquireSyslog, syslogMessages } from '../../src/logging/syslog.js';
import { it } from '../helpers/core.js';
import { DEADLINE_MS, waitForEvent, waitUntil } from '../helpers/wait.js';
import { captureWarnings } from '../helpers/warnings.js';

const CHILD = fileURLToPath(new URL('../fixtures/logging-child.mjs', import.meta.url));

function prog(actions: string[], overrides: Partial<ProgramConfig> = {}): ProgramConfig {
  return {
    command: [process.execPath, CHILD, ...actions],
    startsecs: 0,
    autorestart: false,
    stdoutLogfile: null,
    stderrLogfile: null,
    ...overrides,
  };
}

/** `<14>Mmm dd hh:mm:ss ident: message`, glibc's syslog(3) format for LOG_USER|LOG_INFO. */
const HEADER = /^<14>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d /;

/** A unix stream socket collecting NUL-terminated messages, as syslog-ng's unix-stream source does. */
async function streamSyslog(path: string): Promise<{ server: Server; messages: string[] }> {
  const messages: string[] = [];
  const server = createServer((conn) => {
    let buf = '';
    conn.on('data', (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\0')) >= 0) {
        messages.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { server, messages };
}

const hasLogger = spawnSync('logger', ['--version'], { stdio: 'ignore' }).status === 0;
const hasPython = spawnSync('python3', ['-c', 'import socket'], { stdio: 'ignore' }).status === 0;

/** A unix datagram socket served by python3, printing each datagram as a JSON string line. */
async function datagramSyslog(path: string): Promise<{ child: ChildProcess; messages: string[] }> {
  const script = `
import socket, sys, json
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print('"ready"', flush=True)
while True:
    print(json.dumps(s.recv(100000).decode()), flush=True)
`;
  const child = spawn('python3', ['-c', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: string[] = [];
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = JSON.parse(line) as string;
    if (m === 'ready') ready();
    else messages.push(m);
  });
  await isReady;
  return { child, messages };
}

describe('syslog message format', () => {
  it("is supervisord's: trailing newlines removed, one message per line, prefixed with the name", () => {
    expect(syslogMessages('web', Buffer.from('one\ntwo\n\n'))).toEqual(['web one', 'web two']);
    expect(syslogMessages('web', Buffer.from('a\n\nb'))).toEqual(['web a', 'web ', 'web b']);
  });
});

describe.concurrent('syslog', () => {
  it('sends each line to a stream socket as `<name> <line>` with the syslog(3) header', async ({
    supervise,
    tmp,
  }) => {
    const path = join(tmp, 'log.sock');
    const { server, messages } = await streamSyslog(path);
    try {
      const h = supervise(
        {
          programs: {
            web: prog(['out:hello\\nworld\\n', 'err:not sent\\n', 'exit:0'], {
              stdoutSyslog: true,
              stdoutLogfile: join(tmp, 'web.log'),
            }),
          },
        },
        { syslog: { path, ident: 'pvtest' } },
      );
      await h.sup.start();
      await h.reach('web', 'EXITED');
      await waitUntil(() => messages.length >= 2, 'two syslog messages');
      expect(messages.map((m) => m.replace(HEADER, ''))).toEqual(['pvtest: web hello', 'pvtest: web world']);
      expect(messages.every((m) => HEADER.test(m))).toBe(true);
      // The file gets the output as well (independent since supervisord 4.2.2).
      expect(await h.sup.readProcessStdoutLog('web', 0, 0)).toBe('hello\nworld\n');
    } finally {
      server.close();
    }
  });

  it.runIf(hasLogger && hasPython)(
    'reaches a datagram socket (like /dev/log) through one logger child',
    async ({ supervise, tmp }) => {
      const path = join(tmp, 'dgram.sock');
      const { child, messages } = await datagramSyslog(path);
      try {
        const h = supervise(
          {
            programs: {
              a: prog(['out:from a\\n', 'exit:0'], { stdoutSyslog: true }),
              b: prog(['err:from b\\n', 'exit:0'], { stderrSyslog: true }),
            },
          },
          { syslog: { path } },
        );
        await h.sup.start();
        await h.reach('a', 'EXITED');
        await h.reach('b', 'EXITED');
        await waitUntil(() => messages.length >= 2, 'two datagrams', DEADLINE_MS);
        expect(messages.map((m) => m.replace(HEADER, '')).sort()).toEqual([
          'procvisor: a from a',
          'procvisor: b from b',
        ]);
      } finally {
        child.kill();
      }
    },
  );

  it('a missing socket is reported once per process; the child keeps running and nothing throws', async ({
    supervise,
    tmp,
  }) => {
    const path = join(tmp, 'no-such.sock');
    using warnings = captureWarnings({ message: 'no-such.sock' });
    const h = supervise(
      {
        programs: {
          s: prog(['out:one\\n', 'sleep:50', 'out:two\\n', 'stdin', 'out:three\\n', 'exit:0'], {
            stdoutSyslog: true,
            stdoutEventsEnabled: true,
          }),
        },
      },
      { syslog: { path } },
    );
    const errors: LogErrorRecord[] = [];
    h.sup.on('logError', (r) => errors.push(r));
    await h.sup.start();
    const first = await waitForEvent<LogErrorRecord>(h.sup, 'logError');
    expect(first).toMatchObject({ processName: 's', channel: 'stdout', kind: 'syslog', target: path });
    await h.waitOutput('s', /two/);
    await h.sup.sendProcessStdin('s', '\n');
    await h.reach('s', 'EXITED');
    expect(errors).toHaveLength(1);
    expect(h.sup.getProcess('s')!.faults.join('\n')).toMatch(/s: stdout syslog .*no-such\.sock/);
    // Also a process warning, once, with a code to filter on.
    const warning = (await warnings.nth()) as Error & { code?: string };
    expect(warning).toMatchObject({ name: 'ProcvisorWarning', code: 'PROCVISOR_SYSLOG_FAULT' });
    expect(warning.message).toContain('s stdout: cannot write to syslog');
    expect(warnings.warnings).toHaveLength(1);
  });

  it('a socket that does not read: the messages waiting are bounded in count, not only in bytes', async ({
    tmp,
  }) => {
    const path = join(tmp, 'slow.sock');
    const conns: Socket[] = [];
    const server = createServer((conn) => {
      conn.pause();
      conns.push(conn);
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const errors: Error[] = [];
    const handle = acquireSyslog({ path, ident: 'slow' }, (e) => errors.push(e));
    try {
      handle.sendChunk('p', Buffer.from('first\n'));
      await waitUntil(() => conns.length === 1 && handle._waiting === 0, 'connected');
      // Each chunk is one short message (`p `): about 33 bytes with its header.
      for (let i = 0; i < 100_000; i++) handle.sendChunk('p', Buffer.from('\n'));
      expect(handle._waiting).toBeGreaterThan(0);
      expect(handle._waiting).toBeLessThanOrEqual((1 << 20) / 256 + 1);
      expect(errors).toEqual([]);
    } finally {
      handle.release();
      for (const c of conns) c.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
