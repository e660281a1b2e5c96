// Row 3: one child writes `bytes` of 100-byte lines; time until every byte is in the log file(s).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchSupervisord, rpc } from '../lib/supervisord.mjs';
import { cpuMs, logBytes, now, procCpuMs, sleep } from '../lib/util.mjs';

// 99 characters and a newline.
const LINE = `procvisor bench ${'x'.repeat(99 - 'procvisor bench '.length)}`;
const producer = (bytes) => `yes '${LINE}' | head -c ${bytes}`;

async function untilBytes(dir, name, bytes, deadlineMs = 300_000) {
  const end = now() + deadlineMs;
  for (;;) {
    const have = await logBytes(fsp, dir, name);
    if (have === bytes) return;
    if (have > bytes) throw new Error(`${have} bytes logged, expected ${bytes}`);
    if (now() > end) throw new Error(`only ${have} of ${bytes} bytes logged`);
    await sleep(2);
  }
}

function tempDir() {
  return mkdtempSync(join(tmpdir(), 'procvisor-bench-log-'));
}

/** The same producer with a shell redirect straight into a file. */
export async function raw({ bytes }) {
  const dir = tempDir();
  try {
    const t0 = now();
    const c = spawn('/bin/sh', ['-c', `${producer(bytes)} > ${join(dir, 'w.log')}`], { stdio: 'ignore' });
    await new Promise((resolve, reject) => {
      c.once('error', reject);
      c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    });
    await untilBytes(dir, 'w.log', bytes);
    return { ms: now() - t0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Diagnostic, not a target: plain Node piping the child's stdout into rotating-file-stream (the library
 * procvisor's log files use), to tell Node's own cost of reading a pipe and writing a file from procvisor's.
 */
export async function nodePipe({ bytes, maxbytes }) {
  const { createStream } = await import('rotating-file-stream');
  const { parseBytes } = await import('../lib/util.mjs');
  const dir = tempDir();
  try {
    const c0 = process.cpuUsage();
    const t0 = now();
    const c = spawn('/bin/sh', ['-c', producer(bytes)], { stdio: ['ignore', 'pipe', 'ignore'] });
    const out = createStream(join(dir, 'w.log'), { rotate: 10, size: `${parseBytes(maxbytes)}B` });
    c.stdout.pipe(out);
    await new Promise((resolve, reject) => {
      out.once('finish', resolve);
      out.once('error', reject);
    });
    await untilBytes(dir, 'w.log', bytes);
    return { ms: now() - t0, cpu: cpuMs(c0) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A Node host reading the producer's stdout and writing it to one file with `drain(stdout, fd)`, which
 * resolves once every byte is written: time and host CPU until the file holds them all.
 */
async function nodeWriter(bytes, drain) {
  const { openSync, closeSync } = await import('node:fs');
  const dir = tempDir();
  try {
    const c0 = process.cpuUsage();
    const t0 = now();
    const fd = openSync(join(dir, 'w.log'), 'a');
    const c = spawn('/bin/sh', ['-c', producer(bytes)], { stdio: ['ignore', 'pipe', 'ignore'] });
    await Promise.race([drain(c.stdout, fd), new Promise((_, reject) => c.once('error', reject))]);
    closeSync(fd);
    await untilBytes(dir, 'w.log', bytes);
    return { ms: now() - t0, cpu: cpuMs(c0) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Diagnostic, not a target: the least a Node host can do with the child's output, to show Node's own floor.
 * The pipe is read as Node reads it, and whatever waits behind a write goes out in one `fs.writev`: no
 * rotation, no events, nothing else.
 */
export async function nodeFloor({ bytes }) {
  const { writev } = await import('node:fs');
  return nodeWriter(
    bytes,
    (stdout, fd) =>
      new Promise((resolve, reject) => {
        let queue = [];
        let writing = false;
        let ended = false;
        const flush = () => {
          if (writing) return;
          if (queue.length === 0) return ended && resolve();
          const batch = queue;
          queue = [];
          writing = true;
          writev(fd, batch, (err) => {
            writing = false;
            if (err) reject(err);
            else flush();
          });
        };
        stdout.on('data', (chunk) => {
          queue.push(chunk);
          flush();
        });
        stdout.once('end', () => {
          ended = true;
          flush();
        });
      }),
  );
}

/**
 * Diagnostic, not a target: a Node host that writes each chunk with `fs.writeSync` on its main thread as it
 * is read, the way supervisord's loop writes, with no thread-pool hop. It blocks the event loop on every
 * write (a host supervising anything else could not do this), so it bounds what any Node host reaches here.
 */
export async function nodeFloorSync({ bytes }) {
  const { writeSync } = await import('node:fs');
  return nodeWriter(
    bytes,
    (stdout, fd) =>
      new Promise((resolve) => {
        stdout.on('data', (chunk) => {
          for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off);
        });
        stdout.once('end', resolve);
      }),
  );
}

/**
 * Diagnostic, not a target: a Node host that reads the producer's stdout and throws every chunk away, no
 * file at all. Reading alone is then all it pays for: a ceiling on any Node host's log throughput.
 */
export async function nodeRead({ bytes }) {
  const c0 = process.cpuUsage();
  const t0 = now();
  const c = spawn('/bin/sh', ['-c', producer(bytes)], { stdio: ['ignore', 'pipe', 'ignore'] });
  let read = 0;
  c.stdout.on('data', (chunk) => (read += chunk.length));
  await new Promise((resolve, reject) => {
    c.once('error', reject);
    c.stdout.once('end', resolve);
  });
  if (read !== bytes) throw new Error(`${read} bytes read, expected ${bytes}`);
  return { ms: now() - t0, cpu: cpuMs(c0) };
}

/** Supervised with stdoutLogfile and stdoutLogfileMaxbytes: time from start() to the last byte in the files. */
export async function procvisor({ bytes, maxbytes }, { Supervisor }) {
  const dir = tempDir();
  const sup = new Supervisor({
    programs: {
      w: {
        command: ['/bin/sh', '-c', producer(bytes)],
        startsecs: 0,
        autorestart: false,
        stdoutLogfile: join(dir, 'w.log'),
        stdoutLogfileMaxbytes: maxbytes,
        stderrLogfile: 'NONE',
      },
    },
  });
  try {
    const exited = new Promise((resolve) => sup.on('PROCESS_STATE_EXITED', resolve));
    const c0 = process.cpuUsage();
    const t0 = now();
    await sup.start();
    await exited;
    await untilBytes(dir, 'w.log', bytes);
    const ms = now() - t0;
    const cpu = cpuMs(c0);
    const files = (await fsp.readdir(dir)).length;
    return { ms, cpu, files };
  } finally {
    await sup.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** supervisord with stdout_logfile and stdout_logfile_maxbytes; started with startProcess(wait=false). */
export async function supervisord({ bytes, maxbytes }) {
  const sd = await launchSupervisord(
    [
      '[program:w]',
      `command=/bin/sh -c "${producer(bytes)}"`,
      'startsecs=0',
      'autostart=false',
      'autorestart=false',
      `stdout_logfile=%(here)s/w.log`,
      `stdout_logfile_maxbytes=${maxbytes}`,
      'stderr_logfile=NONE',
    ].join('\n'),
  );
  try {
    const c0 = procCpuMs(sd.pid);
    const t0 = now();
    await rpc(sd.socket, 'supervisor.startProcess', 'w', false);
    await untilBytes(sd.dir, 'w.log', bytes);
    return { ms: now() - t0, cpu: procCpuMs(sd.pid) - c0 };
  } finally {
    await sd.stop();
  }
}
