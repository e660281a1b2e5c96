/**
 * BatchSink: the chunks that queue behind a write reach rotating-file-stream as one write per stretch, and a
 * stretch never runs past the chunk that reaches maxbytes (where rotating-file-stream, like supervisord,
 * rotates).
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BatchSink, endStream } from '../../src/logging/batch-sink.js';

/** A stand-in for rotating-file-stream: records each write, counts its size and "rotates" as it does. */
function recorder(maxbytes: number, size = 0) {
  const writes: string[] = [];
  const files: string[] = [''];
  let current = size;
  const inner = new Writable({
    write(chunk: Buffer, _enc, cb) {
      writes.push(chunk.toString());
      files[files.length - 1] += chunk.toString();
      current += chunk.length;
      if (maxbytes > 0 && current >= maxbytes) {
        current = 0;
        files.push('');
      }
      setImmediate(cb);
    },
  });
  return { inner, writes, files };
}

/** supervisord's rule, chunk by chunk: the file after each chunk that brings it to maxbytes. */
function expected(chunks: string[], maxbytes: number, size = 0): string[] {
  const files = [''];
  let current = size;
  for (const c of chunks) {
    files[files.length - 1] += c;
    current += c.length;
    if (current >= maxbytes) {
      current = 0;
      files.push('');
    }
  }
  return files;
}

const chunks = Array.from({ length: 200 }, (_, i) => `${i}:`.padEnd(1 + ((i * 7) % 23), 'x'));

describe('BatchSink', () => {
  it('joins queued chunks, and each rotated file ends with the chunk that reached maxbytes', async () => {
    const { inner, writes, files } = recorder(50);
    const sink = new BatchSink(inner, { maxbytes: 50, left: 50 });
    for (const c of chunks) sink.write(Buffer.from(c));
    await endStream(sink);
    expect(files).toEqual(expected(chunks, 50));
    expect(writes.join('')).toBe(chunks.join(''));
    // Fewer writes than chunks: the ones queued behind the first write were joined.
    expect(writes.length).toBeLessThan(chunks.length);
    expect(inner.writableFinished).toBe(true);
  });

  it('counts from the size the file had at open', async () => {
    const { inner, files } = recorder(40, 25);
    const sink = new BatchSink(inner, { maxbytes: 40, left: 15 });
    for (const c of chunks) sink.write(Buffer.from(c));
    await endStream(sink);
    expect(files).toEqual(expected(chunks, 40, 25));
  });

  it('chunks larger than maxbytes each end a file', async () => {
    const big = ['a'.repeat(30), 'b'.repeat(5), 'c'.repeat(31), 'd'];
    const { inner, files } = recorder(10);
    const sink = new BatchSink(inner, { maxbytes: 10, left: 10 });
    for (const c of big) sink.write(Buffer.from(c));
    await endStream(sink);
    expect(files).toEqual(expected(big, 10));
  });

  it('maxbytes 0 joins everything that queued', async () => {
    const { inner, writes } = recorder(0);
    const sink = new BatchSink(inner, { maxbytes: 0, left: 0 });
    for (const c of chunks) sink.write(Buffer.from(c));
    await endStream(sink);
    expect(writes.join('')).toBe(chunks.join(''));
    expect(writes.length).toBeLessThanOrEqual(2);
  });

  it("the inner stream's error destroys the sink with it; the chunks' callbacks see it", async () => {
    const inner = new Writable({ write: (_c, _e, cb) => setImmediate(() => cb(new Error('ENOSPC'))) });
    const sink = new BatchSink(inner, { maxbytes: 0, left: 0 });
    const seen = new Promise<Error>((resolve) => sink.once('error', resolve));
    const results: (Error | null | undefined)[] = [];
    sink.write(Buffer.from('a'), (err) => results.push(err));
    expect((await seen).message).toBe('ENOSPC');
    expect(sink.destroyed).toBe(true);
    expect(inner.destroyed).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(results[0]?.message).toBe('ENOSPC');
  });
});
