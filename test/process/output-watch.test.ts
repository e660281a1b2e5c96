/** OutputWatch: the recent output kept for error reports is bounded in Buffers as well as bytes. */
import { describe, expect, it } from 'vitest';
import { OutputWatch } from '../../src/process/output-watch.js';

describe('OutputWatch recent output', () => {
  it('ten thousand one-byte chunks: at most 8 KiB in at most three Buffers, and the last lines', () => {
    const w = new OutputWatch();
    for (let i = 0; i < 10_000; i++) {
      w.feed('stdout', Buffer.from(i % 10 === 9 ? '\n' : String(i % 10)));
      const size = w._recentSize('stdout');
      expect(size.buffers).toBeLessThanOrEqual(3);
      expect(size.bytes).toBeLessThanOrEqual(8192);
    }
    expect(w._recentSize('stdout').bytes).toBe(8192);
    expect(w.recentOutput(3)).toEqual(['012345678', '012345678', '012345678']);
    expect(w._recentSize('stderr')).toEqual({ bytes: 0, buffers: 0 });
  });

  it('keeps the end of a large chunk, whole characters only; stdout lines first, then stderr', () => {
    const w = new OutputWatch();
    w.feed('stderr', Buffer.from('oops\n'));
    w.feed('stdout', Buffer.from(`${'é'.repeat(5000)}\nlast line\n`));
    expect(w._recentSize('stdout').bytes).toBe(8192);
    const lines = w.recentOutput(10);
    expect(lines.slice(1)).toEqual(['last line', 'oops']);
    expect(lines[0]).toMatch(/^é+$/);
  });

  it('line watchers see every line, whatever the chunking', () => {
    const w = new OutputWatch();
    const seen: string[] = [];
    const stop = w.watchFor(/ready/, 'both', (line) => seen.push(line));
    for (const c of Buffer.from('starting\nall ready now\n')) w.feed('stderr', Buffer.of(c));
    stop();
    w.feed('stdout', Buffer.from('ready again\n'));
    expect(seen).toEqual(['all ready now']);
  });
});
