import { afterEach, describe, expect, it } from 'vitest';
import {
  EventListenerPool,
  ManualClock,
  RejectEvent,
  Supervisor,
  type ActivityLogRecord,
  type BufferOverflowRecord,
  type ListenerStateChangeRecord,
  type SupervisorConfig,
  type SupervisorEvent,
} from '../../src/index.js';
import { FakeSpawner, type FakeChild } from '../helpers/fake-spawner.js';
import type { EventTypeName } from '../../src/events/types.js';

// Event listener pools in the simulated tier: real Supervisor, Process and pool code, a ManualClock and a
// fake spawner whose children the test makes speak the protocol (process.py EventListenerPool,
// dispatchers.py PEventListenerDispatcher).

const quiet = { stdoutLogfile: 'NONE', stderrLogfile: 'NONE' } as const;
const listener = (events: EventTypeName[], extra: Record<string, unknown> = {}) => ({
  command: 'sleep 100',
  events,
  startsecs: 1,
  ...quiet,
  ...extra,
});

let current: { sup: Supervisor; spawner: FakeSpawner } | undefined;

function setup(config: SupervisorConfig) {
  const clock = new ManualClock();
  const spawner = new FakeSpawner();
  const sup = new Supervisor(config, { clock, spawner });
  current = { sup, spawner };
  const logs: ActivityLogRecord[] = [];
  const states: ListenerStateChangeRecord[] = [];
  const overflows: BufferOverflowRecord[] = [];
  sup.on('log', (r) => logs.push(r));
  sup.on('listenerStateChange', (r) => states.push(r));
  sup.on('eventBufferOverflow', (r) => overflows.push(r));
  const pool = (name: string): EventListenerPool => {
    const g = sup.getGroup(name);
    if (!(g instanceof EventListenerPool)) throw new Error(`${name} is not a pool`);
    return g;
  };
  const messages = (level: ActivityLogRecord['level']) =>
    logs.filter((r) => r.level === level).map((r) => r.message);
  return { clock, spawner, sup, logs, states, overflows, pool, messages };
}

afterEach(async () => {
  if (!current) return;
  const { sup, spawner } = current;
  current = undefined;
  spawner.diesOnSignal = true;
  for (const c of spawner.children) c.diesOnSignal = true;
  await sup.shutdown();
  expect(sup.processes.every((p) => p.pid === 0)).toBe(true);
});

/** The envelopes written to a fake listener's stdin, parsed. */
function envelopes(child: FakeChild): { raw: string; header: Record<string, string>; payload: string }[] {
  return child.stdin.map((chunk) => {
    const raw = Buffer.from(chunk).toString('utf8');
    const nl = raw.indexOf('\n');
    const header = Object.fromEntries(
      raw
        .slice(0, nl)
        .split(' ')
        .map((f) => [f.slice(0, f.indexOf(':')), f.slice(f.indexOf(':') + 1)]),
    );
    return { raw, header, payload: raw.slice(nl + 1) };
  });
}

const names = (child: FakeChild) => envelopes(child).map((e) => e.header['eventname']);

