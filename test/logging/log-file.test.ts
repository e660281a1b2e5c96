/**
 * LogFile against supervisord's own RotatingFileHandler (`loggers.py doRollover`): the same chunks must
 * produce the same files with the same bytes. No child processes: chunks are written directly.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  CHUNK_OVERHEAD,
  HIGH_WATER_MARK,
  LogFile,
  RETRY_MS,
  type LogFileEvents,
} from '../../src/logging/log-file.js';
import { hasSupervisordPython, supervisordRotate } from './supervisord-python.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'procvisor-logfile-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` chunks of random sizes up to `max`, with recognisable content. */
function chunks(seed: number, count: number, max: number): Buffer[] {
  const r = rng(seed);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const size = 1 + Math.floor(r() * max);
    out.push(Buffer.from(`${i}:`.padEnd(size, String.fromCharCode(97 + (i % 26))).slice(0, size)));
  }
  return out;
}

function quietEvents(errors: Error[] = []): LogFileEvents {
  return { error: (e) => errors.push(e), recovered: () => {}, drain: () => {} };
}

/** name -> content of every file in a directory. */
function files(d: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(d).sort()) out[f] = readFileSync(join(d, f), 'latin1');
  return out;
}

async function writeAll(path: string, maxbytes: number, backups: number, data: Buffer[]): Promise<void> {
  const file = LogFile.open(path, { maxbytes, backups }, quietEvents());
  for (const c of data) file.write(c);
  await file.flushed();
  await file.close();
}

describe.runIf(hasSupervisordPython())('LogFile against supervisord 4.2.5', () => {
  const cases: [string, number, number, number, number, string?][] = [
    // name, maxbytes, backups, chunk count, max chunk size, initial content
    ['no rotation (maxbytes 0)', 0, 3, 40, 50],
    ['many rotations, all kept', 100, 50, 200, 40],
    ['many rotations, 3 kept', 100, 3, 200, 40],
    ['backups 0 truncates', 64, 0, 100, 30],
    ['chunks larger than maxbytes', 10, 4, 30, 60],
    ['existing content under the limit', 100, 2, 30, 20, 'x'.repeat(60)],
    ['existing content over the limit', 10, 2, 5, 6, '0123456789ABCDEF\n'],
    ['existing content over the limit, backups 0', 10, 0, 5, 6, '0123456789ABCDEF\n'],
  ];
  it.each(cases)('%s', async (_name, maxbytes, backups, count, max, initial) => {
    const data = chunks(count * 7 + maxbytes, count, max);
    const ours = join(dir, 'ours');
    const theirs = join(dir, 'theirs');
    for (const d of [ours, theirs]) {
      mkdirp(d);
      if (initial !== undefined) writeFileSync(join(d, 'app.log'), initial);
    }
    supervisordRotate(join(theirs, 'app.log'), maxbytes, backups, data);
    await writeAll(join(ours, 'app.log'), maxbytes, backups, data);
    expect(files(ours)).toEqual(files(theirs));
  });

  it('existing files .1 .. .N are shifted like supervisord shifts them', async () => {
    const ours = join(dir, 'ours');
    const theirs = join(dir, 'theirs');
    for (const d of [ours, theirs]) {
      mkdirp(d);
      writeFileSync(join(d, 'app.log'), 'current\n');
      writeFileSync(join(d, 'app.log.1'), 'one\n');
      writeFileSync(join(d, 'app.log.2'), 'two\n');
      writeFileSync(join(d, 'app.log.7'), 'seven\n');
    }
    const data = chunks(3, 12, 9);
    supervisordRotate(join(theirs, 'app.log'), 16, 3, data);
    await writeAll(join(ours, 'app.log'), 16, 3, data);
    expect(files(ours)).toEqual(files(theirs));
  });
});

function mkdirp(d: string): void {
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d);
}

