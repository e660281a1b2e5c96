// Input that once escaped as a TypeError, hung, or lost a name: each is now a ConfigError naming the path,
// or an ordinary valid configuration.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { CONFIG_LIMITS, resolveConfig } from '../../src/index.js';
import { inspectIni, parseIni } from '../../src/ini/index.js';

const opts = { env: {}, hostNodeName: 'box' };

/** The issues of the ConfigError that resolving `input` throws. */
function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    resolveConfig(input as never, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  }
  throw new Error('expected a ConfigError');
}

describe('null and non-objects', () => {
  it.each([
    ['programs', { programs: null }, 'expected an object of programs by name'],
    ['eventListeners', { eventListeners: null }, 'expected an object of event listener pools by name'],
    ['groups', { groups: null }, 'expected an object of groups by name'],
    ['programs', { programs: [] }, 'expected an object of programs by name'],
    ['programs', { programs: 'web' }, 'expected an object of programs by name'],
  ])('%s: %j', (path, input, message) => {
    expect(issuesOf(input)).toEqual([{ path, message }]);
  });

  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [[], 'an array'],
    ['sleep 1', 'string'],
    [3, 'number'],
  ])('a program that is %j', (value, got) => {
    expect(issuesOf({ programs: { web: value } })).toEqual([
      { path: 'programs.web', message: `expected an object of options, received ${got}` },
    ]);
  });

  it('a listener pool or a group that is null', () => {
    expect(issuesOf({ eventListeners: { l: null }, groups: { g: null } })).toEqual([
      { path: 'eventListeners.l', message: 'expected an object of options, received null' },
      { path: 'groups.g', message: 'expected an object of options, received null' },
    ]);
  });

  it('the whole configuration', () => {
    expect(issuesOf(null)).toEqual([{ path: '', message: 'expected a configuration object, received null' }]);
    expect(issuesOf([])).toEqual([
      { path: '', message: 'expected a configuration object, received an array' },
    ]);
  });

  it('a bad program is reported beside the checks across sections', () => {
    const found = issuesOf({
      programs: { a: { command: 'x', numprocs: 'many' } },
      groups: { g: { programs: ['b'] } },
    });
    expect(found.map((i) => i.path)).toEqual(['programs.a.numprocs', 'groups.g.programs.0']);
  });
});