describe('dispatch', () => {
  it('writes supervisord envelopes, only once the listener is RUNNING and READY', async () => {
    const { sup, spawner, clock } = setup({
      identifier: 'box',
      eventListeners: { ev: listener(['PROCESS_STATE', 'PROCESS_GROUP']) },
    });
    await sup.start();
    const l = spawner.last('ev');
    l.output('stdout', 'READY\n');
    expect(l.stdin).toEqual([]); // READY but still STARTING
    clock.advance(1000);
    const payload = 'groupname:ev\n';
    expect(envelopes(l)[0]!.raw).toBe(
      `ver:3.0 server:box serial:0 pool:ev poolserial:0 eventname:PROCESS_GROUP_ADDED len:${payload.length}\n${payload}`,
    );
    l.output('stdout', 'RESULT 2\nOK');
    expect(l.stdin).toHaveLength(1);
    l.output('stdout', 'READY\n');
    l.output('stdout', 'RESULT 2\nOKREADY\n');
    expect(envelopes(l).map((e) => `${e.header['serial']}/${e.header['poolserial']} ${e.payload}`)).toEqual([
      '0/0 groupname:ev\n',
      '1/1 processname:ev groupname:ev from_state:STOPPED tries:0',
      '2/2 processname:ev groupname:ev from_state:STARTING pid:1000',
    ]);
  });

  it('gives each event to the first RUNNING and READY listener of the pool, not round-robin', async () => {
    const { sup, spawner, clock } = setup({
      eventListeners: {
        ev: listener(['REMOTE_COMMUNICATION'], {
          numprocs: 2,
          processName: '%(program_name)s_%(process_num)d',
        }),
      },
    });
    await sup.start();
    clock.advance(1000);
    const [a, b] = [spawner.last('ev_0'), spawner.last('ev_1')];
    a.output('stdout', 'READY\n');
    b.output('stdout', 'READY\n');
    for (const n of ['1', '2', '3']) await sup.sendRemoteCommEvent('n', n);
    expect(envelopes(a).map((e) => e.payload)).toEqual(['type:n\n1']);
    expect(envelopes(b).map((e) => e.payload)).toEqual(['type:n\n2']);
    b.output('stdout', 'RESULT 2\nOKREADY\n');
    expect(envelopes(b).map((e) => e.payload)).toEqual(['type:n\n2', 'type:n\n3']);
    a.output('stdout', 'RESULT 2\nOKREADY\n');
    expect(a.stdin).toHaveLength(1);
  });

  it('counts len in UTF-8 bytes', async () => {
    const { sup, spawner, clock } = setup({ eventListeners: { ev: listener(['REMOTE_COMMUNICATION']) } });
    await sup.start();
    clock.advance(1000);
    const l = spawner.last('ev');
    l.output('stdout', 'READY\n');
    await sup.sendRemoteCommEvent('greeting', 'héllo wörld ✓');
    const [e] = envelopes(l);
    expect(Number(e!.header['len'])).toBe(Buffer.byteLength('type:greeting\nhéllo wörld ✓'));
    expect(e!.payload).toBe('type:greeting\nhéllo wörld ✓');
  });

  it('subscribing to an abstract type delivers its subtypes only', async () => {
    const { sup, spawner, clock } = setup({
      programs: { p: { command: 'sleep 100', autostart: false, ...quiet } },
      eventListeners: { ev: listener(['PROCESS_STATE']) },
    });
    await sup.start();
    clock.advance(1000);
    const l = spawner.last('ev');
    const answer = () => l.output('stdout', 'RESULT 2\nOKREADY\n');
    l.output('stdout', 'READY\n');
    await sup.sendRemoteCommEvent('ignored', '');
    answer();
    await sup.startProcess('p', false);
    for (let i = 0; i < 3; i++) answer();
    expect(names(l)).toEqual(['PROCESS_STATE_STARTING', 'PROCESS_STATE_RUNNING', 'PROCESS_STATE_STARTING']);
  });

  it("a listener's stdout is the protocol: logged, but never a PROCESS_LOG event", async () => {
    const { sup, spawner, clock } = setup({
      eventListeners: {
        ev: listener(['REMOTE_COMMUNICATION'], { stdoutEventsEnabled: true, stderrEventsEnabled: true }),
      },
    });
    const logged: SupervisorEvent[] = [];
    sup.on('PROCESS_LOG', (e) => logged.push(e));
    await sup.start();
    clock.advance(1000);
    const l = spawner.last('ev');
    l.output('stdout', 'READY\n');
    l.output('stderr', 'diagnostics\n');
    expect(logged.map((e) => e.type)).toEqual(['PROCESS_LOG_STDERR']);
  });
});

describe('buffer', () => {
  it('drops the oldest event when full, logs it and reports it', async () => {
    const { sup, spawner, clock, pool, overflows, messages } = setup({
      eventListeners: { ev: listener(['REMOTE_COMMUNICATION'], { bufferSize: 2 }) },
    });
    await sup.start();
    clock.advance(1000);
    for (const n of ['a', 'b', 'c']) await sup.sendRemoteCommEvent('n', n);
    expect(pool('ev').buffered).toBe(2);
    expect(pool('ev').stats.dropped).toBe(1);
    expect(messages('error')).toEqual(['pool ev event buffer overflowed, discarding event 0']);
    expect(overflows.map((o) => [o.pool, o.serial, o.poolserial, o.event.serialize()])).toEqual([
      ['ev', 0, 0, 'type:n\na'],
    ]);
    const l = spawner.last('ev');
    l.output('stdout', 'READY\n');
    l.output('stdout', 'RESULT 2\nOKREADY\n');
    expect(envelopes(l).map((e) => [e.header['serial'], e.payload])).toEqual([
      ['1', 'type:n\nb'],
      ['2', 'type:n\nc'],
    ]);
  });

  it('events nobody accepts take no serial; each pool numbers its own', async () => {
    const { sup, spawner, clock } = setup({
      eventListeners: {
        a: listener(['REMOTE_COMMUNICATION']),
        b: listener(['PROCESS_GROUP_REMOVED', 'REMOTE_COMMUNICATION']),
      },
    });
    await sup.start();
    clock.advance(1000);
    const [a, b] = [spawner.last('a'), spawner.last('b')];
    await sup.sendRemoteCommEvent('x', '1');
    a.output('stdout', 'READY\n');
    b.output('stdout', 'READY\n');
    expect(envelopes(a).map((e) => `${e.header['serial']}/${e.header['poolserial']}`)).toEqual(['0/0']);
    expect(envelopes(b).map((e) => `${e.header['serial']}/${e.header['poolserial']}`)).toEqual(['0/0']);
  });
});

