/**
 * fast-check arbitraries for the property tests of the configuration edges (`test/config/property.test.ts`,
 * `test/ini/property.test.ts`): config objects built from the real option names, and supervisord.conf texts
 * mutated from `../shared/ini-corpus`.
 *
 * The option names come from `configJsonSchema`, so a new option is generated as soon as it exists. Each
 * option mostly gets a value of its own kind that supervisord accepts (sizes for `*Maxbytes`, signals for
 * `stopsignal`, ...), sometimes one of its kind that it rejects, and now and then any hostile value at all:
 * enough configurations are valid that resolution runs to the end, and every rejection path is reached.
 */

import fc from 'fast-check';
import { configJsonSchema } from '../../src/index.js';

// ---------------------------------------------------------------------------------------------------------
// Option names, from the published JSON Schema.

interface PropertySchema {
  readonly type?: string | readonly string[];
  readonly additionalProperties?: { readonly properties?: Readonly<Record<string, PropertySchema>> };
}

const TOP = configJsonSchema.properties as Readonly<Record<string, PropertySchema>>;

function entryOptions(
  section: 'programs' | 'eventListeners' | 'groups',
): Readonly<Record<string, PropertySchema>> {
  const options = TOP[section]?.additionalProperties?.properties;
  if (!options) throw new Error(`configJsonSchema has no options for ${section}`);
  return options;
}

/** The option names of each part of a configuration, as the JSON Schema lists them. */
export const OPTION_NAMES = {
  top: Object.keys(TOP),
  program: Object.keys(entryOptions('programs')),
  eventListener: Object.keys(entryOptions('eventListeners')),
  group: Object.keys(entryOptions('groups')),
} as const;

/** supervisord's INI name of an option: camelCase undone (`stdoutLogfileMaxbytes` → `stdout_logfile_maxbytes`). */
export const iniName = (option: string): string => option.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Keys that are `Object.prototype` members, or that write through it when assigned. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'polluted',
] as const;

// ---------------------------------------------------------------------------------------------------------
// Values. Each kind is a pair: what supervisord accepts, and what it rejects.

interface Kind {
  readonly good: fc.Arbitrary<unknown>;
  readonly bad: fc.Arbitrary<unknown>;
}

const kind = (good: fc.Arbitrary<unknown>, bad: fc.Arbitrary<unknown>): Kind => ({ good, bad });

/** `%(name)s` expansions that resolve with the names supervisord gives a process. */
export const VALID_EXPANSIONS = [
  '%(program_name)s',
  '%(process_num)02d',
  '%(process_num)d',
  '%(process_num)-4x',
  '%(numprocs)d',
  '%(group_name)s',
  '%(host_node_name)s',
  '%(ENV_HOME)s',
  '%(ENV_N)s',
  '%(here)s',
  '%(program_name)r',
  '%(process_num)9999d',
  '%%',
] as const;

/** Expansions Python's `%` rejects, or that name nothing, or that ask for more than a configuration may. */
export const MALFORMED_EXPANSIONS = [
  '%(',
  '%(x',
  '%(x)',
  '%(x)q',
  '%(program_name)',
  '%',
  '%s',
  '%d',
  '%()s',
  '%(ENV_NOPE)s',
  '%(here)*d',
  '%(%(here)s)s',
  '%(process_num)0999999999d',
  '%(process_num).99999999999d',
  '%(process_num)99999999999999999999d',
] as const;

const HUGE = 100_000;
/** Texts of 100 KB and more, in shapes that would show quadratic work: one run, repeated syntax. */
const hugeText = fc
  .constantFrom(
    () => 'a'.repeat(HUGE),
    () => '%(here)s'.repeat(HUGE / 8),
    () => '%'.repeat(HUGE + 1),
    () => '%('.repeat(HUGE / 2),
    () => '%(process_num)s'.repeat(HUGE / 15),
    () => ' '.repeat(HUGE),
    () => ','.repeat(HUGE),
    () => '"'.repeat(HUGE + 1),
    () => 'é'.repeat(HUGE),
    () => '\ud800'.repeat(HUGE),
  )
  .map((make) => make());

