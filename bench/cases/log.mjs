// Row 3: one child writes `bytes` of 100-byte lines; time until every byte is in the log file(s).
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, unlinkSync, writeSync, writev } from 'node:fs';
import { Socket } from 'node:net';
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
 * The producer's stdout as a Node host reads it. `socket`: `stdio: 'pipe'`, which libuv makes a Unix
 * socketpair. `fifo`: a real pipe, which Node has no call for: a FIFO made with mkfifo(1) before the clock
 * starts, both ends opened and its name removed, read through a `net.Socket` as Node reads a piped stdin.
 * Resolves to the child and its stdout.
 */
function producerOut(bytes, channel) {
  if (channel === 'socket') {
    const c = spawn('/bin/sh', ['-c', producer(bytes)], { stdio: ['ignore', 'pipe', 'ignore'] });
    return { child: c, stdout: c.stdout };
  }
  const { rfd, wfd } = channel;
  const c = spawn('/bin/sh', ['-c', producer(bytes)], { stdio: ['ignore', wfd, 'ignore'] });
  closeSync(wfd);
  return { child: c, stdout: new Socket({ fd: rfd, readable: true, writable: false }) };
}

/** A FIFO in `dir`, both ends open (read end non-blocking), its name already gone. */
function fifo(dir) {
  const path = join(dir, 'out.fifo');
  execFileSync('mkfifo', [path]);
  const rfd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const wfd = openSync(path, constants.O_WRONLY);
  unlinkSync(path);
  return { rfd, wfd };
}

/**
 * A Node host reading the producer's stdout (through `channel`: see {@link producerOut}) and writing it to
 * one file with `drain(stdout, fd)`, which resolves once every byte is written: time and host CPU until the
 * file holds them all.
 */
async function nodeWriter(bytes, drain, channel = 'socket') {
  const dir = tempDir();
  try {
    const pipe = channel === 'fifo' ? fifo(dir) : 'socket';
    const c0 = process.cpuUsage();
    const t0 = now();
    const fd = openSync(join(dir, 'w.log'), 'a');
    const { child, stdout } = producerOut(bytes, pipe);
    await Promise.race([drain(stdout, fd), new Promise((_, reject) => child.once('error', reject))]);
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
  return nodeWriter(bytes, writevDrain);
}

/**
 * Diagnostic, not a target: {@link nodeFloor} reading a real pipe instead of libuv's socketpair, to show
 * what the kind of channel costs once the file is written too.
 */
export async function nodeFloorFifo({ bytes }) {
  return nodeWriter(bytes, writevDrain, 'fifo');
}

/** Writes what `stdout` gives to `fd`, whatever waits behind a write going out in one `fs.writev`. */
function writevDrain(stdout, fd) {
  return new Promise((resolve, reject) => {
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
  });
}

/**
 * Diagnostic, not a target: a Node host that writes each chunk with `fs.writeSync` on its main thread as it
 * is read, the way supervisord's loop writes, with no thread-pool hop. It blocks the event loop on every
 * write (a host supervising anything else could not do this), so it bounds what any Node host reaches here.
 */
export async function nodeFloorSync({ bytes }) {
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
  return readAndDrop(bytes, 'socket');
}

/** Diagnostic, not a target: {@link nodeRead} through a real pipe (see {@link producerOut}). */
export async function nodeReadFifo({ bytes }) {
  return readAndDrop(bytes, 'fifo');
}

async function readAndDrop(bytes, channel) {
  const dir = tempDir();
  try {
    const pipe = channel === 'fifo' ? fifo(dir) : 'socket';
    const c0 = process.cpuUsage();
    const t0 = now();
    const { child, stdout } = producerOut(bytes, pipe);
    let read = 0;
    stdout.on('data', (chunk) => (read += chunk.length));
    await new Promise((resolve, reject) => {
      child.once('error', reject);
      stdout.once('end', resolve);
    });
    if (read !== bytes) throw new Error(`${read} bytes read, expected ${bytes}`);
    return { ms: now() - t0, cpu: cpuMs(c0) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
