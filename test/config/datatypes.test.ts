import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  autoRestart,
  boolean,
  byteSize,
  exitCodes,
  integer,
  logfileName,
  loggingLevel,
  nameToUid,
  octal,
  processOrGroupName,
  signalName,
  signalNumber,
  SYSLOG,
} from '../../src/config/datatypes.js';
import { pythonRepr } from '../../src/python/repr.js';

describe('integer (Python int())', () => {
  it.each([
    ['10', 10],
    ['010', 10],
    ['0_10', 10],
    [' +1_0 ', 10],
    ['-5', -5],
    ['-0', 0],
    ['\t7\n', 7],
    [42, 42],
  ])('%j → %d', (input, expected) => {
    expect(integer(input)).toBe(expected);
  });
  it.each(['1__0', '_1', '1_', '0x10', '+-1', '', '1.5', 'abc', '1e3'])('%j is rejected', (input) => {
    expect(() => integer(input)).toThrow(`invalid literal for int() with base 10: ${pythonRepr(input)}`);
  });
  it('rejects non-integer numbers', () => {
    expect(() => integer(1.5)).toThrow('not an integer: 1.5');
    expect(() => integer(Number.NaN)).toThrow();
  });
});

describe('boolean', () => {
  it.each([
    ['yes', true],
    ['TRUE', true],
    ['On', true],
    ['1', true],
    ['no', false],
    ['False', false],
    ['OFF', false],
    ['0', false],
    [true, true],
    [false, false],
  ])('%j → %s', (input, expected) => {
    expect(boolean(input)).toBe(expected);
  });
  it.each(['maybe', '', ' yes', 'y', '2'])('%j is rejected', (input) => {
    expect(() => boolean(input)).toThrow(`not a valid boolean value: ${pythonRepr(input)}`);
  });
});

describe('autoRestart', () => {
  it.each([
    ['true', true],
    ['Yes', true],
    ['1', true],
    ['false', false],
    ['off', false],
    ['unexpected', 'unexpected'],
    ['UNEXPECTED', 'unexpected'],
    [true, true],
    [false, false],
  ])('%j → %j', (input, expected) => {
    expect(autoRestart(input)).toBe(expected);
  });
  it('rejects other words with the lower-cased value', () => {
    expect(() => autoRestart('Sometimes')).toThrow("invalid 'autorestart' value 'sometimes'");
  });
});

describe('byteSize (SuffixMultiplier)', () => {
  it.each([
    ['50MB', 50 * 1024 * 1024],
    ['1KB', 1024],
    ['1kb', 1024],
    ['2Gb', 2 * 1024 ** 3],
    ['10 MB', 10 * 1024 * 1024],
    ['0', 0],
    ['123', 123],
    [' 123 ', 123],
    ['1_000', 1000],
    [4096, 4096],
  ])('%j → %d', (input, expected) => {
    expect(byteSize(input)).toBe(expected);
  });
  it.each(['1.5MB', '5B', '5K', '5M', 'MB', 'kb', 'abc', '', '1 0'])('%j is rejected', (input) => {
    expect(() => byteSize(input)).toThrow(/invalid literal for int\(\) with base 10/);
  });
});

describe('octal', () => {
  it.each([
    ['022', 0o22],
    ['22', 0o22],
    ['0o22', 0o22],
    ['0O22', 0o22],
    [' 022 ', 0o22],
    ['0_22', 0o22],
    ['0', 0],
    ['777', 0o777],
    [0o27, 0o27],
  ])('%j → %d', (input, expected) => {
    expect(octal(input)).toBe(expected);
  });
  it.each(['8', '0x1', '', 'abc', '0o', '1.0'])('%j is rejected', (input) => {
    expect(() => octal(input)).toThrow(`${input} can not be converted to an octal type`);
  });
});

describe('exitCodes (list_of_exitcodes)', () => {
  it.each([
    ['0', [0]],
    ['0,2', [0, 2]],
    [' 1 , 2 ', [1, 2]],
    ['255', [255]],
    ['', []],
    [
      [0, 1],
      [0, 1],
    ],
    [3, [3]],
  ] as const)('%j → %j', (input, expected) => {
    expect(exitCodes(input)).toEqual(expected);
  });
  it.each(['1,,2', '256', '-1', 'a', '1,', '1.0'])('%j is rejected', (input) => {
    expect(() => exitCodes(input)).toThrow(`not a valid list of exit codes: ${pythonRepr(input)}`);
  });
  it('rejects arrays with bad members', () => {
    expect(() => exitCodes([0, 300])).toThrow("not a valid list of exit codes: '0,300'");
  });
});

