/**
 * The watchdog process (`node watchdog-main.js <host pid> <host tag>`), started by {@link Watchdog}: it
 * outlives a host that dies without running any hook (SIGKILL, the OOM killer, a crash in native code) and
 * then kills every descendant the host's supervisors started.
 *
 * Its stdin is a pipe from the host; nothing else holds the write end (Node opens pipes close-on-exec), so
 * end-of-file means the host is gone, however it died. The host writes one line per change:
 * `+<pgid> <start>` (a child's process group, with its leader's start time or `-`), `-<pgid>` (that group is
 * empty), and `bye` (the host shut down cleanly: exit without killing).
 * @module
 */
import { killTreeSync, type GroupRoot } from './kill-tree.js';

const hostTag = process.argv[3] ?? '';
const groups = new Map<number, GroupRoot>();
let bye = false;
let buffered = '';

// Only the host's death ends us: a terminal's ^C or a `kill` aimed at the host's process group is for the
// host, which then stops its children itself (or dies, and we see the end of the pipe).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});

function handle(line: string): void {
  if (line === 'bye') {
    bye = true;
    return;
  }
  const m = /^([+-])(\d+)(?: (\d+|-))?$/.exec(line);
  if (!m) return;
  const pgid = Number(m[2]);
  if (m[1] === '+')
    groups.set(pgid, { pgid, start: m[3] === undefined || m[3] === '-' ? null : Number(m[3]) });
  else groups.delete(pgid);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function sweep(): Promise<void> {
  const roots = { groups: [...groups.values()], tags: hostTag ? [hostTag] : [] };
  // Everything at once with SIGKILL: the host was killed, so its children get no gentler end than it did
  // (a graceful stop is what shutdown() and the signal hooks are for). Then look again a few times for
  // anything that forked while we were killing.
  for (let round = 0; round < 10; round++) {
    if (killTreeSync(roots).length === 0 && round > 0) break;
    await sleep(50);
  }
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffered += chunk;
  for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
    handle(buffered.slice(0, nl));
    buffered = buffered.slice(nl + 1);
  }
});
let ended = false;
const end = () => {
  if (ended) return;
  ended = true;
  if (bye) process.exit(0);
  void sweep().finally(() => process.exit(0));
};
process.stdin.on('end', end);
process.stdin.on('error', end);
