#!/usr/bin/env node
// `npm run demo`: the seed article's supervisord example, supervised from inside Node with procvisor.
//
//   [program:testing]
//   command=/data/deploy/testing/testing -p 80%(process_num)02d
//   numprocs=3
//   process_name=%(program_name)s-%(process_num)02d
//   autostart=true
//   autorestart=true
//   startretries=5
//   redirect_stderr=true
//   stdout_logfile=/data/deploy/testing/output-%(process_num)02d.log
//
// Here `testing` is examples/worker.mjs, a small HTTP server, listening on 180%(process_num)02d (18000,
// 18001, 18002) so no root is needed. The demo prints every state change as it happens, checks each worker
// answers HTTP, kills one with SIGKILL to show the restart, prints `supervisorctl status`, shows a log tail and
// shuts everything down. Ctrl-C shuts down at any time.
//
// Environment: DEMO_PORT_BASE (a multiple of 100, default 18000), DEMO_PAUSE_MS (pauses for the viewer,
// default 1500).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Supervisor } from '../dist/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKER = join(HERE, 'worker.mjs');
const NUMPROCS = 3;
const VICTIM = 'testing:testing-01';
/** Generous: a loaded CI machine can be slow to start Node; we never fail on time alone before this. */
const WAIT_MS = 60_000;

/** A failure the demo explains in words (no stack trace). */
class DemoError extends Error {}

const PORT_BASE = parsePortBase(process.env.DEMO_PORT_BASE ?? '18000');
const PAUSE_MS = Math.max(0, Number(process.env.DEMO_PAUSE_MS ?? 1500) || 0);

function parsePortBase(text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n % 100 !== 0 || n < 1100 || n > 65400) {
    console.error(
      `DEMO_PORT_BASE must be a multiple of 100 between 1100 and 65400, got ${JSON.stringify(text)}`,
    );
    process.exit(2);
  }
  return n;
}

// ---- output -----------------------------------------------------------------------------------------------

