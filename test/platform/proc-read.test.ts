/**
 * readProcText: the whole file through one reused buffer, whatever its size against the buffer's, and
 * nothing of an earlier, longer read left in a later, shorter one.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readProcessTable } from '../../src/platform/kill-tree.js';
import { readProcText } from '../../src/platform/proc-read.js';
import { killQuietly } from '../helpers/pids.js';

const dir = mkdtempSync(join(os.tmpdir(), 'procvisor-proc-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes 0..255 over and over, so that latin1 decoding of every byte value is checked too. */
function file(size: number): string {
  const path = join(dir, `f${size}`);
  writeFileSync(path, Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) % 256)));
  return path;
}

describe('readProcText', () => {
  it('reads files shorter than, as long as, longer than and far past its buffer, in any order', () => {
    // 16 KiB is the first buffer; 16384 fills it exactly; 600 KB grows it past what is kept.
    for (const size of [0, 1, 300, 16_383, 16_384, 16_385, 40_000, 600_000, 5, 16_384, 0, 70_000, 2]) {
      const path = file(size);
      expect(readProcText(path), `size ${size}`).toBe(readFileSync(path, 'latin1'));
    }
  });

  it.runIf(process.platform === 'linux')('reads /proc files, whose size stat reports as 0', () => {
    const stat = readProcText(`/proc/${process.pid}/stat`);
    expect(stat.startsWith(`${process.pid} (`)).toBe(true);
    expect(readProcText('/proc/self/environ')).toBe(readFileSync('/proc/self/environ', 'latin1'));
  });

  it('throws what open throws', () => {
    expect(() => readProcText(join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it.runIf(process.platform === 'linux')(
    'finds the owner tag of a process whose environment is longer than the buffer',
    async () => {
      const tag = `proc-read-${process.pid}`;
      const child = spawn('sleep', ['60'], {
        stdio: 'ignore',
        env: { BIG: 'x'.repeat(100_000), PROCVISOR_OWNER: tag, PATH: process.env.PATH },
      });
      await once(child, 'spawn');
      try {
        const entry = readProcessTable({ tags: true }).find((e) => e.pid === child.pid);
        expect(entry?.tags).toEqual([tag]);
      } finally {
        killQuietly(child.pid!);
        await once(child, 'exit');
      }
    },
  );
});
