/**
 * LogFile against a model of supervisord's synchronous rules: any sequence of writes, clears (`removelogs`),
 * reopens (`reopenlogs`) and rotations asked for now, each started without waiting for the one before, must
 * leave the files that the same calls made one after the other would leave. supervisord does each at once
 * (`loggers.py`: rotate after the chunk that reaches maxbytes; `remove` then reopen); LogFile does them
 * asynchronously, so this holds it to the call order.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogFile, type LogFileEvents } from '../../src/logging/log-file.js';
import { PROPERTY_SEED, propertyRuns } from '../helpers/property-checks.js';

type Op = { readonly write: string } | { readonly call: 'clear' | 'reopen' | 'rotate' };

/** The files the calls leave, made one after the other: name -> content. */
function model(
  ops: readonly Op[],
  maxbytes: number,
  backups: number,
  initial: string,
): Record<string, string> {
  const files = new Map<string, string>([['app.log', initial]]);
  const shift = () => {
    if (backups === 0) {
      files.set('app.log', '');
      return;
    }
    for (let n = backups; n >= 1; n--) {
      const from = n === 1 ? 'app.log' : `app.log.${n - 1}`;
      const content = files.get(from);
      if (content !== undefined) files.set(`app.log.${n}`, content);
    }
    files.set('app.log', '');
  };
  for (const op of ops) {
    if ('write' in op) {
      const now = files.get('app.log')! + op.write;
      files.set('app.log', now);
      if (maxbytes > 0 && now.length >= maxbytes) shift();
    } else if (op.call === 'clear') {
      files.set('app.log', '');
    } else if (op.call === 'rotate') {
      shift();
    }
  }
  return Object.fromEntries([...files].sort(([a], [b]) => a.localeCompare(b)));
}

function onDisk(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = readFileSync(join(dir, f), 'latin1');
  return out;
}

const quiet: LogFileEvents = {
  error: (e) => {
    throw e;
  },
  recovered: () => {},
  drain: () => {},
};

const ops = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.stringMatching(/^[a-z]{1,12}$/).map((write): Op => ({ write })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('clear', 'reopen', 'rotate').map((call): Op => ({ call })),
    },
  ),
  { maxLength: 30 },
);

describe('LogFile: calls made without waiting leave the files of the same calls made in order', () => {
  it('writes, clear(), reopen() and rotate() interleaved, then close()', async () => {
    const base = mkdtempSync(join(tmpdir(), 'procvisor-logmodel-'));
    try {
      await fc.assert(
        fc.asyncProperty(
          ops,
          fc.constantFrom(0, 5, 10, 16),
          fc.integer({ min: 0, max: 3 }),
          // What the file holds at spawn: nothing, some, or more than maxbytes (supervisord rotates after
          // the next write).
          fc.constantFrom('', 'xyz', 'x'.repeat(17)),
          async (sequence, maxbytes, backups, initial) => {
            const d = mkdtempSync(join(base, 'case-'));
            writeFileSync(join(d, 'app.log'), initial);
            const file = LogFile.open(join(d, 'app.log'), { maxbytes, backups }, quiet);
            const pending: Promise<void>[] = [];
            for (const op of sequence) {
              if ('write' in op) file.write(Buffer.from(op.write, 'latin1'));
              else pending.push(file[op.call]());
            }
            await file.close();
            await Promise.all(pending);
            expect(onDisk(d)).toEqual(model(sequence, maxbytes, backups, initial));
          },
        ),
        { seed: PROPERTY_SEED, numRuns: propertyRuns(150) },
      );
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
