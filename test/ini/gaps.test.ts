// The INI gaps found in the corpus, each as supervisord 4.2.5 handles it: [fcgi-program:x], an empty
// `command=`, and `result_handler = supervisor_stdout:event_handler`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import type { SupervisorEvent } from '../../src/events/events.js';
import {
  inspectIni,
  parseIni,
  supervisorStdout,
  supervisorStdoutHandler,
  toIni,
} from '../../src/ini/index.js';
import { readConfig } from '../../src/ini/read-config.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { waitUntil } from '../helpers/wait.js';
import { ORACLE_MISSING, pythonParse, writeCases } from './python-oracle.js';
import type { OracleCase } from './python-oracle.js';
import { ourView } from './pipeline.js';

const env = { HOME: '/home/user', USER: 'user', PATH: '/usr/bin:/bin' };
const opts = { here: '/srv', env, file: '/srv/supervisord.conf', hostNodeName: 'testhost', tempdir: '/tmp' };

// ---- [fcgi-program:x] -------------------------------------------------------------------------------------

const fcgi = (body: string, extra = ''): string =>
  `[supervisord]\n${extra}[fcgi-program:f]\ncommand=/bin/cat\n${body}`;

/** supervisord's own parse of each case (reference.py), against inspectIni. */
const FCGI_CASES: OracleCase[] = [
  {
    name: 'fcgi-tcp',
    text: fcgi(
      'socket=tcp://LocalHost:9100\nsocket_backlog=5\nnumprocs=2\nprocess_name=%(program_name)s_%(process_num)d\n',
    ),
  },
  {
    name: 'fcgi-unix',
    text: fcgi(
      'socket=unix:///run/%(program_name)s/../x.sock\nsocket_mode=0660\nsocket_owner=www-data:www-data\n',
    ),
  },
  { name: 'fcgi-unix-default-mode', text: fcgi('socket=unix:///run/f.sock\npriority=5\n') },
  { name: 'fcgi-in-group', text: fcgi('socket=tcp://localhost:9100\n', '[group:g]\nprograms=f\n') },
  { name: 'fcgi-no-socket', text: fcgi('') },
  { name: 'fcgi-relative', text: fcgi('socket=unix://run/f.sock\n') },
  { name: 'fcgi-bad-format', text: fcgi('socket=tcp://localhost\n') },
  { name: 'fcgi-udp', text: fcgi('socket=udp://localhost:1\n') },
  { name: 'fcgi-mode-on-tcp', text: fcgi('socket=tcp://localhost:9100\nsocket_mode=0600\n') },
  { name: 'fcgi-backlog-zero', text: fcgi('socket=tcp://localhost:9100\nsocket_backlog=0\n') },
  { name: 'fcgi-backlog-text', text: fcgi('socket=tcp://localhost:9100\nsocket_backlog=many\n') },
  { name: 'fcgi-bad-mode', text: fcgi('socket=unix:///run/f.sock\nsocket_mode=999\n') },
  { name: 'fcgi-bad-owner', text: fcgi('socket=unix:///run/f.sock\nsocket_owner=:staff\n') },
  { name: 'fcgi-port-range', text: fcgi('socket=tcp://localhost:70000\n') },
  { name: 'fcgi-port-zero', text: fcgi('socket=tcp://localhost:0\n') },
  { name: 'fcgi-bad-command-option', text: fcgi('socket=tcp://localhost:9100\nstartsecs=x\n') },
  { name: 'empty-command', text: '[supervisord]\n[program:e]\ncommand=\n' },
  {
    name: 'supervisor-stdout',
    text:
      '[supervisord]\n[eventlistener:stdout]\ncommand = supervisor_stdout\nbuffer_size = 100\n' +
      'events = PROCESS_LOG\nresult_handler = supervisor_stdout:event_handler\n',
  },
];

const oracle = ORACLE_MISSING === null ? writeCases(FCGI_CASES) : { root: null, files: [] };
const theirs = ORACLE_MISSING === null ? pythonParse(oracle.files) : [];
afterAll(() => {
  if (oracle.root) rmSync(oracle.root, { recursive: true, force: true });
});