const word = fc.constantFrom('sleep', '1', 'node', '/bin/echo', '-x', 'web', '_', '.', 'a=b', '--port=80');
const goodFragment = fc.oneof(
  { weight: 6, arbitrary: word },
  {
    weight: 2,
    arbitrary: fc.constantFrom(' ', ',', '"', "'", '\\', ';', '#', '=', ':', '~', '/', '\t', '\n'),
  },
  { weight: 3, arbitrary: fc.constantFrom(...VALID_EXPANSIONS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => s.replace(/%/g, '%%')) },
  { weight: 1, arbitrary: fc.constantFrom('\0', '\ud800', '\udc00', '\u2028', '\ufeff', '\x1b[31m', '\x85') },
);
const badFragment = fc.oneof(
  fc.constantFrom(...MALFORMED_EXPANSIONS),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }).map((s) => `${s}%`),
);

/** Words, valid expansions, unicode and control characters, with no `%` that Python's `%` rejects. */
export const goodText = fc.array(goodFragment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
/** A text with a malformed expansion in it, or 100 KB of one thing. */
export const badText = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(goodText, badFragment, goodText).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: hugeText },
);
/** Any text: mostly good. */
export const text = fc.oneof({ weight: 8, arbitrary: goodText }, { weight: 2, arbitrary: badText });

/** Numbers at the edges of doubles and safe integers. */
export const oddNumber = fc.constantFrom(
  1e308,
  -1e308,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  -0,
  NaN,
  Infinity,
  -Infinity,
  -1,
  0,
  1.5,
  5e-324,
);

/** Objects and arrays that try to write `polluted` through `__proto__` or `constructor.prototype`. */
export const pollution = fc
  .constantFrom(
    '{"__proto__":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"__proto__":{"__proto__":{"polluted":"yes"}}}',
    '{"prototype":{"polluted":"yes"},"__proto__":{"toString":"polluted"}}',
    '[{"__proto__":{"polluted":"yes"}}]',
    '{"__proto__":[],"length":1e9}',
  )
  .map((json) => JSON.parse(json) as unknown);

/** Values no option expects: JavaScript's odd values and objects. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, true, false, '', ' ', '\0', '1e308', '0x10', 'NaN', 'Infinity'),
  oddNumber,
  pollution,
  fc
    .constantFrom(
      () => [],
      () => [null],
      () => ['a', 1, {}],
      () => ({}),
      () => Object.create(null) as object,
      () => () => 1,
      () => /x/g,
      () => new Date(0),
      () => new Map([['a', 1]]),
      () => Symbol('s'),
      () => 10n,
      () =>
        new (class Options {
          command = 'sleep 1';
        })(),
      () => new String('boxed'),
    )
    .map((make) => make()),
  fc.anything({
    maxDepth: 2,
    maxKeys: 4,
    withNullPrototype: true,
    withBigInt: true,
    withDate: true,
    withMap: true,
  }),
);

/** An object with these own keys, as JSON.parse makes one: `__proto__` is then a key, not the prototype. */
export function ownRecord(entries: readonly (readonly [string, unknown])[], nullPrototype = false): object {
  const out: object = nullPrototype ? (Object.create(null) as object) : {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A record of `key → value` entries (keys may repeat: the last wins), sometimes without a prototype. */
function recordOf(
  key: fc.Arbitrary<string>,
  value: fc.Arbitrary<unknown>,
  maxLength: number,
): fc.Arbitrary<object> {
  return fc
    .tuple(fc.array(fc.tuple(key, value), { maxLength }), fc.boolean())
    .map(([entries, bare]) => ownRecord(entries, bare));
}

/** `arb` once in `n` times, else null. */
const rarely = <T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
/** null once in `n` times, else `arb`. */
const usually = <T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: n - 1, arbitrary: arb });

/** A value of this kind: mostly accepted, sometimes rejected, now and then any hostile value. */
const valueOf = (k: Kind): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 24, arbitrary: k.good },
    { weight: 2, arbitrary: k.bad },
    { weight: 1, arbitrary: hostileValue },
  );

