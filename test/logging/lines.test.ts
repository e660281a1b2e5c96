/** LineFollower: splitting, CRLF, long lines, the bounded buffer with its marker, ending. */
import { describe, expect, it } from 'vitest';
import { BLOCK_BYTES } from '../../src/logging/byte-queue.js';
import { LineFollower, LineSplitter, droppedMarker } from '../../src/logging/lines.js';

async function drain(f: LineFollower, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await f.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('LineFollower', () => {
  it('splits chunks into lines, across chunk boundaries, without the newline (and a CR before it)', async () => {
    const f = new LineFollower({}, () => {});
    f.push(Buffer.from('one\ntw'));
    f.push(Buffer.from('o\r\nthree'));
    expect(await drain(f, 2)).toEqual(['one', 'two']);
    f.flush();
    expect(await drain(f, 1)).toEqual(['three']);
  });

  it('keeps multi-byte characters split between chunks intact', async () => {
    const f = new LineFollower({}, () => {});
    const bytes = Buffer.from('é€\n');
    f.push(bytes.subarray(0, 1));
    f.push(bytes.subarray(1, 3));
    f.push(bytes.subarray(3));
    expect(await drain(f, 1)).toEqual(['é€']);
  });

  it('delivers a line longer than maxLineBytes in pieces, cut between characters', async () => {
    const f = new LineFollower({ maxLineBytes: 10 }, () => {});
    f.push(Buffer.from('0123456789abcdefghij€€'));
    f.push(Buffer.from('\n'));
    f.push(Buffer.from('€€€€€€\n'));
    f.end();
    const lines = await drain(f, 10);
    expect(lines).toEqual(['0123456789', 'abcdefghij', '€€', '€€€', '€€€']);
    expect(lines.every((l) => Buffer.byteLength(l) <= 10)).toBe(true);
  });

  it('a slow reader loses the oldest lines and gets one marker in their place; memory stays bounded', async () => {
    const f = new LineFollower({ maxBufferedBytes: 100 }, () => {});
    for (let i = 0; i < 1000; i++) f.push(Buffer.from(`line ${String(i).padStart(4, '0')}\n`));
    expect(f.buffered).toBeLessThanOrEqual(100);
    const kept = Math.floor(100 / 'line 0000'.length);
    f.end();
    const lines = await drain(f, 2000);
    expect(lines[0]).toBe(droppedMarker(1000 - kept));
    expect(lines.slice(1)).toEqual(
      [...Array(kept).keys()].map((i) => `line ${String(1000 - kept + i).padStart(4, '0')}`),
    );
  });

  it('a waiting reader gets lines as they arrive; end() finishes after what is queued', async () => {
    let closed = 0;
    const f = new LineFollower({}, () => closed++);
    const first = f.next();
    f.push(Buffer.from('a\nb\npartial'));
    expect(await first).toEqual({ done: false, value: 'a' });
    f.end();
    expect(await drain(f, 5)).toEqual(['b', 'partial']);
    expect(closed).toBe(1);
  });

  it('break in for-await unsubscribes; an aborted signal ends the iteration', async () => {
    let closed = 0;
    const f = new LineFollower({}, () => closed++);
    f.push(Buffer.from('x\ny\n'));
    for await (const line of f) {
      expect(line).toBe('x');
      break;
    }
    expect(closed).toBe(1);
    const ac = new AbortController();
    const g = new LineFollower({ signal: ac.signal }, () => closed++);
    const pending = g.next();
    ac.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(closed).toBe(2);
  });
});

describe('bounded by what the output costs, not only by its bytes', () => {
  it('an unterminated line written a byte at a time is held in a few Buffers', () => {
    const lines: string[] = [];
    const s = new LineSplitter((line) => lines.push(line));
    for (let i = 0; i < 10_000; i++) s.push(Buffer.of(0x61 + (i % 26)));
    expect(s.partialBytes).toBe(10_000);
    expect(s._partialBlocks).toBeLessThanOrEqual(Math.ceil(10_000 / BLOCK_BYTES) + 1);
    s.push(Buffer.from('\n'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toHaveLength(10_000);
    expect(lines[0]!.startsWith('abcdefghijklmnopqrstuvwxyzabc')).toBe(true);
    expect(s._partialBlocks).toBe(0);
  });

  it('empty lines for a reader that does not read: the count of waiting lines is bounded too', async () => {
    const f = new LineFollower({ maxBufferedBytes: 100 }, () => {});
    for (let i = 0; i < 10_000; i++) f.push(Buffer.from('\n'));
    expect(f._waiting.lines).toBeLessThanOrEqual(1024);
    expect(f._waiting.slots).toBeLessThanOrEqual(2 * 1024 + 1);
    f.push(Buffer.from('last\n'));
    f.end();
    const lines = await drain(f, 2000);
    expect(lines[0]).toBe(droppedMarker(10_000 + 1 - 1024));
    expect(lines).toHaveLength(1025);
    expect(lines.at(-1)).toBe('last');
  });

  it('one-byte lines: at most maxBufferedBytes / 16 wait (65,536 at the default 1 MiB)', () => {
    const f = new LineFollower({}, () => {});
    const chunk = Buffer.from('x\n'.repeat(1000));
    for (let i = 0; i < 100; i++) f.push(chunk);
    expect(f._waiting.lines).toBe(65_536);
    expect(f.buffered).toBe(65_536);
  });
});