describe.skipIf(ORACLE_MISSING !== null)('gaps: inspectIni equals supervisord 4.2.5', () => {
  FCGI_CASES.forEach((c, i) => {
    it(c.name, () => {
      expect(ourView(oracle.files[i] ?? '')).toEqual(theirs[i]);
    });
  });
});

it.skipIf(ORACLE_MISSING === null)(`supervisord comparisons skipped: ${ORACLE_MISSING ?? ''}`, () => {});

describe('[fcgi-program:x]', () => {
  it('is a program with the socket options in the config', () => {
    const { config } = readConfig(
      fcgi(
        'socket=unix:///run/%(program_name)s.sock\nsocket_mode=0660\nsocket_owner=www\nsocket_backlog=7\n',
      ),
      opts,
    );
    expect(config.programs?.['f']).toEqual({
      command: '/bin/cat',
      socket: 'unix:///run/f.sock',
      socketBacklog: 7,
      socketOwner: 'www',
      socketMode: 0o660,
    });
  });

  it('only the socket, normalised, when nothing else is set; a literal % kept for the second expansion', () => {
    const { config } = readConfig(fcgi('socket=tcp://Example.COM:80\n'), opts);
    expect(config.programs?.['f']).toEqual({ command: '/bin/cat', socket: 'tcp://example.com:80' });
    const pct = readConfig(fcgi('socket=unix:///run/100%%.sock\n'), opts);
    expect(pct.config.programs?.['f']).toMatchObject({ socket: 'unix:///run/100%%.sock' });
  });

  it('named by a [group:x]: a plain program, without a socket (supervisord reads it with ProcessConfig)', () => {
    const { config, model } = readConfig(
      fcgi('socket=tcp://localhost:9100\n', '[group:g]\nprograms=f\n'),
      opts,
    );
    expect(config.programs?.['f']).toEqual({ command: '/bin/cat' });
    expect(model.groups.map((g) => [g.name, g.type])).toEqual([['g', 'process']]);
  });

  it('parseIni gives the program its socket', () => {
    const text = fcgi('socket=tcp://localhost:9100\n');
    expect(parseIni(text, opts).programs?.['f']).toMatchObject({ socket: 'tcp://localhost:9100' });
  });

  it('errors carry the file, line and section', () => {
    let err: unknown;
    try {
      inspectIni(fcgi('socket=tcp://localhost:9100\nsocket_backlog=0\n'), opts);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]).toMatchObject({
      message: 'Invalid socket_backlog value 0',
      file: '/srv/supervisord.conf',
      line: 5,
      section: 'fcgi-program:f',
      path: ['programs', 'f', 'socketBacklog'],
    });
  });
});

// ---- empty command= ---------------------------------------------------------------------------------------

describe('an empty command=', () => {
  it('is accepted at load by supervisord: one process with an empty command', () => {
    const model = inspectIni('[supervisord]\n[program:e]\ncommand=\n', opts);
    expect(model.groups[0]?.processes[0]?.command).toBe('');
  });

  const schemaAccepts = validateConfig({ programs: { e: { command: '' } } }).ok;
  it.skipIf(!schemaAccepts)(
    'fails at spawn: FATAL "command is empty", startProcess NOT_EXECUTABLE',
    async () => {
      await using sup = new Supervisor(
        parseIni('[supervisord]\n[program:e]\ncommand=\nstartretries=0\n', { ...opts, here: tmpdir() }),
        { handleSignals: false },
      );
      await sup.start();
      await waitUntil(() => sup.getProcess('e')?.state === 'FATAL', 'e is FATAL');
      expect((await sup.getProcessInfo('e')).description).toBe('command is empty');
      await expect(sup.startProcess('e')).rejects.toMatchObject({ code: 'NOT_EXECUTABLE' });
    },
  );
  it.skipIf(schemaAccepts)(
    'spawn-time test skipped: the config schema still refuses an empty command',
    () => {},
  );
});

// ---- result_handler = supervisor_stdout:event_handler -----------------------------------------------------

