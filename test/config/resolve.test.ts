import { homedir, tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { ConfigIssue } from '../../src/errors.js';
import { parseConfig, resolveConfig as resolveTyped, validateConfig } from '../../src/config/index.js';
import type { ProcessConfig, ResolveOptions, ResolvedConfig } from '../../src/config/index.js';
// The schema's input: what users write, and supervisord's text forms, which the INI entry gives it.
import type { SupervisorSchemaInput as SupervisorConfig } from '../../src/config/schema/index.js';

// These tests feed the schema what its public type rules out too (text forms, wrong values, junk).
const resolveConfig = (input: unknown, options?: ResolveOptions): ResolvedConfig =>
  resolveTyped(input as never, options);

const env = { HOME: '/home/u', PRIO: '5', USER: 'alice' };
const opts = { env, hostNodeName: 'box' };

function resolve(input: SupervisorConfig): ResolvedConfig {
  return resolveConfig(input, opts);
}

function procs(config: ResolvedConfig): ProcessConfig[] {
  return config.groups.flatMap((g) => g.processes);
}

function only(config: ResolvedConfig): ProcessConfig {
  const [p, ...rest] = procs(config);
  expect(rest).toHaveLength(0);
  if (!p) throw new Error('no process');
  return p;
}

function issuesOf(input: unknown): ConfigIssue[] {
  try {
    resolveConfig(input, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  it("are supervisord 4.2.5's for a program", () => {
    const p = only(resolve({ programs: { cat: { command: '/bin/cat' } } }));
    expect(p).toEqual({
      name: 'cat',
      programName: 'cat',
      groupName: 'cat',
      processNum: 0,
      command: '/bin/cat',
      priority: 999,
      autostart: true,
      autorestart: 'unexpected',
      startsecs: 1,
      startretries: 3,
      exitcodes: [0],
      stopsignal: 15,
      stopwaitsecs: 10,
      stopasgroup: false,
      killasgroup: false,
      user: null,
      directory: null,
      umask: null,
      redirectStderr: false,
      stdout: {
        logfile: 'AUTO',
        logfileMaxbytes: 52428800,
        logfileBackups: 10,
        captureMaxbytes: 0,
        eventsEnabled: false,
        syslog: false,
        timestamps: null,
        logfileInterval: null,
        logfileCompress: false,
      },
      stderr: {
        logfile: 'AUTO',
        logfileMaxbytes: 52428800,
        logfileBackups: 10,
        captureMaxbytes: 0,
        eventsEnabled: false,
        syslog: false,
        timestamps: null,
        logfileInterval: null,
        logfileCompress: false,
      },
      environment: {},
      serverurl: null,
      // procvisor's own options default to off: supervisord's behaviour.
      readiness: null,
      dependsOn: {},
      backoff: null,
      retryAfterFatal: null,
      healthcheck: null,
    });
  });

  it("are supervisord's for the top level", () => {
    const c = resolve({});
    expect(c).toEqual({
      identifier: 'supervisor',
      childlogdir: tmpdir(),
      nocleanup: false,
      environment: {},
      stripAnsi: false,
      serverurl: null,
      // supervisord's default logfile is $CWD/supervisord.log; a library writes no file it was not asked for.
      logfile: null,
      logfileMaxbytes: 50 * 1024 * 1024,
      logfileBackups: 10,
      loglevel: 'info',
      groups: [],
    });
    const v = parseConfig({}, opts);
    expect(v).toMatchObject({ minfds: 1024, minprocs: 200, loglevel: 'info', programs: {}, groups: {} });
  });

  it('parseConfig returns the defaulted program unexpanded', () => {
    const v = parseConfig({ programs: { a: { command: 'x %(process_num)d', stopasgroup: true } } }, opts);
    expect(v.programs.a).toMatchObject({
      command: 'x %(process_num)d',
      processName: '%(program_name)s',
      killasgroup: true,
    });
  });
});

describe('validateConfig', () => {
  it('returns the resolved configuration of a valid one', () => {
    const input: SupervisorConfig = { programs: { a: { command: 'x %(process_num)d' } } };
    const result = validateConfig(input, opts);
    expect(result).toEqual({ ok: true, config: resolveConfig(input, opts) });
    if (!result.ok) throw new Error('expected ok');
    expect(Object.isFrozen(result.config)).toBe(true);
    expect(only(result.config).command).toBe('x 0');
  });

  it.each([
    [{ programs: { a: {} } }, ['programs', 'a', 'command']],
    [{ programs: { a: { command: 'x', startsecs: 'soon' } } }, ['programs', 'a', 'startsecs']],
    [{ programs: { a: { command: 'x', dependsOn: { b: 'ready' } } } }, ['programs', 'a', 'dependsOn', 'b']],
    [{ programs: { a: { command: 'x %(nope)s' } } }, ['programs', 'a', 'command']],
    [{ prgrams: {} }, ['prgrams']],
    [null, []],
    ['[program:a]', []],
  ])('returns the ConfigError of %j instead of throwing it', (input, path) => {
    const result = validateConfig(input, opts);
    expect(result.ok).toBe(false);
    if (result.ok) throw new Error('expected a failure');
    expect(result.error).toBeInstanceOf(ConfigError);
    expect(result.error.issues.map((i) => i.path)).toContainEqual(path);
    expect(() => resolveConfig(input, opts)).toThrow(result.error.message);
  });
});

describe('value forms', () => {
  it('accepts the text forms of supervisord', () => {
    const p = only(
      resolve({
        programs: {
          a: {
            command: ['/bin/echo', 'a b'],
            autostart: 'no',
            autorestart: 'TRUE',
            startsecs: '0.5',
            startretries: ' 7 ',
            exitcodes: '0,2',
            stopsignal: 'sigint',
            stopwaitsecs: 0.2,
            stopasgroup: 'on',
            user: 1000,
            umask: '022',
            stdoutLogfileMaxbytes: '1KB',
            stderrLogfileMaxbytes: '10 MB',
            stdoutCaptureMaxbytes: 2048,
            stdoutLogfile: 'NONE',
            stderrLogfile: '~/err.log',
            serverurl: ' auto ',
            environment: { N: 1, B: true, S: 's' },
          },
        },
      }),
    );
    expect(p).toMatchObject({
      command: ['/bin/echo', 'a b'],
      autostart: false,
      autorestart: true,
      startsecs: 0.5,
      startretries: 7,
      exitcodes: [0, 2],
      stopsignal: 2,
      stopwaitsecs: 0.2,
      stopasgroup: true,
      killasgroup: true,
      user: '1000',
      umask: 0o22,
      serverurl: null,
      environment: { N: '1', B: 'true', S: 's' },
    });
    expect(p.stdout).toMatchObject({ logfile: null, logfileMaxbytes: 1024, captureMaxbytes: 2048 });
    expect(p.stderr).toMatchObject({ logfile: `${homedir()}/err.log`, logfileMaxbytes: 10 * 1024 * 1024 });
  });

  it('rewrites the deprecated syslog log file into syslog=true', () => {
    const p = only(resolve({ programs: { a: { command: 'x', stdoutLogfile: 'syslog' } } }));
    expect(p.stdout).toMatchObject({ logfile: null, syslog: true });
  });

  it('forces the stderr log file to null when redirectStderr', () => {
    const p = only(
      resolve({ programs: { a: { command: 'x', redirectStderr: true, stderrLogfile: '/tmp/e.log' } } }),
    );
    expect(p.stderr.logfile).toBeNull();
    expect(p.stdout.logfile).toBe('AUTO');
  });

  it('accepts numprocs 0 (an empty group) and a killasgroup without stopasgroup', () => {
    const c = resolve({ programs: { a: { command: 'x', numprocs: 0, killasgroup: true } } });
    expect(c.groups).toHaveLength(1);
    expect(c.groups[0]?.processes).toEqual([]);
  });
});

describe('%(name)s expansion', () => {
  it('makes one process per process_num with the per-process names', () => {
    const c = resolve({
      programs: {
        web: {
          command: 'serve --port 80%(process_num)02d --of %(numprocs)d on %(host_node_name)s',
          processName: '%(program_name)s_%(process_num)d',
          numprocs: 3,
          numprocsStart: 1,
          directory: '/srv/%(group_name)s/%(process_num)d',
          stdoutLogfile: '%(here)s/%(process_num)d.log',
          environment: { PORT: '80%(process_num)02d' },
        },
      },
      here: '/etc/app',
    });
    expect(
      procs(c).map((p) => [p.name, p.processNum, p.command, p.directory, p.stdout.logfile, p.environment]),
    ).toEqual([
      ['web_1', 1, 'serve --port 8001 --of 3 on box', '/srv/web/1', '/etc/app/1.log', { PORT: '8001' }],
      ['web_2', 2, 'serve --port 8002 --of 3 on box', '/srv/web/2', '/etc/app/2.log', { PORT: '8002' }],
      ['web_3', 3, 'serve --port 8003 --of 3 on box', '/srv/web/3', '/etc/app/3.log', { PORT: '8003' }],
    ]);
  });

  it('expands each argv element and never splits them', () => {
    const p = only(
      resolve({ programs: { a: { command: ['/bin/echo', '%(program_name)s %(ENV_USER)s', '100%%'] } } }),
    );
    expect(p.command).toEqual(['/bin/echo', 'a alice', '100%']);
  });

  it("gives the program's own environment to command, directory and logfiles as ENV_ names", () => {
    const p = only(
      resolve({
        programs: {
          a: {
            command: '/bin/echo %(ENV_FOO)s %(ENV_USER)s',
            directory: '/d/%(ENV_FOO)s',
            stdoutLogfile: '/l/%(ENV_FOO)s.log',
            environment: { FOO: 'bar', USER: 'bob' },
          },
        },
      }),
    );
    expect(p.command).toBe('/bin/echo bar bob');
    expect(p.directory).toBe('/d/bar');
    expect(p.stdout.logfile).toBe('/l/bar.log');
  });

  it('expands the once-per-section options before converting them', () => {
    const p = only(
      resolve({
        programs: {
          a: { command: 'x', priority: '%(ENV_PRIO)s', user: '%(ENV_USER)s', startsecs: '%(ENV_PRIO)s' },
        },
      }),
    );
    expect(p).toMatchObject({ priority: 5, user: 'alice', startsecs: 5 });
  });

  it('refuses process_num outside the per-process options, as supervisord does', () => {
    const issues = issuesOf({ programs: { a: { command: 'x', priority: '%(process_num)d' } } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(['programs', 'a', 'priority']);
    expect(issues[0]?.message).toMatch(
      /^Format string '%\(process_num\)d' for 'programs\.a\.priority' contains names \('process_num'\) which cannot be expanded\. Available names: ENV_HOME, ENV_PRIO, ENV_USER, group_name, here, host_node_name, program_name$/,
    );
  });

  it('expands logfile names twice (a literal % needs %%%%)', () => {
    const p = only(resolve({ programs: { a: { command: 'x', stdoutLogfile: '/l/a%%%%b.log' } } }));
    expect(p.stdout.logfile).toBe('/l/a%b.log');
    const issues = issuesOf({ programs: { a: { command: 'x', stdoutLogfile: '/l/a%%b.log' } } });
    expect(issues[0]?.message).toContain('is badly formatted');
    expect(issues[0]?.path).toEqual(['programs', 'a', 'stdoutLogfile']);
  });

  it('merges [supervisord] environment below the program and exposes it as ENV_ names', () => {
    const c = resolve({
      environment: { A: 'top', B: 'top-%(ENV_USER)s', C: '50%%%%' },
      programs: {
        p: { command: 'run %(ENV_A)s %(ENV_B)s', environment: { A: 'mine' } },
        q: { command: 'run %(ENV_A)s' },
      },
    });
    expect(c.environment).toEqual({ A: 'top', B: 'top-alice', C: '50%' });
    const [p, q] = procs(c);
    expect(p?.environment).toEqual({ A: 'mine', B: 'top-alice', C: '50%' });
    expect(p?.command).toBe('run mine top-alice');
    expect(q?.command).toBe('run top');
  });

  it('rejects a stray % (date +%s) with a clear message', () => {
    const issues = issuesOf({ programs: { a: { command: 'date +%s' } } });
    expect(issues[0]?.message).toContain("has no (name); write %% for a literal '%'");
  });

  it('defaults host_node_name to the host name and ENV_ to process.env', () => {
    const p = only(resolveConfig({ programs: { a: { command: '%(host_node_name)s' } } }));
    expect(typeof p.command).toBe('string');
    expect(p.command).not.toBe('');
  });
});

describe('groups and ordering', () => {
  it('sorts processes by (priority, name) with string comparison', () => {
    const c = resolve({ programs: { x: { command: 'c', numprocs: 11, processName: 'x_%(process_num)d' } } });
    expect(procs(c).map((p) => p.name)).toEqual([
      'x_0',
      'x_1',
      'x_10',
      'x_2',
      'x_3',
      'x_4',
      'x_5',
      'x_6',
      'x_7',
      'x_8',
      'x_9',
    ]);
  });

  it('sorts groups by (priority, name); a program group takes the program priority', () => {
    const c = resolve({
      programs: {
        b: { command: 'c' },
        a: { command: 'c' },
        early: { command: 'c', priority: 1 },
        late: { command: 'c', priority: 1000 },
      },
    });
    expect(c.groups.map((g) => [g.name, g.priority, g.kind])).toEqual([
      ['early', 1, 'program'],
      ['a', 999, 'program'],
      ['b', 999, 'program'],
      ['late', 1000, 'program'],
    ]);
  });

  it('builds heterogeneous groups in listed order, and the members no longer form their own', () => {
    const c = resolve({
      programs: {
        z: { command: 'z %(group_name)s', priority: 1 },
        y: { command: 'y %(group_name)s', priority: 500, numprocs: 2, processName: 'y%(process_num)d' },
        solo: { command: 's %(group_name)s' },
      },
      groups: { g: { programs: ['y', 'z'], priority: 10 } },
    });
    expect(c.groups.map((g) => g.name)).toEqual(['g', 'solo']);
    const g = c.groups[0];
    expect(g).toMatchObject({ kind: 'group', priority: 10, programs: ['y', 'z'] });
    expect(g?.processes.map((p) => [p.name, p.groupName, p.command, p.priority])).toEqual([
      ['y0', 'g', 'y g', 500],
      ['y1', 'g', 'y g', 500],
      ['z', 'g', 'z g', 1],
    ]);
  });

  it("accepts supervisord's comma list for groups and instantiates a program in each group that lists it", () => {
    const c = resolve({
      programs: { a: { command: 'a' }, b: { command: 'b' } },
      groups: { g1: { programs: 'a, b' }, g2: { programs: ['a'], priority: '5' } },
    });
    expect(c.groups.map((g) => [g.name, g.processes.map((p) => `${p.groupName}:${p.name}`)])).toEqual([
      ['g2', ['g2:a']],
      ['g1', ['g1:a', 'g1:b']],
    ]);
  });
});

describe('errors', () => {
  it('lists every problem in one ConfigError with paths', () => {
    const issues = issuesOf({
      programs: {
        web: {
          command: 'x',
          startsecs: 'soon',
          stopsignal: 'NOPE',
          exitcodes: [0, 256],
          autostart: 'maybe',
          autorestart: 'sometimes',
        },
        db: {},
      },
      loglevel: 'loud',
    });
    expect(issues).toEqual([
      // The object API words its messages plainly; the INI entry keeps supervisord's (test/ini).
      { path: ['programs', 'web', 'autostart'], message: "expected a boolean (true or false), got 'maybe'" },
      {
        path: ['programs', 'web', 'autorestart'],
        message: "expected true, false or 'unexpected', got 'sometimes'",
      },
      { path: ['programs', 'web', 'startsecs'], message: "expected a number of seconds, got 'soon'" },
      {
        path: ['programs', 'web', 'exitcodes'],
        message: 'expected a list of exit codes, each an integer 0..255, got [0,256]',
      },
      {
        path: ['programs', 'web', 'stopsignal'],
        message: "expected a signal name ('TERM', 'SIGTERM') or the number of a signal, got 'NOPE'",
      },
      { path: ['programs', 'db', 'command'], message: 'program does not specify a command' },
      {
        path: ['loglevel'],
        message: "expected a log level: critical, error, warn, info, debug, trace or blather, got 'loud'",
      },
    ]);
  });

  it('names misspelt options and suggests the right one', () => {
    expect(
      issuesOf({
        programs: { a: { command: 'x', stdout_logfile: '/x', autostrat: true } },
        childLogDir: '/x',
        groups: { g: { programs: ['a'], prio: 1 } },
      }),
    ).toEqual([
      {
        path: ['programs', 'a', 'stdout_logfile'],
        message: 'Unrecognized option "stdout_logfile"; did you mean "stdoutLogfile"?',
      },
      {
        path: ['programs', 'a', 'autostrat'],
        message: 'Unrecognized option "autostrat"; did you mean "autostart"?',
      },
      { path: ['groups', 'g', 'prio'], message: 'Unrecognized option "prio"' },
      { path: ['childLogDir'], message: 'Unrecognized option "childLogDir"; did you mean "childlogdir"?' },
    ]);
  });

  it.each([
    [
      { command: 'x', numprocs: 2 },
      ['processName'],
      '%(process_num) must be present within process_name when numprocs > 1',
    ],
    [
      { command: 'x', stopasgroup: true, killasgroup: false },
      ['killasgroup'],
      'Cannot set stopasgroup=true and killasgroup=false',
    ],
    [{ command: 'x', processName: 'a b' }, ['processName'], "Invalid name: 'a b' because of character: ' '"],
    [
      { command: 'x', processName: '%(ENV_HOME)s' },
      ['processName'],
      "Invalid name: '/home/u' because of character: '/'",
    ],
    [{ command: [] }, ['command'], 'command must not be an empty argv array'],
    [{ command: 5 }, ['command'], 'expected a command line (string) or a non-empty argv array of strings'],
    [
      { command: 'x', stdoutLogfileMaxbytes: '1.5MB' },
      ['stdoutLogfileMaxbytes'],
      "expected a byte count (a number, or text like '50MB', '64KB', '1GB'), got '1.5MB'",
    ],
    [
      { command: 'x', umask: '8' },
      ['umask'],
      "expected a file mode: a number (0o022), octal text ('022') or null, got '8'",
    ],
    [{ command: 'x', priority: 1.5 }, ['priority'], 'expected an integer, got 1.5'],
    [{ command: 'x', numprocs: 'three' }, ['numprocs'], "expected an integer, got 'three'"],
    [{ command: 'x', stopsignal: 'TERMINATE' }, ['stopsignal'], "got 'TERMINATE'"],
    [{ command: 'x', stdoutLogfileMaxbytes: '50 megs' }, ['stdoutLogfileMaxbytes'], "got '50 megs'"],
    [
      { command: 'x', readiness: { tcp: 80, timeout: '20 secs' } },
      ['readiness'],
      "timeout: expected a duration: milliseconds (a number, 0 or more) or text with a unit like '500ms', '20s', '2m', '1h'; got '20 secs'",
    ],
    [
      { command: 'x', environment: { 'A=B': 'x' } },
      ['environment', 'A=B'],
      'an environment variable name must be non-empty',
    ],
    [{ command: 'x', stopsignal: 0 }, ['stopsignal'], 'or the number of a signal, got 0'],
  ])('program %j → %j: %s', (program, where, message) => {
    const issues = issuesOf({ programs: { a: program } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(['programs', 'a', ...where]);
    expect(issues[0]?.message).toContain(message);
  });

  it('rejects unknown and repeated group members, and bad names', () => {
    expect(
      issuesOf({
        programs: { a: { command: 'x' }, 'b c': { command: 'x' } },
        groups: { g: { programs: ['a', 'nope', 'a'] }, 'x:y': { programs: [] } },
      }),
    ).toEqual([
      { path: ['programs', 'b c'], message: "Invalid name: 'b c' because of character: ' '" },
      { path: ['groups', 'x:y'], message: "Invalid name: 'x:y' because of character: ':'" },
      { path: ['groups', 'g', 'programs', 1], message: '[group:g] names unknown program nope' },
      { path: ['groups', 'g', 'programs', 2], message: '[group:g] lists program a twice' },
    ]);
  });

  it('rejects a group named like a program that still forms its own group', () => {
    const issues = issuesOf({
      programs: { a: { command: 'x' }, b: { command: 'x' } },
      groups: { a: { programs: ['b'] } },
    });
    expect(issues).toEqual([
      { path: ['groups', 'a'], message: 'group a has the name of program a, which forms its own group' },
    ]);
  });

  it('rejects two processes with one name in a group', () => {
    const issues = issuesOf({
      programs: { a: { command: 'x', processName: 'same' }, b: { command: 'x', processName: 'same' } },
      groups: { g: { programs: ['a', 'b'] } },
    });
    expect(issues).toEqual([
      {
        path: ['programs', 'b', 'processName'],
        message: 'process name "same" is used twice in group g (also by program a)',
      },
    ]);
  });

  it.each([null, 'x', 42, []])('rejects %j as a configuration', (input) => {
    expect(issuesOf(input)[0]?.message).toMatch(/^expected a configuration object|Invalid input/);
  });

  it('never lets a ZodError out and formats the message', () => {
    try {
      resolveConfig({ programs: { a: { command: 'x', startsecs: 'x' } } }, opts);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe('CONFIG_ERROR');
      expect((err as Error).message).toBe(
        "CONFIG_ERROR: programs.a.startsecs: expected a number of seconds, got 'x'",
      );
    }
  });
});

describe('freezing', () => {
  it('returns a deeply frozen result', () => {
    const c = resolve({ programs: { a: { command: ['x'], environment: { A: '1' } } } });
    const p = only(c);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.groups)).toBe(true);
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.command)).toBe(true);
    expect(Object.isFrozen(p.environment)).toBe(true);
    expect(Object.isFrozen(p.stdout)).toBe(true);
    expect(Object.isFrozen(p.exitcodes)).toBe(true);
  });

  it('does not modify or freeze the input', () => {
    const input = { programs: { a: { command: 'x %(program_name)s', priority: '%(ENV_PRIO)s' } } };
    resolve(input);
    expect(input.programs.a.priority).toBe('%(ENV_PRIO)s');
    expect(Object.isFrozen(input.programs.a)).toBe(false);
  });
});
