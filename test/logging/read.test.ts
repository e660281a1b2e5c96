/**
 * readLogFile / tailLogFile against supervisord's `options.py readFile` / `tailFile` on the same files, and
 * the literal cases of the reference (§4.8).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SupervisorError } from '../../src/errors.js';
import { readLogFile, tailLogFile } from '../../src/logging/read.js';
import { hasSupervisordPython, supervisordReadFile, supervisordTailFile } from './supervisord-python.js';

const dir = mkdtempSync(join(tmpdir(), 'procvisor-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 69-byte file ending in `0593\n`, like the reference's verified example. */
const file69 = join(dir, 'sixty-nine.log');
writeFileSync(file69, '0123456789'.repeat(6) + 'abc\n0593\n');
const empty = join(dir, 'empty.log');
writeFileSync(empty, '');

async function read(path: string, offset: number, length: number): Promise<string> {
  try {
    return (await readLogFile(path, offset, length)).toString('latin1');
  } catch (err) {
    if (err instanceof SupervisorError) return `fault:${err.code}`;
    throw err;
  }
}

describe('readLogFile, literal cases', () => {
  it('follows readFile: from offset, lengths, negative offsets, past the end', async () => {
    expect(await read(file69, 0, 5)).toBe('01234');
    expect(await read(file69, 60, 0)).toBe('abc\n0593\n');
    expect(await read(file69, -5, 0)).toBe('0593\n');
    expect(await read(file69, -1000, 0)).toHaveLength(69);
    expect(await read(file69, 100, 0)).toBe('');
    expect(await read(file69, 100, 5)).toBe('');
  });

  it('BAD_ARGUMENTS for a negative offset with a length, or a negative length', async () => {
    expect(await read(file69, -5, 2)).toBe('fault:BAD_ARGUMENTS');
    expect(await read(file69, -5, -2)).toBe('fault:BAD_ARGUMENTS');
    expect(await read(file69, 0, -1)).toBe('fault:BAD_ARGUMENTS');
  });

  it('FAILED when the file cannot be read; TypeError for non-integers', async () => {
    expect(await read(join(dir, 'missing'), 0, 0)).toBe('fault:FAILED');
    expect(await read(dir, 0, 0)).toBe('fault:FAILED');
    await expect(readLogFile(file69, 1.5, 0)).rejects.toThrow(TypeError);
  });
});

describe('tailLogFile, literal cases', () => {
  it("matches the reference's verified examples", async () => {
    expect(await tailLogFile(file69, 0, 5)).toEqual(['0593\n', 69, true]);
    expect(await tailLogFile(file69, 100000, 5)).toEqual(['', 69, false]);
    expect(await tailLogFile(file69, 64, 5)).toEqual(['0593\n', 69, false]);
    expect(await tailLogFile(empty, 0, 1600)).toEqual(['', 0, false]);
  });
});

const OFFSETS = [-100, -70, -69, -68, -10, -1, 0, 1, 5, 34, 64, 68, 69, 70, 100, 100000];
const LENGTHS = [-5, -1, 0, 1, 4, 5, 10, 68, 69, 70, 1600];
const CASES = OFFSETS.flatMap((o) => LENGTHS.map((l) => [o, l] as const));

describe.runIf(hasSupervisordPython())('against supervisord 4.2.5', () => {
  for (const [name, path] of [
    ['a 69-byte file', file69],
    ['an empty file', empty],
  ] as const) {
    it(`readFile: every offset/length on ${name}`, async () => {
      const theirs = supervisordReadFile(path, CASES);
      for (const [i, [o, l]] of CASES.entries()) {
        const t = theirs[i]!;
        const want = 'fault' in t ? `fault:${t.fault}` : t.data.toString('latin1');
        expect([o, l, await read(path, o, l)]).toEqual([o, l, want]);
      }
    });

    it(`tailFile: every offset/length on ${name}`, async () => {
      const theirs = supervisordTailFile(path, CASES);
      for (const [i, [o, l]] of CASES.entries()) {
        expect([o, l, await tailLogFile(path, o, l)]).toEqual([o, l, theirs[i]]);
      }
    });
  }
});