const LISTENER_TEXT =
  '[supervisord]\n[eventlistener:stdout]\ncommand = supervisor_stdout\nbuffer_size = 100\n' +
  'events = PROCESS_LOG\nresult_handler = supervisor_stdout : event_handler\n';

describe('result_handler = supervisor_stdout:event_handler', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const event = {} as SupervisorEvent;

  it('is read as the built-in handler, and written back by toIni', () => {
    const config = parseIni(LISTENER_TEXT, opts);
    expect(config.eventListeners?.['stdout']?.resultHandler).toBe(supervisorStdout);
    expect(toIni(config)).toContain('result_handler=supervisor_stdout:event_handler');
    expect(parseIni(toIni(config), opts).eventListeners?.['stdout']?.resultHandler).toBe(supervisorStdout);
  });

  it('prints each line of the payload as "<processname> <channel> | <line>"', () => {
    const chunks: string[] = [];
    const handler = supervisorStdoutHandler((c) => chunks.push(c.toString()));
    handler(event, Buffer.from('processname:web groupname:web pid:12 channel:stderr\nfirst\nsecond\n'));
    handler(event, Buffer.from('processname:web groupname:web pid:12 channel:stdout\nno newline'));
    handler(event, Buffer.from('processname:web groupname:web pid:12 channel:stdout\n'));
    expect(chunks).toEqual(['web stderr | first\nweb stderr | second\n', 'web stdout | no newline\n']);
  });

  it('a RESULT that is not a PROCESS_LOG payload throws (the listener goes UNKNOWN, as in supervisord)', () => {
    const handler = supervisorStdoutHandler(() => {});
    expect(() => handler(event, Buffer.from('OK'))).toThrow(/no header line/);
    expect(() => handler(event, Buffer.from('processname:a from_state:STARTING\n'))).toThrow(/PROCESS_LOG/);
  });

  it("end to end: a program's output reaches the host's stdout through an echoing listener", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'procvisor-stdout-'));
    try {
      // supervisor_stdout's main(), in Node: READY, then each event echoed back as the RESULT.
      const echo = path.join(dir, 'echo.mjs');
      writeFileSync(
        echo,
        [
          'let buf = Buffer.alloc(0); let need = -1;',
          "process.stdout.write('READY\\n');",
          "process.stdin.on('data', (d) => { buf = Buffer.concat([buf, d]); for (;;) {",
          '  if (need < 0) { const nl = buf.indexOf(10); if (nl < 0) return;',
          '    need = Number(/len:(\\d+)/.exec(buf.subarray(0, nl).toString())[1]); buf = buf.subarray(nl + 1); }',
          '  if (buf.length < need) return;',
          '  const payload = buf.subarray(0, need); buf = buf.subarray(need); need = -1;',
          "  process.stdout.write(Buffer.concat([Buffer.from('RESULT ' + payload.length + '\\n'), payload, Buffer.from('READY\\n')]));",
          '} });',
        ].join('\n'),
      );
      const text =
        `[supervisord]\nchildlogdir=${dir}\n` +
        `[eventlistener:stdout]\ncommand=${process.execPath} ${echo}\nevents=PROCESS_LOG\n` +
        'result_handler=supervisor_stdout:event_handler\nstdout_logfile=NONE\nstderr_logfile=NONE\n' +
        `[program:talker]\ncommand=${process.execPath} -e "console.log('hello from talker'); setInterval(() => {}, 1000)"\n` +
        'stdout_events_enabled=true\nstdout_logfile=NONE\nstderr_logfile=NONE\nstartsecs=0\n';
      const printed: string[] = [];
      const real = process.stdout.write.bind(process.stdout);
      vi.spyOn(process.stdout, 'write').mockImplementation(((
        chunk: string | Uint8Array,
        ...rest: never[]
      ) => {
        const s = chunk.toString();
        if (s.includes(' | ')) {
          printed.push(s);
          return true;
        }
        return real(chunk, ...rest);
      }) as typeof process.stdout.write);
      await using sup = new Supervisor(parseIni(text, { ...opts, here: dir }), { handleSignals: false });
      await sup.start();
      await waitUntil(
        () => printed.join('').includes('talker stdout | hello from talker\n'),
        'the line printed',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
