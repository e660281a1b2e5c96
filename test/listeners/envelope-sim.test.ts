/**
 * The envelopes a pool writes, byte for byte, in the simulated tier (a ManualClock and a fake spawner):
 * supervisord's header line, then the payload as `serialize()` encodes it (`process.py _eventEnvelope`).
 * The pool writes an output event's data as read when that gives the same bytes, so these cases cover the
 * data it must re-encode too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, Supervisor, type SupervisorEvent } from '../../src/index.js';
import { FakeSpawner } from '../helpers/fake-spawner.js';

const quiet = { stdoutLogfile: 'NONE', stderrLogfile: 'NONE' } as const;
let current: { sup: Supervisor; spawner: FakeSpawner } | undefined;

afterEach(async () => {
  if (!current) return;
  const { sup, spawner } = current;
  current = undefined;
  for (const c of spawner.children) c.diesOnSignal = true;
  await sup.shutdown();
  expect(sup.processes.every((p) => p.pid === 0)).toBe(true);
});

describe('envelopes', () => {
  it("an output event's payload is the bytes of serialize(), whatever the data", async () => {
    const clock = new ManualClock();
    const spawner = new FakeSpawner();
    spawner.diesOnSignal = true;
    const sup = new Supervisor(
      {
        programs: {
          p: { command: 'sleep 100', autostart: false, stdoutCaptureMaxbytes: '1MB', ...quiet },
        },
        eventListeners: {
          ev: { command: 'sleep 100', events: ['PROCESS_COMMUNICATION'], startsecs: 1, ...quiet },
        },
      },
      { clock, spawner },
    );
    current = { sup, spawner };
    const sent: SupervisorEvent[] = [];
    sup.on('PROCESS_COMMUNICATION', (e) => sent.push(e));
    await sup.start();
    clock.advance(1000);
    const l = spawner.last('ev');
    l.output('stdout', 'READY\n');
    await sup.startProcess('p', false);
    const p = spawner.last('p');
    const datas = [
      Buffer.from('héllo wörld ✓'),
      Buffer.from([0x61, 0xff, 0x0a, 0x27]),
      Buffer.from([0xef, 0xbb, 0xbf, 0x62]),
    ];
    for (const data of datas) {
      p.observer.output(
        'stdout',
        Buffer.concat([Buffer.from('<!--XSUPERVISOR:BEGIN-->'), data, Buffer.from('<!--XSUPERVISOR:END-->')]),
      );
      l.output('stdout', 'RESULT 2\nOKREADY\n');
    }
    expect(sent.map((e) => Buffer.from((e as { data: Uint8Array }).data))).toEqual(datas);
    expect(l.stdin.map((chunk) => Buffer.from(chunk))).toEqual(
      sent.map((e, i) => {
        const payload = Buffer.from(e.serialize(), 'utf8');
        const header =
          `ver:3.0 server:supervisor serial:${i} pool:ev poolserial:${i} ` +
          `eventname:PROCESS_COMMUNICATION_STDOUT len:${payload.length}\n`;
        return Buffer.concat([Buffer.from(header), payload]);
      }),
    );
  });
});