describe('LogFile', () => {
  it('keeps every byte in order across many rotations (checksum of all files)', async () => {
    const path = join(dir, 'big.log');
    const data = chunks(42, 2000, 300);
    await writeAll(path, 3000, 150, data);
    const names = readdirSync(dir)
      .filter((f) => f.startsWith('big.log.'))
      .sort((a, b) => Number(b.split('.').pop()) - Number(a.split('.').pop()));
    const joined = Buffer.concat([...names.map((n) => readFileSync(join(dir, n))), readFileSync(path)]);
    expect(joined.equals(Buffer.concat(data))).toBe(true);
    for (const n of names) {
      const size = readFileSync(join(dir, n)).length;
      expect(size).toBeGreaterThanOrEqual(3000);
      expect(size).toBeLessThan(3000 + 300);
    }
  });

  it('clear() deletes the file and goes on in a new one; backups stay', async () => {
    const path = join(dir, 'c.log');
    const file = LogFile.open(path, { maxbytes: 10, backups: 2 }, quietEvents());
    file.write(Buffer.from('first chunk\n'));
    file.write(Buffer.from('abc\n'));
    await file.clear();
    file.write(Buffer.from('after\n'));
    await file.flushed();
    await file.close();
    expect(files(dir)).toEqual({ 'c.log': 'after\n', 'c.log.1': 'first chunk\n' });
  });

  it('chunks that waited for a clear still rotate after the chunk that reaches maxbytes, and close() keeps them', async () => {
    const path = join(dir, 'w.log');
    const file = LogFile.open(path, { maxbytes: 10, backups: 3 }, quietEvents());
    file.write(Buffer.from('old!'));
    const cleared = file.clear();
    // Written while the clear is under way: they wait, then go to the new file one by one, and the file
    // rotates after c3 and after c6 (4 + 4 + 4 >= 10), as supervisord rotates after each chunk.
    for (let i = 1; i <= 6; i++) file.write(Buffer.from(`c${i}..`));
    // close() right away, without flushed(): the rotations the waiting chunks cause are waited for too.
    await file.close();
    await cleared;
    expect(files(dir)).toEqual({
      'w.log': '',
      'w.log.1': 'c4..c5..c6..',
      'w.log.2': 'c1..c2..c3..',
    });
  });

  it('flushed() after the write that reaches maxbytes waits for the rotation it causes', async () => {
    const path = join(dir, 'r.log');
    const file = LogFile.open(path, { maxbytes: 10, backups: 1 }, quietEvents());
    file.write(Buffer.from('12345'));
    file.write(Buffer.from('67890'));
    await file.flushed();
    expect(files(dir)).toEqual({ 'r.log': '', 'r.log.1': '1234567890' });
    file.write(Buffer.from('next'));
    await file.flushed();
    await file.close();
    expect(files(dir)).toEqual({ 'r.log': 'next', 'r.log.1': '1234567890' });
  });

  it('open() throws when the file cannot be opened', () => {
    expect(() =>
      LogFile.open(join(dir, 'missing', 'x.log'), { maxbytes: 0, backups: 0 }, quietEvents()),
    ).toThrow(/ENOENT/);
  });

  it('openInBackground: what is written before the file is open lands in it, in order, rotating as usual', async () => {
    const path = join(dir, 'bg.log');
    const data = chunks(11, 400, 40);
    const file = LogFile.openInBackground(path, { maxbytes: 1000, backups: 50 }, quietEvents());
    for (const c of data) file.write(c);
    await file.flushed();
    await file.close();
    const numbered = readdirSync(dir)
      .filter((f) => f !== 'bg.log')
      .map((f) => Number(f.slice('bg.log.'.length)))
      .sort((a, b) => b - a);
    expect(numbered.length).toBeGreaterThan(5);
    const text = [...numbered.map((n) => readFileSync(`${path}.${n}`)), readFileSync(path)];
    expect(Buffer.concat(text).equals(Buffer.concat(data))).toBe(true);
  });

  it('openInBackground: a failed open is an error event, output is dropped, and a write after RETRY_MS opens it', async () => {
    const clock = new ManualClock();
    const errors: Error[] = [];
    let recovered = -1;
    let onRecovered = () => {};
    const back = new Promise<void>((r) => (onRecovered = r));
    const path = join(dir, 'later', 'x.log');
    const file = LogFile.openInBackground(
      path,
      { maxbytes: 0, backups: 0, clock },
      { error: (e) => errors.push(e), recovered: (n) => ((recovered = n), onRecovered()), drain: () => {} },
    );
    expect(file.write(Buffer.from('lost\n'))).toBe(true);
    await file.flushed();
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ENOENT']);
    expect(file.failed).toBe(true);
    mkdirSync(join(dir, 'later'));
    clock.advance(RETRY_MS);
    file.write(Buffer.from('kept\n'));
    await back;
    await file.flushed();
    await file.close();
    expect(errors).toHaveLength(1);
    expect(recovered).toBe('lost\n'.length); // the bytes dropped meanwhile, reported with the recovery
    expect(readFileSync(path, 'utf8')).toBe('kept\n');
  });

  it.runIf(process.getuid?.() !== 0)('a read-only file fails at open with EACCES', () => {
    const path = join(dir, 'ro.log');
    writeFileSync(path, '');
    chmodSync(path, 0o400);
    expect(() => LogFile.open(path, { maxbytes: 0, backups: 0 }, quietEvents())).toThrow(/EACCES/);
  });

  it('a write error is reported once, output is dropped without throwing, and a later write reopens', async () => {
    const errors: Error[] = [];
    let recovered = -1;
    const events: LogFileEvents = {
      error: (e) => errors.push(e),
      recovered: (n) => (recovered = n),
      drain: () => {},
    };
    // /dev/full accepts open() and fails every write with ENOSPC: a full disk.
    const file = LogFile.open('/dev/full', { maxbytes: 0, backups: 0 }, events);
    file.write(Buffer.from('one\n'));
    await file.flushed();
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ENOSPC']);
    expect(file.failed).toBe(true);
    expect(file.write(Buffer.from('two\n'))).toBe(true);
    await file.flushed();
    expect(errors).toHaveLength(1);
    await file.close();
    expect(recovered).toBe(-1);
  });

  it('asks the writer to pause above the high-water mark and calls drain once it has caught up', async () => {
    const path = join(dir, 'bp.log');
    let drains = 0;
    let resolveDrain = () => {};
    const drained = new Promise<void>((r) => (resolveDrain = r));
    const file = LogFile.open(
      path,
      { maxbytes: 256 * 1024, backups: 20 },
      {
        error: (e) => {
          throw e;
        },
        recovered: () => {},
        drain: () => {
          drains++;
          resolveDrain();
        },
      },
    );
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let accepted = 0;
    while (file.write(chunk)) accepted++;
    // The refusal comes at the high-water mark, not later: memory is bounded by it plus one chunk.
    expect((accepted + 1) * chunk.length).toBeGreaterThanOrEqual(HIGH_WATER_MARK);
    expect(accepted * chunk.length).toBeLessThan(HIGH_WATER_MARK);
    await drained;
    expect(drains).toBe(1);
    await file.flushed();
    await file.close();
    const total = readdirSync(dir)
      .filter((n) => n.startsWith('bp.log'))
      .reduce((sum, n) => sum + readFileSync(join(dir, n)).length, 0);
    expect(total).toBe((accepted + 1) * chunk.length);
  });

  it('counts what a waiting chunk costs besides its bytes: one-byte chunks are paused after a few thousand', async () => {
    const path = join(dir, 'tiny.log');
    let drains = 0;
    const file = LogFile.open(
      path,
      { maxbytes: 0, backups: 0 },
      { error: (e) => expect.unreachable(e.message), recovered: () => {}, drain: () => drains++ },
    );
    let accepted = 0;
    for (let i = 0; i < 10_000 && file.write(Buffer.of(0x61 + (i % 26))); i++) accepted++;
    // Refused once the chunks waiting (none is written yet: nothing ran) would take about 1 MiB of heap.
    const limit = Math.ceil(HIGH_WATER_MARK / (1 + CHUNK_OVERHEAD));
    expect(accepted + 1).toBe(limit);
    await file.flushed();
    expect(drains).toBe(1);
    await file.close();
    const text = readFileSync(path, 'latin1');
    expect(text.length).toBe(accepted + 1);
    expect(text.slice(0, 28)).toBe('abcdefghijklmnopqrstuvwxyzab');
  });
});
