import { describe, expect, it } from 'vitest';
import { ListenerProtocol, MAX_RESULT_LINE } from '../../src/listeners/protocol.js';
import type { ListenerStateName } from '../../src/listeners/types.js';

// The listener side of the protocol as a pure parser (dispatchers.py PEventListenerDispatcher).

function setup(answer: (body: Buffer) => 'ACKNOWLEDGED' | 'UNKNOWN' = () => 'ACKNOWLEDGED') {
  const log: string[] = [];
  const p = new ListenerProtocol({
    change: (from: ListenerStateName, to: ListenerStateName) => log.push(`${from}>${to}`),
    result: (body) => {
      log.push(`result ${JSON.stringify(body.toString('latin1'))}`);
      return answer(body);
    },
    badResultLine: (line) => log.push(`bad ${line}`),
  });
  const feed = (s: string | Buffer) => p.feed(Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1'));
  return { p, log, feed };
}

describe('ListenerProtocol', () => {
  it('starts ACKNOWLEDGED and becomes READY on READY\\n, even split over chunks', () => {
    const { p, log, feed } = setup();
    expect(p.state).toBe('ACKNOWLEDGED');
    feed('REA');
    expect(p.state).toBe('ACKNOWLEDGED');
    feed('DY\n');
    expect(p.state).toBe('READY');
    expect(log).toEqual(['ACKNOWLEDGED>READY']);
  });

  it('a full cycle: BUSY, the result line and body (split anywhere), then ACKNOWLEDGED and READY again', () => {
    const { p, log, feed } = setup();
    feed('READY\n');
    p.sent();
    for (const c of 'RESULT 2\nOKREADY\n') feed(c);
    expect(log).toEqual([
      'ACKNOWLEDGED>READY',
      'READY>BUSY',
      'result "OK"',
      'BUSY>ACKNOWLEDGED',
      'ACKNOWLEDGED>READY',
    ]);
    expect(p.state).toBe('READY');
  });

  it('parses the length as Python int() does, without checking the RESULT word', () => {
    for (const line of ['RESULT 4', 'RESULT  4 ', 'RESULT +4', 'XXXXXXX4', 'RESULT 0_4']) {
      const { p, log, feed } = setup();
      feed('READY\n');
      p.sent();
      feed(`${line}\nFAIL`);
      expect(log, line).toContain('result "FAIL"');
    }
  });

  it('RESULT 0 hands an empty body over at once', () => {
    const { p, log, feed } = setup();
    feed('READY\n');
    p.sent();
    feed('RESULT 0\n');
    expect(log).toContain('result ""');
    expect(p.state).toBe('ACKNOWLEDGED');
  });

  it('a bad result line is reported, then UNKNOWN; everything after is ignored', () => {
    const { p, log, feed } = setup();
    feed('READY\n');
    p.sent();
    feed('RESULT two\nOK');
    expect(log.slice(-2)).toEqual(['bad RESULT two', 'BUSY>UNKNOWN']);
    feed('READY\n');
    expect(p.state).toBe('UNKNOWN');
  });

  it('negative lengths and non-UTF-8 result lines are bad result lines', () => {
    const a = setup();
    a.feed('READY\n');
    a.p.sent();
    a.feed('RESULT -1\n');
    expect(a.p.state).toBe('UNKNOWN');
    const b = setup();
    b.feed('READY\n');
    b.p.sent();
    b.feed(Buffer.concat([Buffer.from('RESULT '), Buffer.from([0xff, 0x0a])]));
    expect(b.log).toContain("bad Undecodable: b'RESULT \\xff'");
  });

  it('anything else than READY\\n first, or any output while READY, is a protocol violation', () => {
    const a = setup();
    a.feed('hello world\n');
    expect(a.p.state).toBe('UNKNOWN');
    const b = setup();
    b.feed('READY\nx');
    expect(b.p.state).toBe('UNKNOWN');
    expect(b.log).toEqual(['ACKNOWLEDGED>READY', 'READY>UNKNOWN']);
  });

  it('a result handler failure makes it UNKNOWN', () => {
    const { p, feed } = setup(() => 'UNKNOWN');
    feed('READY\n');
    p.sent();
    feed('RESULT 2\nOKREADY\n');
    expect(p.state).toBe('UNKNOWN');
  });

  it('a result body sent a byte at a time is held in one Buffer, then handed over whole', () => {
    const { p, log, feed } = setup();
    feed('READY\n');
    p.sent();
    feed('RESULT 10000\n');
    const body = Buffer.alloc(10_000, 'r');
    for (let i = 0; i < body.length; i++) {
      feed(body.subarray(i, i + 1));
      if (i < body.length - 1) {
        expect(p._held.buffers).toBeLessThanOrEqual(1);
        expect(p._held.bytes).toBeLessThanOrEqual(Math.max(64, 2 * (i + 1)));
      }
    }
    expect(log).toContain(`result ${JSON.stringify(body.toString('latin1'))}`);
    expect(p.state).toBe('ACKNOWLEDGED');
    expect(p._held).toEqual({ bytes: 0, buffers: 0 });
  });

  it(`a result line without a newline after ${MAX_RESULT_LINE} bytes is a bad result line, not held`, () => {
    const { p, log, feed } = setup();
    feed('READY\n');
    p.sent();
    feed('RESULT ');
    for (let i = 0; i < 10_000; i++) feed(' ');
    expect(p.state).toBe('UNKNOWN');
    expect(log.slice(-2)).toEqual([`bad RESULT ${' '.repeat(MAX_RESULT_LINE - 7)}`, 'BUSY>UNKNOWN']);
    expect(p._held.bytes).toBe(0);
  });
});
