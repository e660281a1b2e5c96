/**
 * The output dispatcher (capture mode, BoundIO, strip_ansi) against supervisord's own POutputDispatcher,
 * fed the same chunks; plus literal cases from the reference (§4.5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BEGIN_TOKEN,
  BoundBuffer,
  END_TOKEN,
  OutputDispatcher,
  findPrefixAtEnd,
  stripEscapes,
} from '../../src/logging/dispatcher.js';
import { hasSupervisordPython, supervisordDispatch, type DispatcherRun } from './supervisord-python.js';

const B = BEGIN_TOKEN.toString();
const E = END_TOKEN.toString();

/** Runs our dispatcher over chunks; same shape as the Python run. */
function ours(chunks: Buffer[], captureMaxbytes: number, stripAnsi: boolean): DispatcherRun {
  const log: Buffer[] = [];
  const events: ['log' | 'comm', Buffer][] = [];
  const d = new OutputDispatcher(
    { captureMaxbytes, stripAnsi },
    {
      log: (data) => log.push(Buffer.from(data)),
      logEvent: (data) => events.push(['log', Buffer.from(data)]),
      communication: (data) => events.push(['comm', Buffer.from(data)]),
    },
  );
  for (const c of chunks) d.feed(c);
  return { log: Buffer.concat(log), events, held: Buffer.alloc(d.pending) };
}

/** Splits `text` into chunks at the given cut points. */
function cut(text: string, points: number[]): Buffer[] {
  const buf = Buffer.from(text);
  const out: Buffer[] = [];
  let start = 0;
  for (const p of [...points.filter((x) => x > 0 && x < buf.length).sort((a, b) => a - b), buf.length]) {
    if (p > start) out.push(buf.subarray(start, p));
    start = p;
  }
  return out;
}

describe('OutputDispatcher, literal cases', () => {
  it('logs every chunk as is without capture mode (tokens are text)', () => {
    const r = ours([Buffer.from(`a${B}b${E}c\n`)], 0, false);
    expect(r.log.toString()).toBe(`a${B}b${E}c\n`);
    expect(r.events).toHaveLength(1);
  });

  it('captures between tokens, emits the communication, keeps tokens and captured text out of the log', () => {
    const r = ours([Buffer.from(`before\n${B}secret${E}after the token, long enough\n`)], 100, false);
    expect(r.log.toString()).toBe('before\nafter the token, long enough\n');
    expect(r.events.map(([k, d]) => [k, d.toString()])).toEqual([
      ['log', 'before\n'],
      // supervisord's quirk: captured text also makes a PROCESS_LOG event
      ['log', 'secret'],
      ['comm', 'secret'],
      ['log', 'after the token, long enough\n'],
    ]);
  });

  it('holds back a short tail after END (≤ token length) until more output arrives', () => {
    const log: string[] = [];
    const d = new OutputDispatcher(
      { captureMaxbytes: 100, stripAnsi: false },
      { log: (b) => log.push(b.toString()), logEvent: () => {}, communication: () => {} },
    );
    d.feed(Buffer.from(`${B}x${E}after\n`));
    expect(log).toEqual([]);
    expect(d.pending).toBe(6);
    d.feed(Buffer.from('more text that is long enough\n'));
    expect(log).toEqual(['after\nmore text that is long enough\n']);
  });

  it('end() logs held-back bytes (supervisord loses them) but drops an unfinished capture', () => {
    const log: string[] = [];
    const comm: string[] = [];
    const d = new OutputDispatcher(
      { captureMaxbytes: 100, stripAnsi: false },
      {
        log: (b) => log.push(b.toString()),
        logEvent: () => {},
        communication: (b) => comm.push(b.toString()),
      },
    );
    d.feed(Buffer.from('bye\n'));
    d.end();
    expect(log).toEqual(['bye\n']);
    d.feed(Buffer.from(`${B}never ended, and long enough`));
    d.end();
    expect(comm).toEqual([]);
    expect(log).toEqual(['bye\n']);
    expect(d.capturing).toBe(false);
  });

  it('BoundIO drops the first len(chunk) bytes when a write would overflow', () => {
    const b = new BoundBuffer(10);
    b.write(Buffer.from('12345678'));
    b.write(Buffer.from('abc'));
    expect(b.getvalue().toString()).toBe('45678abc');
    b.write(Buffer.from('0123456789AB'));
    expect(b.getvalue().toString()).toBe('0123456789AB');
  });

  it('BoundIO holds one-byte writes in a few Buffers, and still the last maxbytes of them', () => {
    const b = new BoundBuffer(1000);
    for (let i = 0; i < 10_000; i++) {
      b.write(Buffer.of(48 + (i % 10)));
      expect(b._blocks).toBeLessThanOrEqual(2);
    }
    expect(b.bytes).toBe(1000);
    expect(b.getvalue().toString()).toBe('0123456789'.repeat(100));
  });

  it('a capture sent a byte at a time is one PROCESS_COMMUNICATION with all of it', () => {
    const comm: string[] = [];
    const d = new OutputDispatcher(
      { captureMaxbytes: 1 << 20, stripAnsi: false },
      { log: () => {}, logEvent: () => {}, communication: (data) => comm.push(data.toString()) },
    );
    const body = 'x'.repeat(10_000);
    for (const c of Buffer.from(`${B}${body}${E}\n`)) d.feed(Buffer.of(c));
    expect(comm).toEqual([body]);
  });

  it('stripEscapes removes ESC [ ... terminator, per chunk', () => {
    expect(stripEscapes(Buffer.from('\x1b[31mred\x1b[0m plain\x1b[2K')).toString()).toBe('red plain');
    expect(stripEscapes(Buffer.from('no escapes')).toString()).toBe('no escapes');
    expect(stripEscapes(Buffer.from('cut \x1b[3')).toString()).toBe('cut ');
  });

  it('findPrefixAtEnd finds a partial token at the end', () => {
    expect(findPrefixAtEnd(Buffer.from('abc<!--XSUP'), BEGIN_TOKEN)).toBe(8);
    expect(findPrefixAtEnd(Buffer.from('abc'), BEGIN_TOKEN)).toBe(0);
  });
});