/** Names that are valid for programs, groups, pools and environment variables, prototype keys among them. */
export const goodName: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('web', 'worker', 'a', 'b', 'x_1', 'N', 'HOME') },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom('ünï', '0', '\u{1F600}', 'a'.repeat(300)) },
);
/** Names of all sorts, malformed ones included. */
export const name: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: goodName },
  { weight: 1, arbitrary: fc.constantFrom('', ' a', 'a b', 'a:b', 'a/b', '%(here)s', '\0') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }) },
);

const size = kind(
  fc.oneof(fc.constantFrom('50MB', '1kb', '10 MB', '1GB', '0', '%(ENV_N)sMB'), fc.nat()),
  fc.oneof(
    fc.constantFrom(
      ' 2 kb ',
      '-1',
      '1.5MB',
      '5B',
      '10K',
      '',
      'MB',
      '9999999999999GB',
      '1e3kb',
      '0x10',
      '99999999999999999999',
    ),
    fc.integer({ max: -1 }),
    oddNumber,
  ),
);
const signal = kind(
  fc.constantFrom('TERM', 'SIGKILL', 'sigterm', 'kill', 'HUP ', 'RTMIN', 'RTMAX', '9', 9, 15, '%(ENV_N)s'),
  fc.constantFrom('SIGNOPE', 'SIG_DFL', 'RTMIN+1', '', 0, -1, 65, 1.5, 2 ** 53, '0'),
);
const exitCodes = kind(
  fc.oneof(
    fc.constantFrom('0,2', '', '1, 2', '%(ENV_N)s', [], ['0']),
    fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 5 }),
  ),
  fc.constantFrom('x', '0,,2', '0,2,', '256', '-1', 256, 0, [256], [-1], [0.5], [NaN]),
);
const bool = kind(
  fc.constantFrom(true, false, 'yes', 'no', 'TRUE', 'off', 'On', '1', '0'),
  fc.constantFrom('maybe', '', 1, 0, 'true '),
);
const autorestart = kind(
  fc.oneof(bool.good, fc.constantFrom('unexpected', 'UNEXPECTED')),
  fc.oneof(bool.bad, fc.constant('sometimes')),
);
const integer = kind(
  fc.oneof(
    fc.integer({ min: -5, max: 1000 }),
    fc.constantFrom('10', ' +1_000 ', '-1', '%(ENV_N)s', 2 ** 53 - 1),
  ),
  fc.oneof(
    fc.constantFrom(
      '1.5',
      '0x10',
      '1e3',
      '99999999999999999999',
      '%(process_num)d',
      2 ** 53,
      1e308,
      NaN,
      1.5,
    ),
    fc.integer(),
  ),
);
const seconds = kind(
  fc.oneof(
    fc.double({ min: 0, max: 1e9, noNaN: true }),
    fc.constantFrom('0.5', '10', '1_0.5', '.5', '5.', '1e3', 0.2, 2 ** 31, 1e12),
  ),
  fc.oneof(fc.double(), fc.constantFrom('1e308', 'inf', 'nan', '-1', '1e999', '', 'soon')),
);
const numprocs = kind(
  fc.oneof(
    { weight: 40, arbitrary: fc.constantFrom(0, 1, 2, 3, '2', ' 3 ', '%(ENV_N)s') },
    { weight: 1, arbitrary: fc.constantFrom(10_000, '1_0') },
  ),
  fc.constantFrom(-1, 10_001, 1e9, 2 ** 53, NaN, 1.5, '1e9', '99999999999999999999'),
);
const umask = kind(
  fc.constantFrom(0o22, '022', '22', '0o22', null, 0),
  fc.constantFrom('8', '0o8', -1, '777777777777', 2 ** 53, ''),
);
const logfile = kind(
  fc.oneof(
    fc.constantFrom('AUTO', 'auto', 'NONE', 'none', 'off', null, 'syslog', '/tmp/x.log', '~/x.log', '~'),
    fc.constantFrom('%(program_name)s-%(process_num)d.log', '%(here)s/%%%%', '%%(here)s'),
    goodText,
  ),
  fc.oneof(fc.constantFrom('', '%(ENV_NOPE)s', '%(here)s/%%'), badText),
);
const processName = kind(
  fc.constantFrom(
    '%(program_name)s',
    '%(program_name)s_%(process_num)02d',
    '%(process_num)d',
    'x_%(process_num)s',
  ),
  fc.oneof(
    fc.constantFrom(
      '',
      'a b',
      'a:b',
      'a/b',
      '%(ENV_HOME)s',
      ' %(program_name)s',
      '%(process_num)0999999999d',
    ),
    text,
  ),
);
const command = kind(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom('sleep 1', 'node -e 1', '/bin/echo %(process_num)d', 'echo "unbalanced'),
    },
    { weight: 3, arbitrary: goodText },
    { weight: 2, arbitrary: fc.array(goodText, { minLength: 1, maxLength: 4 }) },
  ),
  fc.oneof(
    fc.constantFrom('', ' ', 'date +%s', '%(ENV_NOPE)s', []),
    badText,
    fc.array(text, { maxLength: 4 }),
  ),
);
const environment = kind(
  recordOf(goodName, fc.oneof(goodText, fc.integer(), fc.boolean()), 5),
  recordOf(name, fc.oneof(text, hostileValue), 5),
);
const dependsOn = kind(
  recordOf(goodName, fc.constantFrom('started', 'ready', 'exited-ok'), 3),
  recordOf(name, fc.constantFrom('started', 'nope', 1, null), 3),
);
const readinessCommon = fc.record(
  { timeout: valueOf(seconds), interval: valueOf(seconds), startsecs: valueOf(bool) },
  { requiredKeys: [] },
);
const readiness = kind(
  fc.oneof(
    fc.constant(null),
    fc
      .tuple(fc.oneof(goodText, fc.constant(/ready/g)), readinessCommon)
      .map(([pattern, c]) => ({ pattern, ...c })),
    fc
      .tuple(
        fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.record({ host: goodText, port: fc.constant('80') })),
        readinessCommon,
      )
      .map(([tcp, c]) => ({ tcp, ...c })),
    fc
      .tuple(fc.constantFrom('http://127.0.0.1:%(ENV_N)s/', 'https://x/'), readinessCommon)
      .map(([http, c]) => ({ http, ...c })),
    readinessCommon.map((c) => ({ check: () => true, ...c })),
  ),
  fc.oneof(
    fc.constant({ pattern: 'x', tcp: 80 }),
    fc.constant({ pattern: '' }),
    fc.oneof(text, fc.integer()).map((tcp) => ({ tcp })),
    text.map((http) => ({ http })),
    fc.constant({ check: 'true' }),
  ),
);
const events = kind(
  fc.constantFrom('PROCESS_STATE', 'TICK_5,TICK_60', 'EVENT', 'tick_5, TICK_5', ['PROCESS_STATE_EXITED']),
  fc.constantFrom('NOPE', '', ',', [], ['NOPE'], [1]),
);
const resultHandler = kind(
  fc.constantFrom('supervisor.dispatchers:default_handler', () => true),
  fc.constantFrom('x:y', '', null),
);
const loglevel = kind(
  fc.constantFrom('info', 'DEBUG', 'blather', 'warn', 'trace'),
  fc.constantFrom('nope', '', '%(ENV_N)s'),
);
const serverurl = kind(
  fc.constantFrom(null, 'AUTO', 'unix:///tmp/x.sock', 'http://127.0.0.1:9001', '%(here)s'),
  fc.constantFrom('%(', 1, [] as unknown[]),
);
const anyText = kind(goodText, badText);

