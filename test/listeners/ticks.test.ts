import { afterEach, describe, expect, it } from 'vitest';
import {
  ManualClock,
  Supervisor,
  TickEvent,
  type SupervisorConfig,
  type SupervisorEvent,
} from '../../src/index.js';
import { timeslice } from '../../src/listeners/ticks.js';
import { FakeSpawner } from '../helpers/fake-spawner.js';

// TICK_5 / TICK_60 / TICK_3600 on a manual clock (supervisord.py Supervisor.tick): aligned on the wall
// clock, `when` = start of the new period, a timer only while someone subscribes.

const HOUR = Date.UTC(2026, 0, 1, 1); // 01:00:00 UTC
let current: Supervisor | undefined;

function setup(wallStart: number, config: SupervisorConfig = {}) {
  const clock = new ManualClock(1_000_000, wallStart);
  const spawner = new FakeSpawner();
  spawner.diesOnSignal = true; // so shutdown() completes
  const sup = new Supervisor(config, { clock, spawner });
  current = sup;
  const ticks: string[] = [];
  const record = (e: SupervisorEvent) => ticks.push(`${e.type} ${e.serialize()}`);
  return { clock, spawner, sup, ticks, record };
}

afterEach(async () => {
  const sup = current;
  current = undefined;
  await sup?.shutdown();
});

describe('TICK events', () => {
  it('timeslice is supervisord’s int(now - now % period)', () => {
    expect(timeslice(5, 1767229203.75)).toBe(1767229200);
    expect(timeslice(60, 1767229259.999)).toBe(1767229200);
    expect(timeslice(3600, 1767229200)).toBe(1767229200);
  });

  it('no timer while nobody subscribes; one while someone does', async () => {
    const { clock, sup, record } = setup(HOUR + 2_500);
    sup.on('TICK_5', record);
    expect(clock.pending).toBe(0); // not before start()
    await sup.start();
    expect(clock.pending).toBe(1);
    sup.off('TICK_5', record);
    expect(clock.pending).toBe(0);
    sup.once('TICK', record);
    expect(clock.pending).toBe(1);
    clock.advance(2_500);
    expect(clock.pending).toBe(0); // the once listener is gone
    sup.on('EVENT', record);
    expect(clock.pending).toBe(1);
    sup.removeAllListeners('EVENT');
    expect(clock.pending).toBe(0);
  });

  it('the first period is recorded silently; each boundary emits with when = its start, 5 before 60 before 3600', async () => {
    const { clock, sup, ticks, record } = setup(HOUR - 7_000); // 00:59:53
    sup.on('TICK', record);
    await sup.start();
    clock.advance(2_000); // 00:59:55
    clock.advance(5_000); // 01:00:00
    clock.advance(4_999);
    clock.advance(1); // 01:00:05
    const s = HOUR / 1000;
    expect(ticks).toEqual([
      `TICK_5 when:${s - 5}`,
      `TICK_5 when:${s}`,
      `TICK_60 when:${s}`,
      `TICK_3600 when:${s}`,
      `TICK_5 when:${s + 5}`,
    ]);
  });

  it('a subscription to TICK_60 alone wakes up once a minute', async () => {
    const { clock, sup, ticks, record } = setup(HOUR + 1_000);
    sup.on('TICK_60', record);
    await sup.start();
    clock.advance(58_999);
    expect(ticks).toEqual([]);
    clock.advance(1);
    expect(ticks).toEqual([`TICK_60 when:${HOUR / 1000 + 60}`]);
    expect(clock.pending).toBe(1);
  });

  it('stops at shutdown', async () => {
    const { clock, sup, record } = setup(HOUR);
    sup.on('TICK_5', record);
    await sup.start();
    expect(clock.pending).toBe(1);
    await sup.shutdown();
    expect(clock.pending).toBe(0);
  });

  it('a listener pool subscribed to TICK_60 (or to TICK, or EVENT) keeps the timer running', async () => {
    const { clock, spawner, sup } = setup(HOUR + 30_000, {
      eventListeners: {
        ev: {
          command: 'sleep 100',
          events: ['TICK_60'],
          startsecs: 1,
          stdoutLogfile: 'NONE',
          stderrLogfile: 'NONE',
        },
      },
    });
    await sup.start();
    clock.advance(1_000);
    const l = spawner.last('ev');
    l.output('stdout', 'READY\n');
    const timers = clock.pending;
    expect(timers).toBe(1); // the tick timer (startsecs has fired)
    clock.advance(29_000);
    const when = HOUR / 1000 + 60;
    const payload = `when:${when}`;
    expect(l.stdin.map((c) => Buffer.from(c).toString())).toEqual([
      `ver:3.0 server:supervisor serial:0 pool:ev poolserial:0 eventname:TICK_60 len:${payload.length}\n${payload}`,
    ]);
  });

  it('TickEvent carries its period and when', () => {
    const e = new TickEvent(3600, 1767229200);
    expect([e.type, e.period, e.when, e.serialize()]).toEqual([
      'TICK_3600',
      3600,
      1767229200,
      'when:1767229200',
    ]);
  });
});
