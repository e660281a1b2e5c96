/**
 * procvisor's one rule for its own durations: a number is milliseconds, text carries its unit; one parser
 * (`parseDuration`) for the config options and the waits alike.
 */
import { describe, expect, it } from 'vitest';
import { parseDuration, resolveConfig } from '../../src/index.js';

describe('parseDuration', () => {
  it.each([
    [0, 0],
    [250, 250],
    [0.5, 0.5],
    ['500ms', 500],
    ['20s', 20_000],
    ['1.5s', 1500],
    ['.5s', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['0s', 0],
  ] as const)('%j is %d ms', (value, ms) => {
    expect(parseDuration(value, 'timeout')).toBe(ms);
  });

  it.each([
    '20',
    '20 s',
    ' 20s',
    '20secs',
    '20S',
    '1m30s',
    '-5s',
    '5d',
    '',
    'soon',
    -1,
    Number.NaN,
    Infinity,
  ])('%j is not a duration: a TypeError quoting it', (value) => {
    expect(() => parseDuration(value as never, 'timeout')).toThrow(TypeError);
    expect(() => parseDuration(value as never, 'timeout')).toThrow(/^timeout: expected a duration/);
  });

  it('quotes text and numbers in its message', () => {
    expect(() => parseDuration('20 secs' as never, 'interval')).toThrow(
      "interval: expected a duration: milliseconds (a number, 0 or more) or text with a unit like '500ms', '20s', '2m', '1h'; got '20 secs'",
    );
    expect(() => parseDuration(-1, 'timeout')).toThrow(/; got -1$/);
  });
});

describe('the duration options resolve to milliseconds', () => {
  const resolve = (program: object) =>
    resolveConfig({ programs: { p: { command: 'x', ...program } } }).groups[0]!.processes[0]!;

  it('readiness timeout and interval, with their defaults', () => {
    expect(resolve({ readiness: { tcp: 80 } }).readiness).toMatchObject({ timeout: 30_000, interval: 100 });
    expect(resolve({ readiness: { tcp: 80, timeout: '20s', interval: 250 } }).readiness).toMatchObject({
      timeout: 20_000,
      interval: 250,
    });
  });

  it('healthcheck, backoff and retryAfterFatal', () => {
    const p = resolve({
      healthcheck: { exec: 'true', period: '1m', timeout: '2s', gracePeriod: '500ms' },
      backoff: { strategy: 'exponential', initial: '1s', max: '30s', resetAfter: '1h' },
      retryAfterFatal: '5m',
    });
    expect(p.healthcheck).toMatchObject({ period: 60_000, timeout: 2000, gracePeriod: 500 });
    expect(p.backoff).toMatchObject({ initial: 1000, max: 30_000, resetAfter: 3_600_000 });
    expect(p.retryAfterFatal).toBe(300_000);
    expect(resolve({ healthcheck: { exec: 'true' }, backoff: {} })).toMatchObject({
      healthcheck: { period: 10_000, timeout: 5000, gracePeriod: 0 },
      backoff: { initial: 1000, max: null, resetAfter: 0 },
    });
  });

  it("supervisord's own options stay seconds", () => {
    expect(resolve({ startsecs: 2, stopwaitsecs: 0.5 })).toMatchObject({ startsecs: 2, stopwaitsecs: 0.5 });
  });

  it('a wrong unit is a ConfigError naming the option and quoting the value', () => {
    expect(() => resolve({ retryAfterFatal: '5 min' })).toThrow(
      "programs.p.retryAfterFatal: expected a duration: milliseconds (a number, 0 or more) or text with a unit like '500ms', '20s', '2m', '1h'; got '5 min'",
    );
    expect(() => resolve({ healthcheck: { exec: 'true', period: 0 } })).toThrow(
      'period: period must be more than 0',
    );
  });
});
