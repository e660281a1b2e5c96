import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { inspectIni, parseIni, toIni } from '../../src/ini/index.js';
import type { IniConfig } from '../../src/ini/index.js';

// Tests that need neither Python nor the corpus: converters as used from INI (values checked against
// supervisord 4.2.5), error places and wording, the config object's shape, and toIni.

const here = '/srv/app';
const env = { HOME: '/home/user', USER: 'user', PATH: '/usr/bin:/bin' };
const opts = {
  here,
  env,
  file: '/srv/app/supervisord.conf',
  hostNodeName: 'testhost',
  tempdir: '/tmp',
  cwd: here,
};

function program(option: string, value: string): Record<string, unknown> {
  const model = inspectIni(`[supervisord]\n[program:p]\ncommand=/bin/cat\n${option}=${value}\n`, opts);
  return model.groups[0]?.processes[0] as unknown as Record<string, unknown>;
}

function errorOf(text: string): ConfigError {
  try {
    parseIni(text, opts);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('not rejected');
}

describe('converters as used from INI (supervisord 4.2.5 values)', () => {
  it.each([
    ['autostart', 'YES', true],
    ['autostart', 'off', false],
    ['autorestart', 'TRUE', 'true'],
    ['autorestart', 'unexpected', 'unexpected'],
    ['stdout_logfile_maxbytes', '10 MB', 10485760],
    ['stdout_logfile_maxbytes', '1500 KB', 1536000],
    ['stdout_logfile_maxbytes', '2gb', 2147483648],
    ['stopsignal', 'sigint', 2],
    ['stopsignal', ' hup ', 1],
    ['stopsignal', '9', 9],
    ['exitcodes', ' 1 , 2 ', [1, 2]],
    ['exitcodes', '', []],
    ['umask', '0o77', 63],
    ['umask', '022', 18],
    ['priority', ' +7 ', 7],
    ['priority', '1_000', 1000],
    ['stdout_logfile', 'Off', null],
    ['stdout_logfile', 'auto', 'AUTO'],
    ['stdout_logfile', '~/a.log', '/home/user/a.log'],
    ['stdout_logfile', '/tmp/a%%%%b.log', '/tmp/a%b.log'],
    ['serverurl', 'auto ', null],
  ])('%s=%s', (option, value, want) => {
    expect(program(option, value)[option]).toEqual(want);
  });

  it.each([
    ['A=1,B=2', { A: '1', B: '2' }],
    [`A="a b",B='c,d'`, { A: 'a b', B: 'c,d' }],
    ['A=ab"cd"ef', { A: 'ab"cd"ef' }],
    ['K="a\\"b"', { K: 'a\\' }],
    ['A=bar#baz', { A: 'bar' }],
    ['A=1;B=2', { A: '1', B: '2' }],
    ['D=""', { D: '' }],
    ['A=(x)+y:z', { A: '(x)+y:z' }],
    ['A="x,%(program_name)s"', { A: 'x,p' }],
  ])('environment=%s', (value, want) => {
    expect(program('environment', value)['environment']).toEqual(want);
  });

  it.each([
    ['autostart', 'maybe', "not a valid boolean value: 'maybe'"],
    ['autorestart', 'always', "invalid 'autorestart' value 'always'"],
    ['stdout_logfile_maxbytes', '1.5MB', "invalid literal for int() with base 10: '1.5'"],
    ['stopsignal', 'RTMIN+1', "value 'RTMIN+1' is not a valid signal name"],
    ['stopsignal', '99', "value '99' is not a valid signal number"],
    ['exitcodes', '256', "not a valid list of exit codes: '256'"],
    ['umask', '8', '8 can not be converted to an octal type'],
    ['environment', 'A=1 B=2', "Unexpected end of key/value pairs in value 'A=1 B=2'"],
    ['environment', 'A="x', 'No closing quotation'],
    ['process_name', 'a b', "Invalid name: 'a b' because of character: ' '"],
  ])('%s=%s is rejected', (option, value, message) => {
    const err = errorOf(`[supervisord]\n[program:p]\ncommand=/bin/cat\n${option}=${value}\n`);
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({
      message: `${message} in section 'program:p' (file: '/srv/app/supervisord.conf')`,
      file: '/srv/app/supervisord.conf',
      line: 4,
      section: 'program:p',
    });
  });
});

describe('errors', () => {
  it('a line before any section header', () => {
    const err = errorOf('command=x\n[supervisord]\n');
    expect(err.issues[0]).toMatchObject({
      message:
        "File contains no section headers.\nfile: '/srv/app/supervisord.conf', line: 1\n'command=x\\n'",
      line: 1,
    });
  });
  it('no [supervisord] section', () => {
    expect(errorOf('[program:p]\ncommand=x\n').issues[0]?.message).toBe(
      '.ini file does not include supervisord section',
    );
  });
  it('a missing command names the section and its line', () => {
    expect(errorOf('[supervisord]\n\n[program:web]\npriority=1\n').issues[0]).toMatchObject({
      message:
        "program section program:web does not specify a command in section 'program:web' (file: '/srv/app/supervisord.conf')",
      line: 3,
      section: 'program:web',
      path: ['programs', 'web', 'command'],
    });
  });
  it('an unknown %(name)s lists the available names', () => {
    expect(errorOf('[supervisord]\n[program:p]\ncommand=%(nope)s\n').issues[0]?.message).toBe(
      "Format string '%(nope)s' for 'program:p.command' contains names ('nope') which cannot be expanded. " +
        'Available names: ENV_HOME, ENV_PATH, ENV_USER, group_name, here, host_node_name, numprocs, process_num, ' +
        "program_name in section 'program:p' (file: '/srv/app/supervisord.conf')",
    );
  });
  it('[fcgi-program:x] without a socket is refused as supervisord refuses it', () => {
    const err = errorOf('[supervisord]\n[fcgi-program:f]\ncommand=x\n');
    expect(err.issues[0]).toMatchObject({ section: 'fcgi-program:f', line: 2 });
    expect(err.issues[0]?.message).toBe('[fcgi-program:f] section requires a "socket" line');
  });
  it("procvisor's own checks get the INI place too", () => {
    // A group listing a program twice: accepted by supervisord, refused by the config schema.
    const err = errorOf('[supervisord]\n[program:p]\ncommand=x\n[group:g]\nprograms=p,p\n');
    expect(err.issues[0]).toMatchObject({ section: 'group:g', line: 5 });
  });
});

describe('the config object', () => {
  const text = [
    '[supervisord]',
    'identifier=%(ENV_USER)s-sup',
    'environment=GLOBAL="g"',
    '[unix_http_server]',
    'file=/run/supervisor.sock',
    '[inet_http_server]',
    'port=9001',
    '[program:web]',
    'command=node server.js --port 80%(process_num)02d',
    'numprocs=2',
    'process_name=%(program_name)s_%(process_num)d',
    'environment=PORT="80%(process_num)02d",HOME_DIR="%(ENV_HOME)s"',
    'stdout_logfile=syslog',
    'autorestart=true',
    '[eventlistener:mon]',
    'command=/bin/mon',
    'events=process_state,TICK_60,PROCESS_STATE',
    '[group:g]',
    'programs=web',
    '',
  ].join('\n');

  it('has the options the file sets, converted, and per-process text left for expansion', () => {
    const config = parseIni(text, opts);
    expect(config).toEqual({
      here,
      identifier: 'user-sup',
      environment: { GLOBAL: 'g' },
      serverurl: 'unix:///run/supervisor.sock',
      programs: {
        web: {
          command: 'node server.js --port 80%(process_num)02d',
          numprocs: 2,
          processName: '%(program_name)s_%(process_num)d',
          environment: { PORT: '80%(process_num)02d', HOME_DIR: '/home/user' },
          stdoutLogfile: 'NONE',
          stdoutSyslog: true,
          autorestart: true,
        },
      },
      groups: { g: { programs: ['web'] } },
      eventListeners: { mon: { command: '/bin/mon', events: ['PROCESS_STATE', 'TICK_60'] } },
    });
  });

  it('validates [eventlistener:x] through the config schema, naming the file, line and section', () => {
    const bad =
      '[supervisord]\n[eventlistener:mon]\ncommand=/bin/mon\nevents=TICK_5\nresult_handler=mymod:handler\n';
    let err: unknown;
    try {
      parseIni(bad, { ...opts, file: '/etc/sup.conf' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issue = (err as ConfigError).issues[0]!;
    expect(issue).toMatchObject({ section: 'eventlistener:mon', file: '/etc/sup.conf', line: 5 });
  });

  it('round-trips through toIni', () => {
    const config = parseIni(text, opts);
    const again = parseIni(toIni(config), opts);
    expect(again).toEqual(config);
    expect(again.eventListeners).toEqual(config.eventListeners);
  });
});

describe('toIni', () => {
  it('writes hand-written configs that read back the same', () => {
    const configs: IniConfig[] = [
      { programs: { a: { command: '/bin/a', priority: 5, exitcodes: [0, 2], umask: 0o22, stopsignal: 2 } } },
      {
        identifier: 'x',
        nocleanup: true,
        programs: {
          a: { command: 'sh -c "echo a;echo b"', directory: '/tmp', user: 'nobody', killasgroup: true },
        },
        groups: { g: { programs: ['a'], priority: 3 } },
      },
      { programs: { m: { command: 'echo one\ntwo', environment: { A: 'x y', B: "it's", C: '' } } } },
      { programs: { c: { command: 'a;b ;c', stdoutLogfile: 'AUTO', stderrLogfile: '/var/log/c.log' } } },
    ];
    for (const config of configs) {
      expect(parseIni(toIni(config), opts)).toEqual({ here, ...config, programs: config.programs });
    }
  });
  it('quotes an argv command for shlex.split', () => {
    expect(toIni({ programs: { a: { command: ['/bin/echo', 'a b', "it's"] } } })).toContain(
      `command=/bin/echo 'a b' 'it'"'"'s'`,
    );
  });
  it('refuses what the INI format cannot carry', () => {
    expect(() => toIni({ programs: { a: { command: ' padded ' } } })).toThrow(TypeError);
    expect(() => toIni({ programs: { a: { command: 'x', environment: { A: `"'` } } } })).toThrow(TypeError);
    expect(() => toIni({ serverurl: 'https://x/y', programs: {} })).toThrow(TypeError);
  });
});
