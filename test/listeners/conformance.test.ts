/**
 * Listeners written against supervisord's protocol receive from procvisor what supervisord 4.2.5 sends them.
 * test/fixtures/listener-golden/ holds a scenario (two pools: a Python listener built on supervisor's own
 * childutils, and a Node one reading raw bytes) and what real supervisord sent each listener, recorded by
 * its record.py. Here procvisor runs the same scenario from the same INI file and the envelopes must match:
 * the same events in the same order, the same headers (serials included) and payloads, except for pids.
 * With PROCVISOR_LIVE_SUPERVISORD=1 (and supervisord installed) it also records supervisord afresh and checks
 * the committed recording against it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { loadIniFile } from '../../src/ini/index.js';
import type { SupervisorConfig } from '../../src/index.js';
import { it, type Harness } from '../helpers/core.js';
import { waitUntil } from '../helpers/wait.js';

const GOLDEN = fileURLToPath(new URL('../fixtures/listener-golden/', import.meta.url));
const POOLS = ['pylistener', 'nodelistener'] as const;

function works(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HAVE_CHILDUTILS =
  existsSync('/usr/bin/python3') && works('/usr/bin/python3', ['-c', 'import supervisor.childutils']);
// Re-recording from real supervisord takes a few seconds and depends on its 1-second main loop; it runs
// when asked for: PROCVISOR_LIVE_SUPERVISORD=1.
const LIVE_SUPERVISORD =
  process.env.PROCVISOR_LIVE_SUPERVISORD === '1' && HAVE_CHILDUTILS && works('supervisord', ['--version']);

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

const isEnd = (e: Envelope) => e.payload.startsWith('type:end\n');

/**
 * Up to the `end` event; pids replaced (they differ by nature), `len` checked against the payload (in UTF-8
 * bytes; every payload here is ASCII, so supervisord's character count is the same) and then replaced, since
 * it counts the pid digits.
 */
function normalize(records: Envelope[]): Envelope[] {
  const end = records.findIndex(isEnd);
  expect(end).toBeGreaterThanOrEqual(0);
  return records.slice(0, end + 1).map((r) => {
    const len = /(?:^| )len:(\d+)$/.exec(r.header);
    expect(Number(len?.[1]), r.header).toBe(Buffer.byteLength(r.payload));
    return {
      header: r.header.replace(/ len:\d+$/, ' len:N'),
      payload: r.payload.replace(/pid:\d+/g, 'pid:N'),
      reply: r.reply,
    };
  });
}

async function runProcvisor(
  supervise: (config: SupervisorConfig) => Harness,
  tmp: string,
): Promise<Record<string, Envelope[]>> {
  const main = join(tmp, 'supervisord.conf');
  writeFileSync(
    main,
    `[supervisord]\nchildlogdir=${tmp}\n[include]\nfiles=${join(GOLDEN, 'scenario.conf')}\n`,
  );
  const config = await loadIniFile(main, { env: { ...process.env, LISTENER_OUT: tmp } });
  // The INI reader keeps the pools under a non-enumerable key; hand them over explicitly.
  const h = supervise({ ...config, eventListeners: config.eventListeners ?? {} });
  await h.sup.start();
  await h.reach('pylistener', 'RUNNING');
  await h.reach('nodelistener', 'RUNNING');
  await h.sup.startProcess('hello');
  await h.sup.sendProcessStdin('hello', 'go\n');
  await h.reach('hello', 'EXITED');
  await h.sup.sendRemoteCommEvent('reject', 'fail me once');
  await h.sup.sendRemoteCommEvent('end', 'done');
  const files = POOLS.map((p) => join(tmp, `${p}.jsonl`));
  await waitUntil(() => files.every((f) => read(f).some(isEnd)), 'both listeners have the end event');
  return Object.fromEntries(POOLS.map((p, i) => [p, read(files[i]!)]));
}

describe.skipIf(!HAVE_CHILDUTILS)('listener protocol conformance with supervisord 4.2.5', () => {
  it('a childutils listener and a Node listener receive what supervisord sends them', async ({
    supervise,
    tmp,
  }) => {
    const got = await runProcvisor(supervise, tmp);
    for (const pool of POOLS) {
      const want = normalize(read(join(GOLDEN, `${pool}.jsonl`)));
      expect(normalize(got[pool]!), pool).toEqual(want);
    }
  });

  it.skipIf(!LIVE_SUPERVISORD)('the committed recording is what supervisord sends today', async ({ tmp }) => {
    try {
      execFileSync('/usr/bin/python3', [join(GOLDEN, 'record.py'), tmp], { stdio: 'pipe', timeout: 60_000 });
    } catch (err) {
      throw new Error(`record.py failed:\n${String((err as { stderr?: Buffer }).stderr ?? err)}`, {
        cause: err,
      });
    }
    for (const pool of POOLS) {
      expect(normalize(read(join(tmp, `${pool}.jsonl`))), pool).toEqual(
        normalize(read(join(GOLDEN, `${pool}.jsonl`))),
      );
    }
  });
});

it.skipIf(HAVE_CHILDUTILS)(
  'listener conformance skipped: /usr/bin/python3 with supervisor.childutils (Debian package `supervisor`) not found',
  () => {},
);