/** Kinds by option name, where the name says more than the JSON Schema's `type`. */
const BY_NAME: Readonly<Record<string, Kind>> = {
  command,
  processName,
  numprocs,
  numprocsStart: integer,
  exitcodes: exitCodes,
  stopsignal: signal,
  autorestart,
  umask,
  environment,
  dependsOn,
  readiness,
  events,
  resultHandler,
  loglevel,
  serverurl,
  stdoutLogfile: logfile,
  stderrLogfile: logfile,
  logfile,
};

/** The kind of an option: by its name, else by the JSON Schema's `type`. */
function kindOf(option: string, schema: PropertySchema | undefined): Kind {
  if (/Maxbytes$/.test(option)) return size;
  const byName = BY_NAME[option];
  if (byName) return byName;
  const types = schema?.type === undefined ? [] : [schema.type].flat();
  if (types.includes('boolean')) return bool;
  if (types.includes('integer')) return integer;
  if (types.includes('number')) return seconds;
  return anyText;
}

/** Keys no schema knows: supervisord's spelling, typos, and prototype keys. */
const unknownKey = fc.constantFrom('stdout_logfile', 'Command', 'numproc', ...HOSTILE_KEYS);

/** An entry of a section: some of its options (the required ones, usually), and rarely an unknown key. */
function entry(
  options: Readonly<Record<string, PropertySchema>>,
  required: readonly string[],
): fc.Arbitrary<unknown> {
  const names = Object.keys(options).filter((o) => !required.includes(o));
  const pick = (option: string): fc.Arbitrary<readonly [string, unknown]> =>
    valueOf(kindOf(option, options[option])).map((v) => [option, v] as const);
  const chosen = fc
    .subarray(names, { maxLength: Math.min(6, names.length) })
    .chain((keys) => fc.tuple(...keys.map(pick)));
  const needed = fc.tuple(...required.map((option) => usually(pick(option), 40)));
  const extra = rarely(fc.tuple(unknownKey, fc.oneof(hostileValue, pollution)), 15);
  const record = fc
    .tuple(needed, chosen, extra, fc.boolean())
    .map(([req, opts, ext, bare]) =>
      ownRecord([...req.filter((e) => e !== null), ...opts, ...(ext ? [ext] : [])], bare),
    );
  return fc.oneof({ weight: 30, arbitrary: record }, { weight: 1, arbitrary: hostileValue });
}

