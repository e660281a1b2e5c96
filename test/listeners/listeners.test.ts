/**
 * Event listener pools with real processes: a Node listener (test/fixtures/listener-node.mjs) that crashes
 * while BUSY and is restarted, one that breaks the protocol, and the protocol bytes in its stdout log.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import type { EventListenerPool, ListenerStateChangeRecord, SupervisorConfig } from '../../src/index.js';
import { it } from '../helpers/core.js';
import { EventRecorder, waitUntil } from '../helpers/wait.js';

const LISTENER = fileURLToPath(new URL('../fixtures/listener-node.mjs', import.meta.url));

interface Envelope {
  header: string;
  payload: string;
  reply: string;
}

function read(file: string): Envelope[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Envelope);
}

function config(tmp: string, extra: Record<string, unknown> = {}): SupervisorConfig {
  return {
    eventListeners: {
      ev: {
        command: [process.execPath, LISTENER, join(tmp, 'ev.jsonl')],
        events: ['REMOTE_COMMUNICATION'],
        startsecs: 0.2,
        autorestart: true,
        stdoutLogfile: join(tmp, 'ev.out'),
        stderrLogfile: 'NONE',
        ...extra,
      },
    },
  };
}

describe('event listeners (real processes)', () => {
  it('a listener that dies while BUSY is restarted and gets the same event again', async ({
    supervise,
    tmp,
  }) => {
    const h = supervise(config(tmp));
    await h.sup.start();
    await h.reach('ev', 'RUNNING');
    await h.sup.sendRemoteCommEvent('crash', 'first');
    await h.sup.sendRemoteCommEvent('after', 'second');
    await h.reach('ev', 'EXITED');
    await h.reach('ev', 'RUNNING', 2);
    const file = join(tmp, 'ev.jsonl');
    await waitUntil(() => read(file).length >= 2, 'both events');
    const got = read(file);
    // The first run recorded nothing (it died before writing); the restarted one got both, same serials.
    expect(got.map((e) => [e.header.replace(/ len:\d+$/, ''), e.payload])).toEqual([
      [
        'ver:3.0 server:supervisor serial:0 pool:ev poolserial:0 eventname:REMOTE_COMMUNICATION',
        'type:crash\nfirst',
      ],
      [
        'ver:3.0 server:supervisor serial:1 pool:ev poolserial:1 eventname:REMOTE_COMMUNICATION',
        'type:after\nsecond',
      ],
    ]);
    const pool = h.sup.getGroup('ev') as EventListenerPool;
    expect(pool.stats).toMatchObject({ accepted: 2, rejected: 1, processed: 2 });
    // The protocol bytes are in the listener's stdout log.
    await waitUntil(
      () => readFileSync(join(tmp, 'ev.out'), 'utf8').includes('RESULT 2\nOKREADY\n'),
      'the log',
    );
  });

  it('a protocol violation makes it UNKNOWN: events wait until it is restarted', async ({
    supervise,
    tmp,
  }) => {
    const h = supervise(config(tmp));
    const states = new EventRecorder<ListenerStateChangeRecord>(h.sup, 'listenerStateChange');
    await h.sup.start();
    await h.reach('ev', 'RUNNING');
    await h.sup.sendRemoteCommEvent('garbage', '');
    await states.until((s) => s.to === 'UNKNOWN');
    const pool = h.sup.getGroup('ev') as EventListenerPool;
    await h.sup.sendRemoteCommEvent('later', 'x');
    expect(pool.getListenerState('ev')).toBe('UNKNOWN');
    expect(pool.buffered).toBe(2); // the garbage event (rejected) and the new one
    await h.sup.stopProcess('ev');
    await h.sup.startProcess('ev');
    const file = join(tmp, 'ev.jsonl');
    // The restarted listener gets both again; it answers garbage again, so it ends UNKNOWN once more.
    await states.until(
      (s) => s.to === 'UNKNOWN' && states.events.filter((x) => x.to === 'UNKNOWN').length === 2,
    );
    expect(read(file).map((e) => e.payload)).toEqual([]);
    expect(pool.buffered).toBe(2);
    states.dispose();
  });
});
