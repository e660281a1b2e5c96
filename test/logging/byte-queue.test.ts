/** ByteQueue: the same bytes as a plain Buffer would hold, in a bounded number of blocks. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_BYTES, ByteQueue } from '../../src/logging/byte-queue.js';

describe('ByteQueue', () => {
  it('holds ten thousand one-byte chunks in a few blocks', () => {
    const q = new ByteQueue();
    for (let i = 0; i < 10_000; i++) q.push(Buffer.of(48 + (i % 10)));
    expect(q.bytes).toBe(10_000);
    expect(q.blocks).toBeLessThanOrEqual(Math.ceil(10_000 / BLOCK_BYTES) + 1);
    const all = q.toBuffer();
    expect(all.length).toBe(10_000);
    expect(all.subarray(0, 12).toString()).toBe('012345678901');
  });

  it('a small queue takes a small block', () => {
    const q = new ByteQueue();
    q.push(Buffer.from('ready> '));
    expect(q.blocks).toBe(1);
    expect(q.toBuffer().toString()).toBe('ready> ');
    q.drop(2);
    q.push(Buffer.from('x'.repeat(100)));
    expect(q.toBuffer().toString()).toBe(`ady> ${'x'.repeat(100)}`);
  });

  it('keepLast keeps the newest bytes; the copy does not change with later pushes', () => {
    const q = new ByteQueue();
    q.push(Buffer.from('abcdef'));
    const before = q.toBuffer();
    q.keepLast(3);
    q.push(Buffer.from('gh'));
    expect(q.toBuffer().toString()).toBe('defgh');
    expect(before.toString()).toBe('abcdef');
    q.drop(100);
    expect(q.bytes).toBe(0);
    expect(q.blocks).toBe(0);
    expect(q.toBuffer().length).toBe(0);
  });

  it('matches a plain Buffer under any pushes and drops, within bytes / BLOCK_BYTES + 2 blocks', () => {
    const op = fc.oneof(
      fc.record({ push: fc.integer({ min: 0, max: 3 * BLOCK_BYTES }) }),
      fc.record({ push: fc.integer({ min: 0, max: 8 }) }),
      fc.record({ drop: fc.integer({ min: 0, max: 2 * BLOCK_BYTES }) }),
      fc.record({ keep: fc.integer({ min: 0, max: 2 * BLOCK_BYTES }) }),
      fc.constant({ clear: true }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const q = new ByteQueue();
        let model = Buffer.alloc(0);
        let n = 0;
        for (const o of ops) {
          if ('push' in o) {
            const chunk = Buffer.alloc(o.push);
            for (let i = 0; i < chunk.length; i++) chunk[i] = n++ & 0xff;
            q.push(chunk);
            model = Buffer.concat([model, chunk]);
          } else if ('drop' in o) {
            q.drop(o.drop);
            model = model.subarray(Math.min(o.drop, model.length));
          } else if ('keep' in o) {
            q.keepLast(o.keep);
            if (model.length > o.keep) model = model.subarray(model.length - o.keep);
          } else {
            // A copy taken before a clear stays as it was when the cleared block is written into again.
            const before = q.toBuffer();
            const copy = Buffer.from(before);
            q.clear();
            q.push(Buffer.from('after clear'));
            expect(before.equals(copy)).toBe(true);
            model = Buffer.from('after clear');
          }
          expect(q.bytes).toBe(model.length);
          expect(q.toBuffer().equals(model)).toBe(true);
          expect(q.blocks).toBeLessThanOrEqual(Math.floor(model.length / BLOCK_BYTES) + 2);
        }
        expect(q.toBuffer().equals(model)).toBe(true);
      }),
      { seed: 12, numRuns: 300 },
    );
  });
});
