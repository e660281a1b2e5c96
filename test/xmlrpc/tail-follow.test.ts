/**
 * The log follower behind `/logtail` and `/mainlogtail`, on real files: the head, appends, truncation,
 * rotation, whole UTF-8 characters, back-pressure and stopping.
 */
import { EventEmitter } from 'node:events';
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TailFollower } from '../../src/xmlrpc/tail-follow.js';
import { DEADLINE_MS } from '../helpers/wait.js';

/** A sink like an HTTP response: collects what is written; `full` makes it ask for a drain. */
class Sink extends EventEmitter {
  chunks: Buffer[] = [];
  full = false;
  write(chunk: Buffer | string): boolean {
    this.chunks.push(Buffer.from(chunk));
    this.emit('data');
    return !this.full;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
  /** Resolves once what was written contains `text`. */
  until(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.text().includes(text)) return;
        clearTimeout(timer);
        this.off('data', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off('data', check);
        reject(new Error(`never got ${JSON.stringify(text)}; got ${JSON.stringify(this.text())}`));
      }, DEADLINE_MS);
      this.on('data', check);
      check();
    });
  }
}

describe('TailFollower', () => {
  let dir: string;
  let file: string;
  let sink: Sink;
  let ended: number;
  let follower: TailFollower | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tail-'));
    file = join(dir, 'x.log');
    sink = new Sink();
    ended = 0;
  });

  afterEach(() => {
    follower?.stop();
    follower = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function follow(options: { head?: number; pollMs?: number } = {}): Promise<TailFollower> {
    follower = await TailFollower.open(file, sink, () => ended++, options);
    follower.begin();
    return follower;
  }

  it('starts with the last 1024 bytes, then sends what is appended', async () => {
    writeFileSync(file, `${'a'.repeat(1500)}END\n`);
    await follow();
    await sink.until('END\n');
    expect(sink.text()).toBe(`${'a'.repeat(1020)}END\n`);
    appendFileSync(file, 'more\n');
    await sink.until('END\nmore\n');
  });

  it('a short file is sent whole', async () => {
    writeFileSync(file, 'short\n');
    await follow();
    await sink.until('short\n');
  });

  it('prints "==> File truncated <==" when the file shrinks, then reads it from the start', async () => {
    writeFileSync(file, 'first line\n');
    await follow();
    await sink.until('first line\n');
    truncateSync(file, 0);
    appendFileSync(file, 'new\n');
    await sink.until('==> File truncated <==\nnew\n');
  });

  it('follows a rotation: the new file under the name, from its start', async () => {
    writeFileSync(file, 'old\n');
    await follow({ pollMs: 50 });
    await sink.until('old\n');
    renameSync(file, `${file}.1`);
    writeFileSync(file, 'fresh\n');
    await sink.until('old\nfresh\n');
  });

  it('sends whole UTF-8 characters only', async () => {
    // The head starts inside "é": its second byte is skipped.
    writeFileSync(file, Buffer.concat([Buffer.from('é'), Buffer.from('b'.repeat(1023))]));
    await follow();
    await sink.until('b'.repeat(1023));
    expect(sink.text()).toBe('b'.repeat(1023));
    const party = Buffer.from('🎉\n');
    // Written in two pieces: the first is held until the character is complete.
    appendFileSync(file, party.subarray(0, 2));
    appendFileSync(file, party.subarray(2));
    await sink.until('🎉\n');
    expect(sink.text()).not.toContain('\uFFFD');
  });

  it('waits for a drain when the sink is full', async () => {
    writeFileSync(file, 'one\n');
    sink.full = true;
    await follow();
    await sink.until('one\n');
    appendFileSync(file, 'two\n');
    // Held until the sink drains.
    sink.full = false;
    sink.emit('drain');
    await sink.until('one\ntwo\n');
  });

  it('stops once, and refuses a file that does not exist', async () => {
    writeFileSync(file, 'x\n');
    const f = await follow();
    f.stop();
    f.stop();
    expect(ended).toBe(1);
    await expect(TailFollower.open(join(dir, 'nosuch'), sink, () => {})).rejects.toThrow();
  });
});