describe('names that are Object.prototype keys', () => {
  // JSON text: in an object literal, `__proto__:` would set the prototype instead of a key.
  const text =
    '{"programs":{"__proto__":{"command":"sleep 1","environment":{"__proto__":"x","B":2}},' +
    '"constructor":{"command":"sleep 2","dependsOn":{"__proto__":"started"}}},' +
    '"groups":{"toString":{"programs":["__proto__"]}},' +
    '"eventListeners":{"hasOwnProperty":{"command":"cat","events":["TICK_5"]}},' +
    '"environment":{"__proto__":"top"}}';

  it('are ordinary names in the object API (as JSON.parse makes them)', () => {
    const config = resolveConfig(JSON.parse(text), opts);
    expect(config.groups.map((g) => [g.name, g.processes.map((p) => p.name)])).toEqual([
      ['hasOwnProperty', ['hasOwnProperty']],
      ['constructor', ['constructor']],
      ['toString', ['__proto__']],
    ]);
    const proto = config.groups[2]!.processes[0]!;
    expect(Object.entries(proto.environment)).toEqual(expect.arrayContaining([['__proto__', 'x']]));
    expect(Object.keys(config.groups[1]!.processes[0]!.dependsOn)).toEqual(['__proto__']);
    expect(Object.entries(config.environment)).toEqual([['__proto__', 'top']]);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('are ordinary names in the INI entry, as in supervisord', () => {
    const ini =
      '[supervisord]\n[program:__proto__]\ncommand=sleep 1\nenvironment=__proto__="x"\n' +
      '[program:constructor]\ncommand=sleep 2\n[group:toString]\nprograms=__proto__\n' +
      '[eventlistener:hasOwnProperty]\ncommand=cat\nevents=TICK_5\n';
    const config = resolveConfig(parseIni(ini, { ...opts, here: '/' }), opts);
    expect(config.groups.map((g) => [g.name, g.processes.map((p) => p.name)])).toEqual([
      ['hasOwnProperty', ['hasOwnProperty']],
      ['constructor', ['constructor']],
      ['toString', ['__proto__']],
    ]);
    expect(config.groups[2]!.processes[0]!.environment['__proto__']).toBe('x');
  });

  it('constructor is not taken for a program that exists', () => {
    expect(issuesOf({ programs: { a: { command: 'x', dependsOn: { constructor: 'started' } } } })).toEqual([
      { path: 'programs.a.dependsOn.constructor', message: 'depends on unknown program constructor' },
    ]);
    expect(issuesOf({ groups: { g: { programs: ['constructor'] } } })).toEqual([
      { path: 'groups.g.programs.0', message: '[group:g] names unknown program constructor' },
    ]);
  });

  it('a bad value under __proto__ is reported at its own path', () => {
    const input = JSON.parse('{"programs":{"a":{"command":"x","environment":{"__proto__":{}}}}}') as unknown;
    expect(issuesOf(input)).toEqual([
      {
        path: 'programs.a.environment.__proto__',
        message: 'expected a string (numbers and booleans are converted)',
      },
    ]);
  });
});

describe('empty names', () => {
  // Found by the property test: supervisord accepts them by accident, and no namespec can name the process.
  it.each([
    ['programs', { programs: { '': { command: 'x' } } }],
    ['groups', { programs: { a: { command: 'x' } }, groups: { '': { programs: ['a'] } } }],
    ['eventListeners', { eventListeners: { '': { command: 'cat', events: 'TICK_5' } } }],
  ])('%s: an entry named "" is an error', (section, input) => {
    expect(issuesOf(input)).toEqual([{ path: `${section}.`, message: 'Invalid name: "" (empty)' }]);
  });

  it.each([[''], ['  '], ['%(ENV_EMPTY)s']])(
    'a process name that expands to %j is an error',
    (processName) => {
      const input = { programs: { a: { command: 'x', processName } } };
      const found = (() => {
        try {
          resolveConfig(input, { ...opts, env: { EMPTY: '' } });
        } catch (err) {
          return (err as ConfigError).issues;
        }
        return [];
      })();
      expect(found).toEqual([
        { path: ['programs', 'a', 'processName'], message: expect.stringMatching(/\(empty\)$/) },
      ]);
    },
  );
});

describe('bounds on what multiplies work', () => {
  it('numprocs past CONFIG_LIMITS.numprocs is an error, and says so', () => {
    const big = { command: 'x', numprocs: 1e9, processName: '%(process_num)s' };
    expect(issuesOf({ programs: { a: big } })).toEqual([
      {
        path: 'programs.a.numprocs',
        message: `must be at most ${CONFIG_LIMITS.numprocs} (CONFIG_LIMITS.numprocs), got 1000000000`,
      },
    ]);
    const atLimit = { ...big, numprocs: CONFIG_LIMITS.numprocs };
    expect(resolveConfig({ programs: { a: atLimit } }, opts).groups[0]!.processes).toHaveLength(
      CONFIG_LIMITS.numprocs,
    );
  });

  it('the processes of the whole configuration are bounded too', () => {
    const programs: Record<string, object> = {};
    const n = CONFIG_LIMITS.processes / CONFIG_LIMITS.numprocs + 1;
    for (let i = 0; i < n; i++) {
      programs[`p${i}`] = { command: 'x', numprocs: CONFIG_LIMITS.numprocs, processName: '%(process_num)s' };
    }
    expect(issuesOf({ programs })).toEqual([
      {
        path: '',
        message: `the configuration makes ${n * CONFIG_LIMITS.numprocs} processes; at most ${CONFIG_LIMITS.processes} are allowed (CONFIG_LIMITS.processes)`,
      },
    ]);
  });

  it('numprocs_start keeps every process_num a safe integer', () => {
    // Found by the property test: 2^53 - 1 + 1 is 2^53, and 2^53 + 1 is 2^53 again, so the loop over the
    // process numbers never ended (and filled the heap).
    const a = { command: 'x', numprocs: 3, processName: '%(process_num)d' };
    expect(issuesOf({ programs: { a: { ...a, numprocsStart: 2 ** 53 - 1 } } })).toEqual([
      {
        path: 'programs.a.numprocsStart',
        message: `must be at most ${CONFIG_LIMITS.numprocsStart} (CONFIG_LIMITS.numprocsStart), got ${2 ** 53 - 1}`,
      },
    ]);
    const last = resolveConfig(
      { programs: { a: { ...a, numprocsStart: CONFIG_LIMITS.numprocsStart } } },
      opts,
    );
    expect(last.groups[0]!.processes.map((p) => p.processNum)).toEqual(
      [0, 1, 2].map((i) => CONFIG_LIMITS.numprocsStart + i),
    );
  });

  it('the text copied into every process is bounded too', () => {
    // Found by the property test: a large environment times many processes ran for minutes.
    const environment: Record<string, string> = {};
    for (let i = 0; i < 2_000; i++) environment[`VAR_${i}`] = 'x'.repeat(100);
    const programs = { a: { command: 'x', numprocs: 10_000, processName: '%(process_num)s' } };
    const [issue, ...more] = issuesOf({ environment, programs });
    expect(more).toEqual([]);
    expect(issue?.path).toBe('');
    expect(issue?.message).toMatch(
      new RegExp(
        `^the processes of the configuration carry \\d+ characters of per-process text .*at most ${CONFIG_LIMITS.processText} are allowed \\(CONFIG_LIMITS.processText\\)$`,
      ),
    );
  });

  it('log backups and expansion widths are bounded', () => {
    expect(issuesOf({ programs: { a: { command: 'x', stdoutLogfileBackups: 1e7 } } })[0]?.path).toBe(
      'programs.a.stdoutLogfileBackups',
    );
    const [issue] = issuesOf({ programs: { a: { command: 'echo %(process_num)0999999999d' } } });
    expect(issue?.path).toBe('programs.a.command');
    expect(issue?.message).toContain(`width too big (at most ${CONFIG_LIMITS.formatWidth})`);
  });

  it('deep nesting and cycles name the path', () => {
    let deep: Record<string, unknown> = {};
    const top = deep;
    for (let i = 0; i < 100_000; i++) deep = deep['x'] = {};
    const [issue] = issuesOf({ programs: { a: { command: 'x', environment: top } } });
    expect(issue?.message).toBe(`nested more than ${CONFIG_LIMITS.depth} levels deep`);
    expect(issue?.path).toMatch(/^programs\.a\.environment\.x\.x/);

    const cyclic: Record<string, unknown> = { command: 'x' };
    cyclic['readiness'] = { pattern: 'x', self: cyclic };
    expect(issuesOf({ programs: { a: cyclic } })).toEqual([
      { path: 'programs.a.readiness.self', message: 'the value contains itself' },
    ]);
  });

  it('an object shared by two programs is not a cycle', () => {
    const environment = { A: '1' };
    const config = resolveConfig(
      { programs: { a: { command: 'x', environment }, b: { command: 'y', environment } } },
      opts,
    );
    expect(config.groups.map((g) => g.processes[0]!.environment['A'])).toEqual(['1', '1']);
  });
});

describe('INI include globs', () => {
  it('a glob V8 cannot compile matches nothing, with supervisord’s warning', () => {
    // A directory with a file in it, so that the pattern is matched against a name.
    const here = mkdtempSync(join(tmpdir(), 'glob-'));
    try {
      writeFileSync(join(here, 'a.conf'), '');
      const pattern = `${'a'.repeat(100_000)}?`;
      const model = inspectIni(`[supervisord]\n[include]\nfiles = ${pattern}\n`, { ...opts, here });
      expect(model.groups).toEqual([]);
      expect(model.warnings).toEqual([expect.stringContaining('No file matches via include')]);
    } finally {
      rmSync(here, { recursive: true, force: true });
    }
  });
});