const program = entry(entryOptions('programs'), ['command']);
const eventListener = entry(entryOptions('eventListeners'), ['command', 'events']);
const groupPrograms = kind(
  fc.oneof(
    fc.array(goodName, { minLength: 1, maxLength: 3 }),
    fc.array(goodName, { minLength: 1, maxLength: 3 }).map((a) => a.join(', ')),
  ),
  fc.oneof(fc.constantFrom('', 'a,,b', [1], [] as string[]), text, fc.array(name, { maxLength: 3 })),
);
const group = kind(
  fc.record({ programs: groupPrograms.good, priority: valueOf(integer) }, { requiredKeys: ['programs'] }),
  entry(entryOptions('groups'), ['programs']),
);

/** The named sections of the top level, and their kinds. */
const SECTIONS: Readonly<Record<string, Kind>> = {
  programs: kind(recordOf(name, program, 4), hostileValue),
  eventListeners: kind(recordOf(name, eventListener, 2), hostileValue),
  groups: kind(recordOf(name, valueOf(group), 2), hostileValue),
};

/** A configuration nested past CONFIG_LIMITS.depth, or one that contains itself. */
const shapeTrap = fc.oneof(
  fc.integer({ min: 60, max: 70 }).map((depth) => {
    const top: Record<string, unknown> = {};
    let at = top;
    for (let i = 0; i < depth; i++) at = (at['x'] = {}) as Record<string, unknown>;
    return { programs: { a: { command: 'x', environment: top } } };
  }),
  fc.constantFrom('environment', 'readiness', 'programs').map((where) => {
    const a: Record<string, unknown> = { command: 'x' };
    const config: Record<string, unknown> = { programs: { a } };
    if (where === 'programs') a['self'] = config;
    else a[where] = { pattern: 'x', self: a };
    return config;
  }),
);

/**
 * A configuration object: the real option names with values in every form, hostile names and keys,
 * pollution attempts; rarely not an object at all, nested too deep, or containing itself.
 */