describe.runIf(hasSupervisordPython())('OutputDispatcher against supervisord 4.2.5', () => {
  const dir = mkdtempSync(join(tmpdir(), 'procvisor-dispatch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const texts: [string, string, number, boolean][] = [
    ['plain', 'hello\nworld\n', 0, false],
    ['one capture', `before\n${B}secret data${E}after the end token\nmore\n`, 1000, false],
    [
      'two captures',
      `a${B}one${E}middle text of some length${B}two${E}tail text long enough to log\n`,
      1000,
      false,
    ],
    [
      'capture overflow (BoundIO)',
      `x${B}${'0123456789'.repeat(10)}${E}and after that, enough text\n`,
      25,
      false,
    ],
    ['tokens without capture mode', `a${B}b${E}c\n`, 0, false],
    ['strip_ansi', '\x1b[1mbold\x1b[0m and \x1b[32mgreen\x1b[0m text\n', 0, true],
    ['strip_ansi in capture', `pre ${B}\x1b[31mred\x1b[0m${E} post, long enough text\n`, 100, true],
    ['short tail held back', `${B}x${E}after\n`, 100, false],
  ];

  // Chunkings: whole, every 1..7 bytes, and cuts inside tokens.
  const chunkings = (len: number): number[][] => [
    [],
    ...[1, 3, 5, 7].map((step) => Array.from({ length: Math.ceil(len / step) }, (_, i) => i * step)),
    [5, 10, 20, 30, 40],
    [12, 26, 50],
  ];

  for (const [name, text, cap, strip] of texts) {
    it(`${name}: same log, events and held-back bytes for every chunking`, () => {
      const plans = chunkings(Buffer.byteLength(text)).map((points) => cut(text, points));
      const runs = supervisordDispatch(
        plans.map((chunks, i) => ({
          logPath: join(dir, `${name}-${i}.log`.replace(/\s/g, '_')),
          chunks,
          captureMaxbytes: cap,
          stripAnsi: strip,
        })),
      );
      plans.forEach((chunks, i) => {
        const theirs = runs[i]!;
        const mine = ours(chunks, cap, strip);
        expect(mine.log.toString('latin1')).toBe(theirs.log.toString('latin1'));
        expect(mine.events.map(([k, d]) => `${k}:${d.toString('latin1')}`)).toEqual(
          theirs.events.map(([k, d]) => `${k}:${d.toString('latin1')}`),
        );
        expect(mine.held.length).toBe(theirs.held.length);
      });
    });
  }
});