describe('results', () => {
  it('FAIL rejects: the event goes back to the head of the buffer and is sent again, same serials', async () => {
    const { sup, spawner, clock, pool, messages } = setup({
      eventListeners: { ev: listener(['REMOTE_COMMUNICATION']) },
    });
    await sup.start();
    clock.advance(1000);
    const l = spawner.last('ev');
    await sup.sendRemoteCommEvent('n', 'first');
    await sup.sendRemoteCommEvent('n', 'second');
    l.output('stdout', 'READY\n');
    l.output('stdout', 'RESULT 4\nFAIL');
    expect(messages('warn')).toEqual(['ev: event was rejected']);
    expect(pool('ev').buffered).toBe(2);
    l.output('stdout', 'READY\n');
    l.output('stdout', 'RESULT 2\nOKREADY\n');
    const sent = envelopes(l);
    expect(sent.map((e) => e.payload)).toEqual(['type:n\nfirst', 'type:n\nfirst', 'type:n\nsecond']);
    expect(sent[1]!.raw).toBe(sent[0]!.raw);
    expect(pool('ev').stats).toMatchObject({ sent: 3, processed: 1, rejected: 1 });
  });

  it('a resultHandler function decides: false or RejectEvent rejects, another exception means UNKNOWN', async () => {
    const seen: string[] = [];
    const { sup, spawner, clock, pool, messages } = setup({
      eventListeners: {
        ev: listener(['REMOTE_COMMUNICATION'], {
          resultHandler: (event: SupervisorEvent, body: Buffer) => {
            seen.push(`${event.serialize()} -> ${body.toString()}`);
            if (body.toString() === 'no') return false;
            if (body.toString() === 'reject') throw new RejectEvent(body);
            if (body.toString() === 'boom') throw new Error('boom');
            return undefined;
          },
        }),
      },
    });
    await sup.start();
    clock.advance(1000);
    const l = spawner.last('ev');
    await sup.sendRemoteCommEvent('n', '1');
    // A listener answers only once it has the event: READY and RESULT in one write would break the protocol.
    for (const body of ['no', 'reject', 'sure']) {
      l.output('stdout', 'READY\n');
      l.output('stdout', `RESULT ${body.length}\n${body}`);
    }
    await sup.sendRemoteCommEvent('n', '2');
    l.output('stdout', 'READY\n');
    l.output('stdout', 'RESULT 4\nboom');
    expect(seen).toEqual([
      'type:n\n1 -> no',
      'type:n\n1 -> reject',
      'type:n\n1 -> sure',
      'type:n\n2 -> boom',
    ]);
    expect(pool('ev').getListenerState('ev')).toBe('UNKNOWN');
    expect(pool('ev').buffered).toBe(1); // the failed event waits for another listener
    expect(messages('warn')).toEqual([
      'ev: event was rejected',
      'ev: event was rejected',
      'ev: event caused an error',
      'ev: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol',
    ]);
  });

  it('a rejection in one pool does not leak into another pool (unlike supervisord 4.2.5)', async () => {
    const { sup, spawner, clock } = setup({
      eventListeners: { a: listener(['REMOTE_COMMUNICATION']), b: listener(['REMOTE_COMMUNICATION']) },
    });
    await sup.start();
    clock.advance(1000);
    const [a, b] = [spawner.last('a'), spawner.last('b')];
    a.output('stdout', 'READY\n');
    b.output('stdout', 'READY\n');
    await sup.sendRemoteCommEvent('n', '1');
    a.output('stdout', 'RESULT 4\nFAILREADY\n');
    b.output('stdout', 'RESULT 2\nOKREADY\n');
    expect(envelopes(a).map((e) => e.payload)).toEqual(['type:n\n1', 'type:n\n1']);
    expect(envelopes(b).map((e) => e.payload)).toEqual(['type:n\n1']);
  });
});

