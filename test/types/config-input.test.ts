// The hand-written input types (src/config/input/) against the zod schemas, at compile time: `npm run
// typecheck` (tsc over test/) checks these, including that each `@ts-expect-error` line is an error.
//  - both ways on keys: every option of an interface is in its schema, and every schema option is in the
//    interface;
//  - every value an interface allows is accepted by its schema's input type (the schema also takes
//    supervisord's text forms, which the interfaces leave out on purpose).
import type { z } from 'zod';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  BackoffDefinition,
  EventListenerConfig,
  GroupDefinition,
  HealthcheckDefinition,
  ProgramConfig,
  ReadinessDefinition,
  SupervisorConfig,
} from '../../src/index.js';
import type {
  EventListenerSchemaInput,
  GroupSchemaInput,
  ProgramSchemaInput,
  SupervisorSchemaInput,
} from '../../src/config/schema/index.js';
import type { healthcheck } from '../../src/config/schema/health.js';
import type { readiness } from '../../src/config/schema/readiness.js';
import type { retryOptions } from '../../src/config/schema/retry.js';

// The interfaces take readonly arrays, zod's input types mutable ones: the same values at run time.
// (`string & {}`, the type of a log file path, is a primitive to keep, not an object to map.)
type DeepMutable<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends (...args: never[]) => unknown
    ? T
    : T extends RegExp
      ? T
      : T extends readonly (infer U)[]
        ? DeepMutable<U>[]
        : T extends object
          ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
          : T;
// The keys of each member of a union.
type KeysOf<T> = T extends unknown ? keyof T : never;

type ReadinessInput = NonNullable<z.input<typeof readiness>>;
type HealthcheckInput = NonNullable<z.input<typeof healthcheck>>;
type BackoffInput = NonNullable<z.input<typeof retryOptions.backoff>>;

describe('the input interfaces and the schemas agree', () => {
  it('have the same options, both ways', () => {
    expectTypeOf<keyof ProgramConfig>().toEqualTypeOf<keyof ProgramSchemaInput>();
    expectTypeOf<keyof EventListenerConfig>().toEqualTypeOf<keyof EventListenerSchemaInput>();
    expectTypeOf<keyof GroupDefinition>().toEqualTypeOf<keyof GroupSchemaInput>();
    expectTypeOf<keyof SupervisorConfig>().toEqualTypeOf<keyof SupervisorSchemaInput>();
    expectTypeOf<KeysOf<ReadinessDefinition>>().toEqualTypeOf<KeysOf<ReadinessInput>>();
    expectTypeOf<KeysOf<HealthcheckDefinition>>().toEqualTypeOf<KeysOf<HealthcheckInput>>();
    expectTypeOf<keyof BackoffDefinition>().toEqualTypeOf<keyof BackoffInput>();
  });

  it('allow only values the schemas accept', () => {
    expectTypeOf<DeepMutable<ProgramConfig>>().toExtend<ProgramSchemaInput>();
    expectTypeOf<DeepMutable<EventListenerConfig>>().toExtend<EventListenerSchemaInput>();
    expectTypeOf<DeepMutable<GroupDefinition>>().toExtend<GroupSchemaInput>();
    expectTypeOf<DeepMutable<SupervisorConfig>>().toExtend<SupervisorSchemaInput>();
    expectTypeOf<DeepMutable<ReadinessDefinition>>().toExtend<ReadinessInput>();
    expectTypeOf<DeepMutable<HealthcheckDefinition>>().toExtend<HealthcheckInput>();
    expectTypeOf<DeepMutable<BackoffDefinition>>().toExtend<BackoffInput>();
  });

  it('are narrower than the schemas: no supervisord text for a number or a boolean', () => {
    expectTypeOf<ProgramSchemaInput>().not.toExtend<ProgramConfig>();
    expectTypeOf<{ command: 'x'; numprocs: '3' }>().toExtend<ProgramSchemaInput>();
    expectTypeOf<{ command: 'x'; numprocs: '3' }>().not.toExtend<ProgramConfig>();
  });
});

describe('tsc --strict rejects wrong values and accepts the right forms', () => {
  it('rejects', () => {
    const wrong: ProgramConfig[] = [
      // @ts-expect-error numprocs is a number
      { command: 'x', numprocs: 'three' },
      // @ts-expect-error not a signal name
      { command: 'x', stopsignal: 'TERMINATE' },
      // @ts-expect-error autorestart is true, false or 'unexpected'
      { command: 'x', autorestart: 'sometimes' },
      // @ts-expect-error startsecs is a number of seconds
      { command: 'x', startsecs: 'soon' },
      // @ts-expect-error a byte size is a number or '50MB'
      { command: 'x', stdoutLogfileMaxbytes: '50 megs' },
      // @ts-expect-error supervisord's text for a number is for the INI entry
      { command: 'x', priority: '100' },
      // @ts-expect-error supervisord's text for a boolean is for the INI entry
      { command: 'x', autostart: 'yes' },
      // @ts-expect-error a Duration needs its unit when it is text
      { command: 'x', readiness: { tcp: 8080, timeout: '20' } },
      // @ts-expect-error 'secs' is not a unit of a Duration
      { command: 'x', readiness: { tcp: 8080, timeout: '20secs' } },
      // @ts-expect-error misspelt: the error names ProgramConfig
      { command: 'x', autorestrat: true },
    ];
    void wrong;
  });

  it('accepts', () => {
    const right: ProgramConfig[] = [
      { command: 'x', stopsignal: 'TERM' },
      { command: 'x', stopsignal: 'SIGINT' },
      { command: 'x', stopsignal: 9 },
      { command: 'x', stdoutLogfileMaxbytes: '50MB' },
      { command: 'x', stdoutLogfileMaxbytes: 1024 },
      { command: 'x', stderrLogfileMaxbytes: '64KB', stdoutCaptureMaxbytes: '1GB' },
      { command: 'x', autorestart: 'unexpected' },
      { command: 'x', autorestart: true },
      { command: 'x', numprocs: 3, processName: '%(program_name)s-%(process_num)d', startsecs: 0.5 },
      { command: 'x', stdoutLogfile: 'AUTO', stderrLogfile: 'NONE' },
      { command: 'x', stdoutLogfile: '/var/log/x.log', stderrLogfile: null },
      { command: 'x', readiness: { tcp: 8080, timeout: '20s', interval: 250 } },
      { command: 'x', readiness: { pattern: /ready/, timeout: 1500 } },
      { command: 'x', healthcheck: { exec: ['true'], period: '1m', timeout: '500ms', gracePeriod: '1.5s' } },
      { command: 'x', backoff: { strategy: 'exponential', initial: '1s', max: '1h' }, retryAfterFatal: '5m' },
      { command: ['x'], socket: 'unix:///tmp/x.sock', socketMode: 0o660, umask: 0o022 },
    ];
    const pool: EventListenerConfig = { command: 'x', events: ['PROCESS_STATE', 'TICK_60'], bufferSize: 5 };
    // @ts-expect-error a pool has no FastCGI socket
    const socketPool: EventListenerConfig = { command: 'x', events: ['TICK_5'], socket: 'tcp://:9000' };
    // @ts-expect-error not an event type
    const badEvent: EventListenerConfig = { command: 'x', events: ['PROCESS_CRASHED'] };
    const top: SupervisorConfig = {
      loglevel: 'debug',
      logfileMaxbytes: '1MB',
      groups: { g: { programs: ['a'] } },
    };
    void [right, pool, socketPool, badEvent, top];
  });
});