export const configInput: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 40,
    arbitrary: fc
      .tuple(
        fc
          .subarray(OPTION_NAMES.top, { maxLength: 6 })
          .chain((keys) =>
            fc.tuple(
              ...keys.map((k) => valueOf(SECTIONS[k] ?? kindOf(k, TOP[k])).map((v) => [k, v] as const)),
            ),
          ),
        // Programs are what a configuration is about: usually there.
        usually(SECTIONS['programs']!.good, 8),
        rarely(
          fc.tuple(fc.constantFrom(...HOSTILE_KEYS, 'stdout_logfile'), fc.oneof(hostileValue, pollution)),
          15,
        ),
      )
      .map(([options, programs, extra]) => {
        const entries: (readonly [string, unknown])[] = [...options];
        if (programs !== null && !options.some(([k]) => k === 'programs'))
          entries.push(['programs', programs]);
        if (extra) entries.push(extra);
        return ownRecord(entries);
      }),
  },
  { weight: 1, arbitrary: shapeTrap },
  { weight: 1, arbitrary: hostileValue },
);
// ---------------------------------------------------------------------------------------------------------
// supervisord.conf texts.

/** One change to a supervisord.conf text; line and column numbers are taken modulo the text's size. */
export type IniMutation =
  | { readonly kind: 'delete'; readonly line: number }
  | { readonly kind: 'duplicate'; readonly line: number; readonly to: number }
  | { readonly kind: 'insert'; readonly line: number; readonly col: number; readonly what: string }
  | { readonly kind: 'huge'; readonly line: number; readonly shape: number }
  | { readonly kind: 'swap'; readonly a: number; readonly b: number }
  | { readonly kind: 'value'; readonly line: number; readonly value: string }
  | { readonly kind: 'option'; readonly line: number; readonly option: string; readonly value: string }
  | { readonly kind: 'section'; readonly line: number; readonly header: string }
  | { readonly kind: 'multiply'; readonly section: number; readonly option: string; readonly value: string }
  | { readonly kind: 'include'; readonly pattern: string; readonly self: boolean };

/** The file name under which a text that includes itself is written (in a directory of its own). */
export const SELF_FILE = 'main.conf';

/** Lines of 100 KB and more: values, keys, headers, comments, continuations, lists. */
const HUGE_LINES: readonly (() => string)[] = [
  () => `command=${'a'.repeat(HUGE)}`,
  () => `environment=${'A="x",'.repeat(HUGE / 6)}`,
  () => `; ${'x'.repeat(HUGE)}`,
  () => `[program:${'x'.repeat(HUGE)}]`,
  () => `files = ${'[a-z]'.repeat(HUGE / 5)}`,
  () => `files = ${'x.conf '.repeat(HUGE / 7)}`,
  () => `${'k'.repeat(HUGE)}=v`,
  () => `process_name=${'%(process_num)s'.repeat(HUGE / 15)}`,
  () => `  ${'x'.repeat(HUGE)}`,
  () => `programs=${'a,'.repeat(HUGE / 2)}`,
  () => `events=${'TICK_5,'.repeat(HUGE / 7)}`,
  () => `exitcodes=${'0,'.repeat(HUGE / 2)}`,
  () => `stopsignal=${'S'.repeat(HUGE)}`,
  () => `${'\t'.repeat(HUGE)}x`,
  () => 'x'.repeat(HUGE),
  () => `command=${'%(ENV_HOME)s'.repeat(HUGE / 11)}`,
];

/** Values supervisord's converters reject, or that are at or past a bound, or that break the syntax. */
const iniValue = fc.oneof(
  fc.constantFrom(
    ...['1000000000', '10001', '10000', '-1', '0', '1e308', '99999999999999999999', '256', '0,2', '1.5MB'],
    ...['SIGNOPE', 'maybe', 'TRUE', 'x', '', 'unexpected', '50MB', '__proto__', 'constructor'],
    ...['%(', '%(x)q', '%(process_num)0999999999d', '%(process_num)9999d', '%(ENV_NOPE)s', '%(here)s'],
    ...['"unbalanced', "'", 'A="x",B=', 'A=%(process_num)s', 'supervisor.dispatchers:default_handler', 'x:y'],
  ),
  text.filter((s) => s.length < 1000),
);