describe('listener states', () => {
  it('a protocol violation puts the listener in UNKNOWN until its process is restarted', async () => {
    const { sup, spawner, clock, pool, states, messages } = setup({
      eventListeners: { ev: listener(['REMOTE_COMMUNICATION']) },
    });
    await sup.start();
    clock.advance(1000);
    const first = spawner.last('ev');
    first.output('stdout', 'READY\n');
    first.output('stdout', 'oops, a print statement\n');
    expect(pool('ev').getListenerState('ev')).toBe('UNKNOWN');
    expect(messages('warn')).toEqual([
      'ev: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol',
    ]);
    await sup.sendRemoteCommEvent('n', 'waits');
    first.output('stdout', 'READY\n');
    expect(first.stdin).toEqual([]);
    expect(pool('ev').buffered).toBe(1);

    first.diesOnSignal = true;
    await sup.stopProcess('ev');
    await sup.startProcess('ev', false);
    clock.advance(1000);
    const second = spawner.last('ev');
    expect(pool('ev').getListenerState('ev')).toBe('ACKNOWLEDGED');
    second.output('stdout', 'READY\n');
    expect(envelopes(second).map((e) => e.payload)).toEqual(['type:n\nwaits']);
    expect(states.map((s) => `${s.from}>${s.to}`)).toEqual([
      'ACKNOWLEDGED>READY',
      'READY>UNKNOWN',
      'UNKNOWN>ACKNOWLEDGED',
      'ACKNOWLEDGED>READY',
      'READY>BUSY',
    ]);
  });

  it('a listener that dies while BUSY: its event is sent again to the restarted listener', async () => {
    const { sup, spawner, clock, pool } = setup({
      eventListeners: { ev: listener(['REMOTE_COMMUNICATION'], { autorestart: true }) },
    });
    await sup.start();
    clock.advance(1000);
    const first = spawner.last('ev');
    first.output('stdout', 'READY\n');
    await sup.sendRemoteCommEvent('n', 'important');
    expect(pool('ev').getListenerState('ev')).toBe('BUSY');
    first.exit(1);
    expect(pool('ev').buffered).toBe(1);
    clock.advance(0); // the restart comes on the next turn
    const second = spawner.last('ev');
    expect(second).not.toBe(first);
    second.output('stdout', 'READY\n');
    expect(second.stdin).toEqual([]); // STARTING: not yet
    clock.advance(1000);
    expect(envelopes(second).map((e) => e.raw)).toEqual(envelopes(first).map((e) => e.raw));
  });

  it('a removed pool stops listening before its PROCESS_GROUP_REMOVED', async () => {
    const { sup, spawner, clock, pool } = setup({
      eventListeners: { a: listener(['PROCESS_GROUP']), b: listener(['PROCESS_GROUP']) },
    });
    await sup.start();
    clock.advance(1000);
    const [a, b] = [spawner.last('a'), spawner.last('b')];
    a.output('stdout', 'READY\n');
    b.output('stdout', 'READY\n');
    b.output('stdout', 'RESULT 2\nOKREADY\n');
    a.diesOnSignal = true;
    const removed = pool('a');
    await sup.stopProcess('a');
    await sup.removeProcessGroup('a');
    expect(removed.buffered).toBe(0);
    expect(envelopes(b).map((e) => e.payload)).toEqual(['groupname:b\n', 'groupname:a\n']);
    expect(names(b)).toEqual(['PROCESS_GROUP_ADDED', 'PROCESS_GROUP_REMOVED']);
  });
});

describe('procvisor event types', () => {
  it('a pool subscribed to EVENT never gets PROCESS_HEALTH; one that names it does', async () => {
    const { pool, sup } = setup({
      eventListeners: { all: listener(['EVENT']), health: listener(['PROCESS_HEALTH']) },
    });
    await sup.start();
    expect(pool('all').subscribes('PROCESS_HEALTH')).toBe(false);
    expect(pool('all').subscribes('PROCESS_STATE_RUNNING')).toBe(true);
    expect(pool('health').subscribes('PROCESS_HEALTH')).toBe(true);
  });
});
