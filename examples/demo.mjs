#!/usr/bin/env node
// `npm run demo`: procvisor keeps three copies of a small web server running, from inside a Node program.
//
// A "program" is a command that procvisor starts and watches. Here the program is called `web`, and its
// command is examples/worker.mjs, a tiny HTTP server. `numprocs: 3` asks for three copies of it. Each copy
// is a "process": web:web-00 on port 18000, web:web-01 on 18001 and web:web-02 on 18002 (the name is
// `group:process`; the group takes the program's name). What the demo shows, step by step:
//
//   1. It checks that the three ports are free.
//   2. It starts the processes. Each one goes STARTING (launched), then RUNNING once it has stayed up for
//      `startsecs` (1 second). Every change of state is printed as it happens.
//   3. It asks each worker over HTTP, to see the three of them answer.
//   4. It kills web:web-01 with SIGKILL, as if it had crashed. `autorestart: true` makes procvisor start it
//      again: a new pid, the same port.
//   5. It prints the status table, the same table `supervisorctl status` prints.
//   6. It shows the end of web-01's log file: its stdout and its stderr, from both of its lives.
//   7. It shuts down: every worker gets SIGTERM, and procvisor waits until each one has exited.
//
// Ctrl-C shuts everything down at any time. The options have supervisord's names and meanings; in a
// supervisord.conf, the same program would read (examples/web.conf is a complete file):
//
//   [program:web]
//   command=node worker.mjs -p 180%(process_num)02d
//   numprocs=3
//   process_name=%(program_name)s-%(process_num)02d
//   autostart=true
//   autorestart=true
//   startretries=5
//   startsecs=1
//   redirect_stderr=true
//   stdout_logfile=/tmp/demo/%(program_name)s-%(process_num)02d.log
//   stopwaitsecs=5
//
// (The demo puts its log files in a new temporary directory and removes it at the end.)
//
// Environment: DEMO_PORT_BASE (a multiple of 100, default 18000: the ports are DEMO_PORT_BASE + 0, 1, 2),
// DEMO_PAUSE_MS (how long to pause between steps for the viewer, default 1500).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Supervisor } from '../dist/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKER = join(HERE, 'worker.mjs');
const PROGRAM = 'web';
const NUMPROCS = 3;
/** The process the demo kills: `group:process`, the group being the program. */
const VICTIM = `${PROGRAM}:${PROGRAM}-01`;
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
/** A step's title, then a few plain lines saying what is about to happen and how to read it. */
const step = (title, ...explanation) => {
  say(`\n== ${title}`);
  for (const line of explanation) say(`   ${line}`);
};

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

// Last resort, whatever happened (a second Ctrl-C, a crash): no worker and no log directory outlives the demo.
process.on('exit', () => {
  killLeftovers();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

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
  say('procvisor demo: keep three copies of a small web server running, and bring back one that crashes.');
  say();
  say('A program is a command that procvisor starts and keeps running. This demo has one program,');
  say(`"${PROGRAM}": examples/worker.mjs, a tiny HTTP server. numprocs=3 asks for three copies of it.`);
  say('Each copy is a process. Its name reads group:process, and the group is named after the program:');
  for (const [n, port] of ports.entries()) say(`  ${PROGRAM}:${PROGRAM}-0${n} will listen on port ${port}`);
  say('Press Ctrl-C at any time to stop everything.');

  step(
    `checking that ports ${ports.join(', ')} are free`,
    'Each worker listens on one of them. If one is taken, the demo stops here.',
  );
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
      [PROGRAM]: {
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

  sup.on('PROCESS_STATE', (e) => say(describeChange(e)));
  sup.on('PROCESS_GROUP_ADDED', (e) => say(`${time()}  group added: ${e.groupName}`));
  sup.on('SUPERVISOR_STATE_CHANGE', (e) =>
    say(
      `${time()}  the supervisor is now ${e.type.replace('SUPERVISOR_STATE_CHANGE_', '')}  (event ${e.type})`,
    ),
  );
  sup.on('log', (r) => {
    if (r.level !== 'debug') say(`${time()}    (${r.level}) ${r.message}`);
  });

  step(
    `starting the ${NUMPROCS} processes`,
    'Each line below is one change of state: the time, the process, its old state → its new state.',
    'STARTING means the process has been launched. RUNNING means it has stayed up for startsecs = 1 s,',
    'so procvisor counts the start as a success. pid= is the process id; tries= counts failed starts.',
    "Lines marked (info) or (warn) are procvisor's own log messages.",
    `Each process writes its output to its own log file, in ${tmp}.`,
  );
  const running = new Set();
  const allRunning = waitForStates(
    sup,
    'all three workers to be RUNNING',
    (e) => {
      if (e.state === 'RUNNING') running.add(e.processName);
      if (e.state === 'FATAL') {
        const info = sup.getProcess(`${PROGRAM}:${e.processName}`)?.info();
        throw new DemoError(`${e.processName} entered FATAL: ${info?.description ?? ''}`, {
          cause: { logfile: info?.stdout_logfile },
        });
      }
      if (e.state === 'BACKOFF') {
        // Best effort: the log may already say why (the worker reports EADDRINUSE before exiting).
        const info = sup.getProcess(`${PROGRAM}:${e.processName}`)?.info();
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

  step(
    'asking each worker over HTTP',
    'RUNNING only says "it stayed up for 1 s". Here each worker shows it works:',
    'it answers with its name, its pid (process id) and its port.',
  );
  for (const [n, port] of ports.entries()) {
    const info = await sup.getProcessInfo(`${PROGRAM}:${PROGRAM}-0${n}`);
    const answer = await askWorker(port, signal);
    const ok = answer.pid === info.pid && answer.name === info.name;
    say(`GET http://127.0.0.1:${port}/ → ${JSON.stringify(answer)}${ok ? '' : '  (unexpected!)'}`);
    if (!ok)
      throw new DemoError(`port ${port} was answered by someone else than ${info.name} (pid ${info.pid})`);
  }

  await pause(PAUSE_MS, signal);
  const victim = sup.getProcess(VICTIM);
  const oldPid = victim.pid;
  step(
    `killing ${VICTIM} (pid ${oldPid}) with SIGKILL, as if it had crashed`,
    'autorestart=true: when a process dies without being asked to stop, procvisor starts it again.',
    'Watch it go EXITED (it died), then STARTING and RUNNING again, with a new pid.',
    'On the EXITED line, expected=false says that nobody asked it to stop.',
  );
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
  say(`GET http://127.0.0.1:${port}/ → ${JSON.stringify(answer)}  (the same port, the new pid)`);

  await pause(PAUSE_MS, signal);
  step(
    'the status table, the same table `supervisorctl status` prints',
    'supervisorctl is the command-line tool of supervisord, the Python supervisor that procvisor follows.',
    'One line per process: its name (group:process), its state, its pid and how long it has been up.',
    `${VICTIM}'s uptime counts from its restart.`,
  );
  say(statusTable(await sup.getAllProcessInfo()));

  const info = await sup.getProcessInfo(VICTIM);
  step(
    `the last lines of ${info.name}'s log file, ${info.stdout_logfile}`,
    'redirect_stderr=true sends what the process writes to stderr into the same file as its stdout.',
    `The file keeps both lives of ${info.name}: the lines of the old pid, then those of the new one.`,
  );
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
  step(
    'shutting down',
    'procvisor sends each process SIGTERM, the polite "please exit" signal, then waits for it to exit.',
    'A process still running after stopwaitsecs = 5 s would get SIGKILL.',
    'STOPPING means it was asked to stop; STOPPED means it has exited.',
  );
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