/** INI option names: the schema's, in supervisord's spelling, and the names of the other sections. */
const INI_OPTIONS = [
  ...new Set([...OPTION_NAMES.program, ...OPTION_NAMES.eventListener, ...OPTION_NAMES.top].map(iniName)),
  ...['files', 'programs', 'buffer_size', 'logfile', 'pidfile', 'nodaemon', 'port', 'file', 'chmod'],
  ...['username', 'password', 'supervisor.rpcinterface_factory', 'logfile_maxbytes', 'logfile_backups'],
];

const SECTION_HEADERS = [
  ...['[program:__proto__]', '[group:constructor]', '[eventlistener:toString]', '[program:prototype]'],
  ...['[program:]', '[DEFAULT]', '[include]', '[supervisord]', '[fcgi-program:x]', '[program:a b]'],
  ...['[program:x]', '[group:g]', '[unix_http_server]', '[inet_http_server]', '[rpcinterface:x]', '[', '[]'],
];

const INCLUDE_MISSING = ['missing.conf', 'nope/*.conf', '/nonexistent/x.conf', '*.nothing', '[z-a].conf', ''];
const INCLUDE_SELF = [
  SELF_FILE,
  '*.conf',
  `%(here)s/${SELF_FILE}`,
  `${SELF_FILE} ${SELF_FILE}`,
  `./${SELF_FILE}`,
];

/** Bytes no config file should hold, as they read (a NUL, `\xff` decoded, control characters, BOM). */
const binary = fc.oneof(
  fc.constantFrom(
    '\0',
    '\xff',
    '\ufffd',
    '\x01',
    '\x1b[31m',
    '\x7f',
    '\x85',
    '\u2028',
    '\ud800',
    '\r',
    '\x0b\x0c',
  ),
  fc.constantFrom('\ufeff', '\r\n\r', '\\', '\0'.repeat(64)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
);

/** The options that multiply a section's work, with values at and past their bounds. */
const MULTIPLIERS: Readonly<Record<string, readonly string[]>> = {
  numprocs: ['3', '10000', '10001', '1000000000', '99999999999999999999', '-1', '1e9', '%(ENV_N)s'],
  numprocs_start: ['9007199254740991', '9007199254730991', '-9007199254740991', '99999999999999999999'],
  stdout_logfile_backups: ['1000', '1001', '100000000'],
  process_name: ['%(process_num)0999999999d', '%(process_num)9999d', '%(program_name)s_%(process_num)s'],
};

const mutation: fc.Arbitrary<IniMutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), line: fc.nat(), to: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    line: fc.nat(),
    col: fc.nat(),
    what: fc.oneof(fc.constantFrom('"', "'", '"""', '\\"', '%', '%(', ';', ' #', '=', ':'), binary),
  }),
  fc.record({ kind: fc.constant('huge' as const), line: fc.nat(), shape: fc.nat(HUGE_LINES.length - 1) }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('value' as const), line: fc.nat(), value: iniValue }),
  fc.record({
    kind: fc.constant('option' as const),
    line: fc.nat(),
    option: fc.constantFrom(...INI_OPTIONS),
    value: iniValue,
  }),
  fc.constantFrom(...Object.keys(MULTIPLIERS)).chain((option) =>
    fc.record({
      kind: fc.constant('multiply' as const),
      section: fc.nat(),
      option: fc.constant(option),
      value: fc.constantFrom(...(MULTIPLIERS[option] ?? [])),
    }),
  ),
  fc.record({
    kind: fc.constant('section' as const),
    line: fc.nat(),
    header: fc.constantFrom(...SECTION_HEADERS),
  }),
  fc.oneof(
    fc.record({
      kind: fc.constant('include' as const),
      pattern: fc.constantFrom(...INCLUDE_MISSING),
      self: fc.constant(false),
    }),
    fc.record({
      kind: fc.constant('include' as const),
      pattern: fc.constantFrom(...INCLUDE_SELF),
      self: fc.constant(true),
    }),
  ),
);

/** Splits a text into blocks that each start at a section header (the first block: what comes before). */
function blocks(lines: readonly string[]): string[][] {
  const out: string[][] = [[]];
  for (const line of lines) {
    if (line.startsWith('[')) out.push([]);
    out[out.length - 1]?.push(line);
  }
  return out;
}

