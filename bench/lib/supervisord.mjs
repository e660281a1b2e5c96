// Driving supervisord 4.2.5 for the comparison columns: a generated config in a temp dir, `supervisord -n`,
// and XML-RPC over its unix socket (what supervisorctl does).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './util.mjs';

/** supervisord's version, or null when it is not installed. */
export function supervisordVersion() {
  const r = spawnSync('supervisord', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function xmlEscape(s) {
  return String(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function param(v) {
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number') return `<value><int>${v}</int></value>`;
  return `<value><string>${xmlEscape(v)}</string></value>`;
}

/** One XML-RPC call; resolves with the response body text, rejects on a fault. */
export function rpc(socketPath, method, ...params) {
  const body =
    `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>` +
    params.map((p) => `<param>${param(p)}</param>`).join('') +
    `</params></methodCall>`;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path: '/RPC2',
        method: 'POST',
        headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          if (text.includes('<fault>'))
            reject(new Error(`${method}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`));
          else resolve(text);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The times of supervisord's activity-log lines, in ms from the first: `started` ("supervisord started with
 * pid"), and the first and last lines matching `spawned` and `running`.
 */
export function logTimes(text) {
  const at = (line) => {
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3}) /.exec(line);
    return m ? Date.parse(`${m[1]}T${m[2]}.${m[3]}Z`) : NaN;
  };
  const out = { started: NaN, firstSpawned: NaN, lastSpawned: NaN, lastRunning: NaN, running: 0 };
  for (const line of text.split('\n')) {
    if (line.includes(' supervisord started with pid ')) out.started = at(line);
    else if (line.includes(' INFO spawned: ')) {
      if (Number.isNaN(out.firstSpawned)) out.firstSpawned = at(line);
      out.lastSpawned = at(line);
    } else if (line.includes(' entered RUNNING state')) {
      out.lastRunning = at(line);
      out.running++;
    }
  }
  return out;
}

/** Counts getAllProcessInfo entries in a given state. */
export function countState(xml, state) {
  const re = new RegExp(`<name>statename</name>\\s*<value>\\s*<string>${state}</string>`, 'g');
  return (xml.match(re) ?? []).length;
}

/**
 * Starts supervisord with `[program:*]` / `[eventlistener:*]` sections (raw INI text) in a new temp dir and
 * waits until it answers, or with `poll: false` returns at once: a request wakes supervisord's main loop
 * from its one-second wait, so a measurement of that loop must not send one. Returns
 * { dir, socket, log, pid, exited(), stop() }.
 */
export async function launchSupervisord(sections, { minfds = 8192, minprocs = 4096, poll = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'procvisor-bench-sd-'));
  const socket = join(dir, 's.sock');
  writeFileSync(
    join(dir, 'supervisord.conf'),
    [
      '[unix_http_server]',
      `file=${socket}`,
      '[supervisord]',
      `logfile=${join(dir, 'supervisord.log')}`,
      `pidfile=${join(dir, 'supervisord.pid')}`,
      `childlogdir=${dir}`,
      'nodaemon=true',
      `minfds=${minfds}`,
      `minprocs=${minprocs}`,
      '[rpcinterface:supervisor]',
      'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
      sections,
      '',
    ].join('\n'),
  );
  const child = spawn('supervisord', ['-n', '-c', join(dir, 'supervisord.conf')], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; poll; i++) {
    if (gone) throw new Error(`supervisord exited: ${stderr.trim()}`);
    try {
      await rpc(socket, 'supervisor.getState');
      break;
    } catch (err) {
      if (i > 400) throw new Error(`supervisord did not answer: ${err.message} ${stderr.trim()}`);
      await sleep(25);
    }
  }
  return {
    dir,
    socket,
    log: join(dir, 'supervisord.log'),
    pid: child.pid,
    exited: () => (gone ? `supervisord exited: ${stderr.trim()}` : null),
    async stop() {
      if (!gone) {
        try {
          await rpc(socket, 'supervisor.shutdown');
        } catch {
          child.kill('SIGKILL');
        }
        const t = setTimeout(() => child.kill('SIGKILL'), 30000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A `[program:s]` of `n` idle `sleep 1000` processes, logs off: started on request, or by supervisord's
 * main loop with `autostart`.
 */
export function sleepersConf(n, { autostart = false } = {}) {
  return [
    '[program:s]',
    'command=sleep 1000',
    `numprocs=${n}`,
    'process_name=%(program_name)s_%(process_num)d',
    'startsecs=0',
    `autostart=${autostart}`,
    'autorestart=false',
    'stdout_logfile=NONE',
    'stderr_logfile=NONE',
  ].join('\n');
}