describe('signalNumber / signalName', () => {
  it.each([
    ['TERM', 15],
    ['term', 15],
    ['SIGTERM', 15],
    ['sigterm', 15],
    [' hup ', 1],
    ['KILL', 9],
    ['USR1', 10],
    ['IOT', 6],
    ['CLD', 17],
    ['RTMIN', 34],
    ['15', 15],
    [' 9 ', 9],
    [2, 2],
  ])('%j → %d', (input, expected) => {
    expect(signalNumber(input)).toBe(expected);
  });
  it.each(['FOO', 'RTMIN+1', 'SIG_DFL', 'sig_ign', '', 'SIG'])('name %j is rejected', (input) => {
    expect(() => signalNumber(input)).toThrow(`value ${pythonRepr(input)} is not a valid signal name`);
  });
  it.each(['99', '0', '-1', 0, 99, 1.5])('number %j is rejected', (input) => {
    expect(() => signalNumber(input)).toThrow(`value ${pythonRepr(input)} is not a valid signal number`);
  });
  it.each([
    [15, 'TERM'],
    [9, 'KILL'],
    [6, 'ABRT'],
    [17, 'CHLD'],
    [29, 'IO'],
  ])('signalName(%d) → %s', (num, name) => {
    expect(signalName(num)).toBe(name);
  });
  it('signalName rejects unknown numbers', () => {
    expect(() => signalName(99)).toThrow('value 99 is not a valid signal number');
  });
});

describe('logfileName', () => {
  it.each([
    ['NONE', null],
    ['none', null],
    ['Off', null],
    [null, null],
    ['auto', 'AUTO'],
    ['AUTO', 'AUTO'],
    ['/var/log/x.log', '/var/log/x.log'],
    ['x.log', 'x.log'],
    ['~/x.log', `${homedir()}/x.log`],
    ['~', homedir()],
    ['~other/x', '~other/x'],
  ])('%j → %j', (input, expected) => {
    expect(logfileName(input)).toBe(expected);
  });
  it('returns the SYSLOG marker for syslog', () => {
    expect(logfileName('Syslog')).toBe(SYSLOG);
  });
});

describe('processOrGroupName', () => {
  it.each([
    ['web', 'web'],
    ['  web ', 'web'],
    ['web_1', 'web_1'],
    ['a.b-c[1]', 'a.b-c[1]'],
  ])('%j → %j', (input, expected) => {
    expect(processOrGroupName(input)).toBe(expected);
  });
  it.each([
    ['a b', ' '],
    ['a:b', ':'],
    ['a/b', '/'],
    ['a :/b', ' '],
  ])('%j is rejected because of %j', (input, ch) => {
    expect(() => processOrGroupName(input)).toThrow(
      `Invalid name: ${pythonRepr(input)} because of character: ${pythonRepr(ch)}`,
    );
  });
});

describe('nameToUid and loggingLevel', () => {
  it('accepts names and numbers', () => {
    expect(nameToUid('www-data')).toBe('www-data');
    expect(nameToUid('1000')).toBe(1000);
    expect(nameToUid(0)).toBe(0);
    expect(() => nameToUid('')).toThrow('Invalid user name');
    expect(() => nameToUid(-1)).toThrow('Invalid user id -1');
  });
  it('accepts supervisord log levels in any case', () => {
    expect(loggingLevel('INFO')).toBe('info');
    expect(loggingLevel('blather')).toBe('blather');
    expect(() => loggingLevel('loud')).toThrow("bad logging level name 'loud'");
  });
});

// Cross-check against the real supervisord converters when they are installed.
const PY = '/usr/bin/python3';
const SUPERVISOR = '/usr/lib/python3/dist-packages/supervisor/datatypes.py';
const haveSupervisor = existsSync(PY) && existsSync(SUPERVISOR);

function python(fn: string, inputs: readonly string[]): ({ ok: unknown } | { err: string })[] {
  const script = `
import sys, json
sys.path.insert(0, '/usr/lib/python3/dist-packages')
from supervisor import datatypes
out = []
for v in json.loads(sys.argv[1]):
    try:
        r = datatypes.${fn}(v)
        if r is datatypes.RestartUnconditionally: r = True
        if r is datatypes.RestartWhenExitUnexpected: r = 'unexpected'
        out.append({'ok': r})
    except Exception as e:
        out.append({'err': str(e)})
print(json.dumps(out))
`;
  return JSON.parse(execFileSync(PY, ['-c', script, JSON.stringify(inputs)], { encoding: 'utf8' })) as (
    { ok: unknown } | { err: string }
  )[];
}

describe.skipIf(!haveSupervisor)('agrees with supervisord datatypes.py', () => {
  const cases: [string, (v: string) => unknown, string[]][] = [
    ['integer', integer, ['10', ' +1_0 ', '1__0', '1.5', '-3', '']],
    ['boolean', boolean, ['yes', 'OFF', 'maybe', '1', '']],
    ['auto_restart', autoRestart, ['true', 'unexpected', 'Never', 'off']],
    ['byte_size', byteSize, ['50MB', '1kb', '10 MB', '1.5MB', '5B', '7']],
    ['octal_type', octal, ['022', '0o22', '8', '22']],
    ['list_of_exitcodes', exitCodes, ['0,2', '', '1,,2', '256', ' 3 ']],
    ['signal_number', signalNumber, ['TERM', 'sigkill', '15', '99', 'FOO', 'RTMIN']],
    ['process_or_group_name', processOrGroupName, ['web', ' web ', 'a b', 'a:b', 'a/b']],
  ];
  it.each(cases)('%s', (fn, ours, inputs) => {
    const theirs = python(fn, inputs);
    inputs.forEach((input, i) => {
      const expected = theirs[i];
      if (expected && 'ok' in expected) expect(ours(input)).toEqual(expected.ok);
      else expect(() => ours(input)).toThrow(expected?.err);
    });
  });
});