/** `lines` with one mutation applied (a new array). */
export function applyMutation(lines: readonly string[], m: IniMutation): string[] {
  const out = [...lines];
  const n = Math.max(out.length, 1);
  switch (m.kind) {
    case 'delete':
      out.splice(m.line % n, 1);
      break;
    case 'duplicate':
      out.splice(m.to % (n + 1), 0, out[m.line % n] ?? '');
      break;
    case 'insert': {
      const i = m.line % n;
      const line = out[i] ?? '';
      const col = m.col % (line.length + 1);
      out[i] = line.slice(0, col) + m.what + line.slice(col);
      break;
    }
    case 'huge':
      out.splice(m.line % (n + 1), 0, (HUGE_LINES[m.shape] ?? HUGE_LINES[0]!)());
      break;
    case 'swap': {
      const parts = blocks(out);
      const a = m.a % parts.length;
      const b = m.b % parts.length;
      [parts[a], parts[b]] = [parts[b] ?? [], parts[a] ?? []];
      return parts.flat();
    }
    case 'value': {
      const i = m.line % n;
      const line = out[i] ?? '';
      const eq = line.search(/[=:]/);
      out[i] = eq === -1 ? `${line}=${m.value}` : `${line.slice(0, eq + 1)}${m.value}`;
      break;
    }
    case 'option':
      out.splice((m.line % n) + 1, 0, `${m.option} = ${m.value}`);
      break;
    case 'section':
      out.splice(m.line % (n + 1), 0, m.header);
      break;
    case 'include':
      out.push('[include]', `files = ${m.pattern}`);
      break;
    case 'multiply': {
      // Into a section that makes processes (a new one when there is none), with a name numprocs needs.
      const headers = out.flatMap((line, i) =>
        /^\[(program|eventlistener|fcgi-program):/.test(line) ? [i] : [],
      );
      if (headers.length === 0) out.push('[program:m]', 'command=sleep 1');
      const at = headers.length === 0 ? out.length - 1 : (headers[m.section % headers.length] ?? 0);
      const lines = [`${m.option} = ${m.value}`];
      if (m.option === 'numprocs') lines.push('process_name = %(program_name)s_%(process_num)s');
      out.splice(at + 1, 0, ...lines);
      break;
    }
  }
  return out;
}

/** A mutated supervisord.conf text, and what it was made from. */
export interface IniCase {
  /** The seed text's name (a corpus case, or one of the project's own). */
  readonly seed: string;
  readonly mutations: readonly IniMutation[];
  readonly text: string;
  /** The text includes itself: it must be read from a file named {@link SELF_FILE}. */
  readonly selfInclude: boolean;
}

/** A readable description of a case: the seed and the mutations, long values cut short. */
function describeCase(c: Omit<IniCase, 'text'>): string {
  const cut = (v: unknown): unknown =>
    typeof v === 'string' && v.length > 60 ? `${v.slice(0, 60)}…(${v.length})` : v;
  const ms = c.mutations.map((m) => JSON.stringify(m, (_k, v: unknown) => cut(v)));
  return `IniCase(${c.seed}: ${ms.join(', ')})`;
}

/** A seed text (a corpus file's, mostly) with 1–4 mutations applied. */
export function iniCase(
  seeds: readonly { readonly name: string; readonly text: string }[],
): fc.Arbitrary<IniCase> {
  if (seeds.length === 0) throw new Error('iniCase needs at least one seed text');
  return fc
    .tuple(fc.nat(seeds.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([i, mutations]) => {
      const seed = seeds[i] ?? seeds[0]!;
      const lines = mutations.reduce<string[]>((acc, m) => applyMutation(acc, m), seed.text.split('\n'));
      const meta = {
        seed: seed.name,
        mutations,
        selfInclude: mutations.some((m) => m.kind === 'include' && m.self),
      };
      return { ...meta, text: lines.join('\n'), [fc.toStringMethod]: () => describeCase(meta) };
    });
}
