// Type tests of the public API, as users import it. `expectTypeOf` does nothing at run time: `npm run
// typecheck` (tsc over test/) is what checks these, including that each `@ts-expect-error` line is an error.
import { describe, expectTypeOf, it } from 'vitest';
import type { ProcessStateEvent, TickEvent } from '../../src/index.js';
import {
  ConfigError,
  ERROR_CODES,
  Supervisor,
  SupervisorError,
  WaitTimeoutError,
  type AutoRestart,
  type ByteSize,
  type EventTypeName,
  type LogfilePath,
  type Signal,
  type ConfigIssue,
  type ErrorCode,
  type EventListenerConfig,
  type FaultName,
  type GroupDefinition,
  type ProcessConfig,
  type ProcessGroupEvent,
  type ProcessHealthEvent,
  type ProcessInfo,
  type ProcessLogEvent,
  type ProcessStateName,
  type ProgramConfig,
  type RemoteCommunicationEvent,
  type SupervisorConfig,
  type SupervisorEvent,
  type SupervisorStateChangeEvent,
  type ProcessCommunicationEvent,
} from '../../src/index.js';
import { parseIni, type IniConfig } from '../../src/ini/index.js';
import * as api from '../../src/index.js';
import {
  configJsonSchema,
  validateConfig,
  type ConfigValidation,
  type JsonSchema,
  type ResolvedConfig,
} from '../../src/index.js';

