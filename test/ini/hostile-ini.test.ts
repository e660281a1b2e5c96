// INI input that once hung or ran out of memory: each is now a ConfigError naming the place, found before the
// reader builds the processes (supervisord reads numprocs without a bound; see docs/configuration.md).
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { CONFIG_LIMITS } from '../../src/index.js';
import { inspectIni, parseIni } from '../../src/ini/index.js';

const opts = { here: '/', env: {}, hostNodeName: 'box' };

/** The issues of the ConfigError that reading `text` throws. */
function issuesOf(
  read: (text: string, o: typeof opts) => unknown,
  text: string,
): { path: string; line?: number; message: string }[] {
  try {
    read(text, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((i) => ({
      path: i.path.join('.'),
      ...(i.line === undefined ? {} : { line: i.line }),
      message: i.message,
    }));
  }
  throw new Error('expected a ConfigError');
}

const program = (options: string): string =>
  `[supervisord]\n[program:a]\ncommand=x\nprocess_name=%(process_num)s\n${options}\n`;

describe.each([
  ['parseIni', parseIni],
  ['inspectIni', inspectIni],
])('%s: bounds before the processes are built', (_name, read) => {
  it('numprocs past CONFIG_LIMITS.numprocs', () => {
    // A billion processes were built one by one (about 25 µs each) before the config module saw numprocs.
    expect(issuesOf(read, program('numprocs=1000000000'))).toEqual([
      {
        path: 'programs.a.numprocs',
        line: 5,
        message:
          `must be at most ${CONFIG_LIMITS.numprocs} (CONFIG_LIMITS.numprocs), got 1000000000 in section ` +
          `'program:a' (file: '<string>')`,
      },
    ]);
  });

  it('numprocs_start where process_num would pass 2^53', () => {
    // 2^53 + 1 is 2^53 in a double: the loop over the process numbers never ended.
    expect(issuesOf(read, program('numprocs=3\nnumprocs_start=9007199254740991'))).toEqual([
      {
        path: 'programs.a.numprocsStart',
        line: 6,
        message:
          `must be at most ${CONFIG_LIMITS.numprocsStart} (CONFIG_LIMITS.numprocsStart), got 9007199254740991 ` +
          `in section 'program:a' (file: '<string>')`,
      },
    ]);
  });
});

it('the processes of the whole file are counted as the sections are read', () => {
  // Programs of CONFIG_LIMITS.numprocs processes each, one more than the bound allows: the reader stops at
  // the section that passes it, instead of building every process of every section first.
  const n = CONFIG_LIMITS.processes / CONFIG_LIMITS.numprocs + 1;
  let text = '[supervisord]\n';
  for (let i = 0; i < n; i++) {
    text += `[program:p${i}]\ncommand=x\nnumprocs=${CONFIG_LIMITS.numprocs}\nprocess_name=%(process_num)s\n`;
  }
  const [issue, ...more] = issuesOf(inspectIni, text);
  expect(more).toEqual([]);
  expect(issue?.path).toBe('');
  expect(issue?.message).toBe(
    `the configuration makes more than ${CONFIG_LIMITS.processes} processes (CONFIG_LIMITS.processes) in ` +
      `section 'program:p${n - 1}' (file: '<string>')`,
  );
});

it('text read once per process is bounded by CONFIG_LIMITS.processText', () => {
  // Found by the property test: 10,000 processes each lexing 100 KB of `environment=` took minutes.
  const text = program(`numprocs=10000\nenvironment=${'A="x",'.repeat(20_000)}`);
  for (const read of [parseIni, inspectIni]) {
    expect(issuesOf(read, text)).toEqual([
      {
        path: '',
        line: 5,
        message:
          `the processes of the configuration carry more than ${CONFIG_LIMITS.processText} characters of ` +
          `per-process text (command, environment, ...) (CONFIG_LIMITS.processText) in section 'program:a' ` +
          `(file: '<string>')`,
      },
    ]);
  }
});

it('a bad environment= in a section of no process is not read, as in supervisord', () => {
  // Found by the property test: with numprocs=0 no process lexes it, and the lexer's own Error escaped.
  const text = program('numprocs=0\nenvironment=A="unbalanced');
  expect(inspectIni(text, opts).groups).toEqual([expect.objectContaining({ name: 'a', processes: [] })]);
  expect(parseIni(text, opts).programs?.['a']).toEqual(
    expect.objectContaining({ numprocs: 0, environment: {} }),
  );
});

it('an empty program name is supervisord’s, and a ConfigError for the config', () => {
  const text = '[supervisord]\n[program:]\ncommand=x\n';
  expect(inspectIni(text, opts).groups.map((g) => g.name)).toEqual(['']);
  expect(issuesOf(parseIni, text)).toEqual([
    { path: 'programs.', line: 2, message: 'Invalid name: "" (empty)' },
  ]);
});