function time() {
  const d = new Date();
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

const say = (text = '') => console.log(text);
const step = (text) => say(`\n== ${text}`);

/** One line per PROCESS_STATE event: time, process, from → to, and the event's pid or tries. */
function describeChange(e) {
  const extras = [];
  if (e.tries !== undefined) extras.push(`tries=${e.tries}`);
  if (e.pid !== undefined) extras.push(`pid=${e.pid}`);
  if (e.expected !== undefined) extras.push(`expected=${e.expected}`);
  const spec = e.groupName === e.processName ? e.processName : `${e.groupName}:${e.processName}`;
  return `${time()}  ${spec.padEnd(20)} ${e.fromState.padEnd(8)} → ${e.state.padEnd(8)}  ${extras.join(' ')}`;
}

/** `supervisorctl status`: `'%-<W>s%-10s%s' % (namespec, statename, description)`, W = max(30, longest) + 3. */
function statusTable(infos) {
  const specs = infos.map((i) => (i.group === i.name ? i.name : `${i.group}:${i.name}`));
  const width = Math.max(30, ...specs.map((s) => s.length)) + 3;
  return infos.map((i, k) => specs[k].padEnd(width) + i.statename.padEnd(10) + i.description).join('\n');
}

function tail(path, lines) {
  try {
    const text = readFileSync(path, 'utf8');
    return text.split('\n').filter(Boolean).slice(-lines).join('\n');
  } catch (err) {
    return `(cannot read ${path}: ${err.code ?? err.message})`;
  }
}

// ---- helpers ------------------------------------------------------------------------------------------------

/** Resolves if `port` can be listened on at 127.0.0.1, else rejects with the listen error (EADDRINUSE...). */
function checkPortFree(port) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** GET http://127.0.0.1:<port>/ and parse the worker's JSON answer. */
function httpGet(port) {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/', timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch {
          reject(new Error(`not JSON: ${JSON.stringify(body)}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
  });
}

/** The worker's answer; a refused connection is retried briefly (RUNNING means "up for startsecs", not "listening"). */
async function askWorker(port, signal) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await httpGet(port);
    } catch (err) {
      if (err.code !== 'ECONNREFUSED' || attempt >= 50) throw err;
      await pause(100, signal);
    }
  }
}

/** A deliberate pause (for the viewer, or between HTTP retries) that Ctrl-C interrupts. */
function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits for PROCESS_STATE events until `check(event)` returns a value (resolve with it) or throws (reject).
 * Always removes its listener; rejects on abort or after WAIT_MS.
 */
function waitForStates(sup, what, check, signal) {
  return new Promise((resolve, reject) => {
    const done = () => {
      sup.off('PROCESS_STATE', onEvent);
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onEvent = (e) => {
      let value;
      try {
        value = check(e);
      } catch (err) {
        done();
        reject(err);
        return;
      }
      if (value !== undefined) {
        done();
        resolve(value);
      }
    };
    const onAbort = () => {
      done();
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      done();
      reject(new DemoError(`gave up after ${WAIT_MS / 1000} s waiting for ${what}`));
    }, WAIT_MS);
    if (signal.aborted) return onAbort();
    sup.on('PROCESS_STATE', onEvent);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Escapes a literal path for an option that procvisor %-expands `times` times, as supervisord does. */
const literal = (text, times = 1) => text.replaceAll('%', times === 1 ? '%%' : '%%%%');

// ---- the demo -----------------------------------------------------------------------------------------------

const ports = Array.from({ length: NUMPROCS }, (_, n) => PORT_BASE + n);
const stop = new AbortController();
let sup;
let tmp;
let exitCode = 0;
let interrupted = false;

// Ctrl-C (or a polite kill): abandon what we are waiting for, shut down, exit. A second Ctrl-C forces it.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (!interrupted) {
      interrupted = true;
      say(`\n${time()}  got ${sig}: shutting down (press Ctrl-C again to force)`);
      stop.abort(new DemoError(`interrupted by ${sig}`));
      return;
    }
    say(`${time()}  got ${sig} again: killing the workers`);
    killLeftovers();
    process.exit(130);
  });
}

// Last resort, whatever happened: no worker outlives the demo.
process.on('exit', killLeftovers);

function killLeftovers() {
  for (const p of sup?.processes ?? []) {
    if (p.pid > 0) {
      try {
        process.kill(-p.pid, 'SIGKILL'); // each child leads its own process group
      } catch {
        // already gone
      }
    }
  }
}

async function main() {
  const signal = stop.signal;
  say("procvisor demo: the seed article's [program:testing], numprocs=3, supervised from Node.");

  step(`checking that ports ${ports.join(', ')} are free`);
  for (const port of ports) {
    try {
      await checkPortFree(port);
    } catch (err) {
      throw new DemoError(
        err.code === 'EADDRINUSE'
          ? `port ${port} is busy (EADDRINUSE): another program listens on 127.0.0.1:${port}.\n` +
              `Stop it, or run the demo on other ports: DEMO_PORT_BASE=${PORT_BASE + 1000} npm run demo`
          : `cannot listen on 127.0.0.1:${port}: ${err.code ?? err.message}`,
      );
    }
  }

  tmp = mkdtempSync(join(tmpdir(), 'procvisor-demo-'));
  sup = new Supervisor({
    childlogdir: tmp,
    programs: {
      testing: {
        directory: literal(HERE),
        // An argv array: never split, so paths with spaces are safe. `-p 180%(process_num)02d` → -p 18001.
        command: [literal(process.execPath), literal(WORKER), '-p', `${PORT_BASE / 100}%(process_num)02d`],
        numprocs: NUMPROCS,
        processName: '%(program_name)s-%(process_num)02d',
        autostart: true,
        autorestart: true,
        startretries: 5,
        startsecs: 1,
        redirectStderr: true,
        // Log file names are expanded twice, as in supervisord: a literal % in the path is written %%%%.
        stdoutLogfile: join(literal(tmp, 2), '%(program_name)s-%(process_num)02d.log'),
        stopwaitsecs: 5,
      },
    },
  });
  say(`log files in ${tmp}`);

  sup.on('PROCESS_STATE', (e) => say(describeChange(e)));
  sup.on('PROCESS_GROUP_ADDED', (e) => say(`${time()}  group added: ${e.groupName}`));
  sup.on('SUPERVISOR_STATE_CHANGE', (e) => say(`${time()}  ${e.type}`));
  sup.on('log', (r) => {
    if (r.level !== 'debug') say(`${time()}    (${r.level}) ${r.message}`);
  });

  step('starting: every process goes STOPPED → STARTING, then RUNNING after startsecs=1');
  const running = new Set();
  const allRunning = waitForStates(
    sup,
    'all three workers to be RUNNING',
    (e) => {
      if (e.state === 'RUNNING') running.add(e.processName);
      if (e.state === 'FATAL') {
        const info = sup.getProcess(`testing:${e.processName}`)?.info();
        throw new DemoError(`${e.processName} entered FATAL: ${info?.description ?? ''}`, {
          cause: { logfile: info?.stdout_logfile },
        });
      }
      if (e.state === 'BACKOFF') {
        // Best effort: the log may already say why (the worker reports EADDRINUSE before exiting).
        const info = sup.getProcess(`testing:${e.processName}`)?.info();
        if (info && /EADDRINUSE/.test(tail(info.stdout_logfile, 5))) {
          throw new DemoError(`${e.processName} cannot listen: its port is busy (EADDRINUSE)`, {
            cause: { logfile: info.stdout_logfile },
          });
        }
      }
      return running.size === NUMPROCS ? true : undefined;
    },
    signal,
  );
  allRunning.catch(() => {}); // handled below; this only keeps a rejection during start() from being "unhandled"
  signal.throwIfAborted();
  await sup.start();
  await allRunning;

  step('each worker answers HTTP on its port');
  for (const [n, port] of ports.entries()) {
    const info = await sup.getProcessInfo(`testing:testing-0${n}`);
    const answer = await askWorker(port, signal);
    const ok = answer.pid === info.pid && answer.name === info.name;
    say(`GET http://127.0.0.1:${port}/ → ${JSON.stringify(answer)}${ok ? '' : '  (unexpected!)'}`);
    if (!ok)
      throw new DemoError(`port ${port} was answered by someone else than ${info.name} (pid ${info.pid})`);
  }

  await pause(PAUSE_MS, signal);
  const victim = sup.getProcess(VICTIM);
  const oldPid = victim.pid;
  step(`killing ${VICTIM} (pid ${oldPid}) with SIGKILL: autorestart=true brings it back`);
  const seen = [];
  const restarted = waitForStates(
    sup,
    `${VICTIM} to be RUNNING again`,
    (e) => {
      if (e.processName !== victim.name) return undefined;
      seen.push(e.state);
      if (e.state === 'FATAL') throw new DemoError(`${VICTIM} entered FATAL instead of restarting`);
      return e.state === 'RUNNING' ? e.pid : undefined;
    },
    signal,
  );
  process.kill(oldPid, 'SIGKILL');
  const newPid = await restarted;
  say(`restarted: ${VICTIM} went ${['RUNNING', ...seen].join(' → ')} (pid ${oldPid} → ${newPid})`);
  const port = ports[1];
  const answer = await askWorker(port, signal);
  say(`GET http://127.0.0.1:${port}/ → ${JSON.stringify(answer)}`);

  await pause(PAUSE_MS, signal);
  step('supervisorctl status');
  say(statusTable(await sup.getAllProcessInfo()));

  const info = await sup.getProcessInfo(VICTIM);
  step(`tail of ${info.stdout_logfile} (stdout and, redirected, stderr; two lives)`);
  say(tail(info.stdout_logfile, 8));

  await pause(PAUSE_MS, signal);
}

let stopping;
/** Shuts the supervisor down once, then checks that every worker pid is gone. */
function shutdown() {
  stopping ??= runShutdown();
  return stopping;
}

async function runShutdown() {
  if (!sup) return;
  const pids = new Set(sup.processes.map((p) => p.pid).filter((pid) => pid > 0));
  step('shutting down: SUPERVISOR_STATE_CHANGE_STOPPING, then every worker gets SIGTERM');
  await sup.shutdown();
  const alive = [...pids].filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  if (alive.length > 0) {
    say(`still alive after shutdown: ${alive.join(', ')}`);
    exitCode = 1;
  } else {
    say(`all ${NUMPROCS} workers stopped; no process left behind (pids ${[...pids].join(', ')} are gone)`);
  }
}

try {
  await main();
} catch (err) {
  exitCode = interrupted ? 0 : 1;
  if (!interrupted || !(err instanceof DemoError)) {
    console.error(`\ndemo failed: ${err instanceof DemoError ? err.message : (err?.stack ?? err)}`);
  }
  const logfile = err?.cause?.logfile;
  if (logfile) {
    // Read after shutdown, when every log is flushed and closed.
    await shutdown().catch(() => {});
    console.error(`\nlast lines of ${logfile}:\n${tail(logfile, 6)}`);
  }
} finally {
  try {
    await shutdown();
  } catch (err) {
    console.error(`shutdown failed: ${err?.stack ?? err}`);
    exitCode = 1;
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