describe('config inference', () => {
  it('types every option with its one JavaScript value, not its supervisord text', () => {
    expectTypeOf<ProgramConfig['autorestart']>().toEqualTypeOf<boolean | 'unexpected' | undefined>();
    expectTypeOf<ProgramConfig['startsecs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ProgramConfig['numprocs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ProgramConfig['stopsignal']>().toEqualTypeOf<Signal | undefined>();
    expectTypeOf<ProgramConfig['stdoutLogfileMaxbytes']>().toEqualTypeOf<ByteSize | undefined>();
    expectTypeOf<ProgramConfig['stdoutLogfile']>().toEqualTypeOf<LogfilePath | undefined>();
    expectTypeOf<ProgramConfig['environment']>().toEqualTypeOf<
      Record<string, string | number | boolean> | undefined
    >();
    type Condition = 'started' | 'ready' | 'exited-ok';
    expectTypeOf<ProgramConfig['dependsOn']>().toEqualTypeOf<
      Record<string, Condition | { condition?: Condition; onExit?: 'stop' | 'restart' }> | undefined
    >();
  });

  it('requires command and nothing else', () => {
    expectTypeOf<ProgramConfig['command']>().toEqualTypeOf<string | readonly string[]>();
    expectTypeOf<{ command: 'node server.js' }>().toExtend<ProgramConfig>();
    expectTypeOf<{ command: ['node', 'server.js'] }>().toExtend<ProgramConfig>();
    expectTypeOf<{ numprocs: 2 }>().not.toExtend<ProgramConfig>();
    // @ts-expect-error command is required
    const noCommand: ProgramConfig = { autostart: true };
    void noCommand;
  });

  it('rejects a misspelt option at compile time, as the schema does at run time', () => {
    const config: SupervisorConfig = {
      programs: {
        // @ts-expect-error `autorestrat` is not an option
        web: { command: 'node server.js', autorestrat: true },
      },
    };
    // @ts-expect-error `program` is not a top-level option (it is `programs`)
    const topLevel: SupervisorConfig = { program: {} };
    void config;
    void topLevel;
  });

  it('types readiness kinds and dependsOn conditions', () => {
    const ok: ProgramConfig = {
      command: 'node server.js',
      readiness: { http: 'http://127.0.0.1:8080/health', timeout: '20s' },
      dependsOn: { db: 'ready', migrate: 'exited-ok' },
    };
    const tcp: ProgramConfig = { command: 'x', readiness: { tcp: { port: 5432 } } };
    const check: ProgramConfig = {
      command: 'x',
      readiness: { check: ({ pid }) => pid > 0, interval: '500ms' },
    };
    // @ts-expect-error a readiness needs a kind (pattern, tcp, http or check)
    const noKind: ProgramConfig = { command: 'x', readiness: { timeout: 5 } };
    // (Two kinds at once, `{ tcp, http }`, type-checks, as TypeScript merges the members of a union of object
    // types for excess-property checks; the schema rejects it at run time.)
    // @ts-expect-error 'up' is not a dependsOn condition
    const badDep: ProgramConfig = { command: 'x', dependsOn: { db: 'up' } };
    void [ok, tcp, check, noKind, badDep];
  });

  it('types groups, event listener pools and the resolved config', () => {
    expectTypeOf<GroupDefinition['programs']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<EventListenerConfig['events']>().toEqualTypeOf<readonly EventTypeName[]>();
    expectTypeOf<EventListenerConfig>().toHaveProperty('bufferSize');
    const pool: SupervisorConfig = {
      eventListeners: { watcher: { command: 'node listener.js', events: ['PROCESS_STATE_EXITED'] } },
    };
    void pool;
    // After resolution every option has its one type.
    expectTypeOf<ProcessConfig['autorestart']>().toEqualTypeOf<AutoRestart>();
    expectTypeOf<AutoRestart>().toEqualTypeOf<boolean | 'unexpected'>();
    expectTypeOf<ProcessConfig['startsecs']>().toEqualTypeOf<number>();
    expectTypeOf(parseIni).returns.toEqualTypeOf<IniConfig>();
    expectTypeOf<IniConfig>().toExtend<SupervisorConfig>();
  });
});

describe('validation and the JSON Schema', () => {
  it('validateConfig returns a result to narrow on ok, in our own types', () => {
    expectTypeOf(validateConfig).parameter(0).toEqualTypeOf<unknown>();
    expectTypeOf(validateConfig).returns.toEqualTypeOf<ConfigValidation>();
    const check = (input: unknown): ResolvedConfig | readonly ConfigIssue[] => {
      const result = validateConfig(input);
      if (result.ok) {
        expectTypeOf(result.config).toEqualTypeOf<ResolvedConfig>();
        // @ts-expect-error a valid result has no error
        void result.error;
        return result.config;
      }
      expectTypeOf(result.error).toEqualTypeOf<ConfigError>();
      return result.error.issues;
    };
    void check;
  });

  it('exports the JSON Schema as data, and no zod schema', () => {
    expectTypeOf(configJsonSchema).toEqualTypeOf<JsonSchema>();
    expectTypeOf(configJsonSchema.$schema).toEqualTypeOf<string>();
    expectTypeOf(api).not.toHaveProperty('configSchema');
    expectTypeOf(api).not.toHaveProperty('programSchema');
    expectTypeOf(api).not.toHaveProperty('groupSchema');
    expectTypeOf(api).not.toHaveProperty('eventListenerSchema');
  });
});

describe('events', () => {
  it('narrows the payload by the type listened to', () => {
    // Never called: only compiled (a Supervisor is not constructed for a type test).
    const listen = (sup: Supervisor): void => {
      sup.on('PROCESS_STATE_EXITED', (e) => {
        expectTypeOf(e).toEqualTypeOf<ProcessStateEvent>();
        expectTypeOf(e.expected).toEqualTypeOf<boolean | undefined>();
        expectTypeOf(e.state).toEqualTypeOf<ProcessStateName>();
      });
      sup.on('PROCESS_STATE', (e) => expectTypeOf(e).toEqualTypeOf<ProcessStateEvent>());
      sup.on('PROCESS_LOG_STDOUT', (e) => expectTypeOf(e.data).toEqualTypeOf<Uint8Array>());
      sup.on('TICK_60', (e) => expectTypeOf(e.when).toEqualTypeOf<number>());
      sup.on('TICK', (e) => expectTypeOf(e).toEqualTypeOf<TickEvent>());
      sup.on('REMOTE_COMMUNICATION', (e) => expectTypeOf(e.remoteType).toEqualTypeOf<string>());
      sup.on('PROCESS_GROUP_ADDED', (e) => expectTypeOf(e.groupName).toEqualTypeOf<string>());
      sup.on('EVENT', (e) => expectTypeOf(e).toEqualTypeOf<SupervisorEvent>());
      sup.on('log', (r) => expectTypeOf(r.message).toEqualTypeOf<string>());
      // @ts-expect-error not an event type
      sup.on('PROCESS_STATE_CRASHED', () => {});
    };
    void listen;
  });

  it('narrows the EVENT union with switch (e.type), exhaustively', () => {
    const describeEvent = (e: SupervisorEvent): string => {
      switch (e.type) {
        case 'PROCESS_STATE_STOPPED':
        case 'PROCESS_STATE_STARTING':
        case 'PROCESS_STATE_RUNNING':
        case 'PROCESS_STATE_BACKOFF':
        case 'PROCESS_STATE_STOPPING':
        case 'PROCESS_STATE_EXITED':
        case 'PROCESS_STATE_FATAL':
        case 'PROCESS_STATE_UNKNOWN':
          expectTypeOf(e).toEqualTypeOf<ProcessStateEvent>();
          return `${e.processName} ${e.fromState} -> ${e.state}`;
        case 'PROCESS_LOG_STDOUT':
        case 'PROCESS_LOG_STDERR':
          expectTypeOf(e).toEqualTypeOf<ProcessLogEvent>();
          return e.channel;
        case 'PROCESS_COMMUNICATION_STDOUT':
        case 'PROCESS_COMMUNICATION_STDERR':
          expectTypeOf(e).toEqualTypeOf<ProcessCommunicationEvent>();
          return e.channel;
        case 'REMOTE_COMMUNICATION':
          expectTypeOf(e).toEqualTypeOf<RemoteCommunicationEvent>();
          return e.remoteType;
        case 'SUPERVISOR_STATE_CHANGE_RUNNING':
        case 'SUPERVISOR_STATE_CHANGE_STOPPING':
          expectTypeOf(e).toEqualTypeOf<SupervisorStateChangeEvent>();
          return e.type;
        case 'TICK_5':
        case 'TICK_60':
        case 'TICK_3600':
          expectTypeOf(e).toEqualTypeOf<TickEvent>();
          return String(e.period);
        case 'PROCESS_GROUP_ADDED':
        case 'PROCESS_GROUP_REMOVED':
          expectTypeOf(e).toEqualTypeOf<ProcessGroupEvent>();
          return e.groupName;
        case 'PROCESS_HEALTH':
          expectTypeOf(e).toEqualTypeOf<ProcessHealthEvent>();
          return e.health;
        default:
          expectTypeOf(e).toBeNever();
          return e;
      }
    };
    void describeEvent;
  });
});

describe('errors', () => {
  it('has a closed union of codes', () => {
    expectTypeOf<SupervisorError['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<ConfigError['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<WaitTimeoutError['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf(ERROR_CODES).toEqualTypeOf<readonly ErrorCode[]>();
    expectTypeOf<'BAD_NAME'>().toExtend<ErrorCode>();
    expectTypeOf<'CONFIG_ERROR'>().toExtend<ErrorCode>();
    expectTypeOf<'WAIT_FAILED'>().toExtend<ErrorCode>();
    // SUCCESS is a fault name (80) but never an error.
    expectTypeOf<'SUCCESS'>().toExtend<FaultName>();
    expectTypeOf<'SUCCESS'>().not.toExtend<ErrorCode>();
    expectTypeOf<'NOT_A_CODE'>().not.toExtend<ErrorCode>();
  });

  it('narrows with instanceof and a comparison on code', () => {
    const handle = (err: unknown): void => {
      if (err instanceof ConfigError) expectTypeOf(err.issues).toEqualTypeOf<readonly ConfigIssue[]>();
      if (err instanceof WaitTimeoutError) expectTypeOf(err.output).toEqualTypeOf<readonly string[]>();
      if (err instanceof SupervisorError && err.code === 'ALREADY_STARTED') {
        expectTypeOf(err.code).toEqualTypeOf<'ALREADY_STARTED'>();
        expectTypeOf(err.faultCode).toEqualTypeOf<number>();
      }
      // @ts-expect-error a misspelt code never matches, and tsc says so
      if (err instanceof SupervisorError && err.code === 'ALREADY_STRATED') return;
    };
    void handle;
  });
});

describe('control API', () => {
  it('returns supervisord structs as promises', () => {
    expectTypeOf<Supervisor['getProcessInfo']>().returns.toEqualTypeOf<Promise<ProcessInfo>>();
    expectTypeOf<ProcessInfo['statename']>().toExtend<string>();
    expectTypeOf(Supervisor.launch).returns.toEqualTypeOf<Promise<Supervisor>>();
    expectTypeOf<Supervisor>().toHaveProperty(Symbol.asyncDispose);
  });
});
