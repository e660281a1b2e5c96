/** LineFollower: splitting, CRLF, long lines, the bounded buffer with its marker, ending. */
import { describe, expect, it } from 'vitest';
import { LineFollower, droppedMarker } from '../../src/logging/lines.js';

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
