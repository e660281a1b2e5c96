import { createConnection, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { Supervisor, WaitTimeoutError, type ProgramConfig } from '../../src/index.js';
import { it } from '../helpers/core.js';
import { pidAlive, waitForPidGone } from '../helpers/pids.js';

const SERVER = fileURLToPath(new URL('../fixtures/readiness-server.mjs', import.meta.url));

/** A port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: '127.0.0.1', port });
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

const server = (port: number, flags: string[], extra: Partial<ProgramConfig>): ProgramConfig => ({
  command: [process.execPath, SERVER, `--port=${port}`, ...flags],
  startsecs: 0,
  stopwaitsecs: 2,
  stdoutLogfile: 'NONE',
  stderrLogfile: 'NONE',
  ...extra,
});

describe('readiness with real processes', () => {
  it('tcp: RUNNING only once the port accepts connections', async ({ supervise }) => {
    const port = await freePort();
    const h = supervise({
      programs: { srv: server(port, ['--delay=400'], { readiness: { tcp: port, interval: '50ms' } }) },
    });
    let connectableAtRunning: Promise<boolean> | undefined;
    h.sup.on('PROCESS_STATE_RUNNING', () => {
      connectableAtRunning = canConnect(port);
    });
    await h.sup.start();
    await h.sup.waitForState('srv', 'RUNNING', { timeout: 10_000 });
    expect(await connectableAtRunning).toBe(true);
    expect(h.seq('srv')).toEqual(['STOPPED->STARTING tries:0', 'STARTING->RUNNING']);
  });

  it('http: RUNNING only once the URL answers 2xx', async ({ supervise }) => {
    const port = await freePort();
    const h = supervise({
      programs: {
        srv: server(port, ['--fail=3'], {
          readiness: { http: `http://127.0.0.1:${port}/health`, interval: '50ms' },
        }),
      },
    });
    await h.sup.start();
    await h.sup.waitForState('srv', 'RUNNING', { timeout: 10_000 });
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(200);
  });

  it('pattern: RUNNING when the line appears; waitForOutput sees the line too', async ({ supervise }) => {
    const port = await freePort();
    const h = supervise({
      programs: { srv: server(port, ['--delay=200'], { readiness: { pattern: /^listening \d+$/ } }) },
    });
    await h.sup.start();
    const line = await h.sup.waitForOutput('srv', /^listening/, { timeout: 10_000 });
    expect(line).toBe(`listening ${port}`);
    await h.sup.waitForState('srv', 'RUNNING', { timeout: 10_000 });
  });

  it('timeout: the child is killed, and the failed starts end in FATAL', async ({ supervise }) => {
    const port = await freePort();
    const h = supervise({
      programs: {
        srv: server(port, ['--delay=100000'], {
          startretries: 1,
          readiness: { tcp: port, timeout: '400ms', interval: '50ms' },
        }),
      },
    });
    await h.sup.start();
    const firstPid = h.sup.getProcess('srv')!.pid;
    await h.sup.waitForState('srv', 'FATAL', { timeout: 15_000 });
    expect(h.seq('srv')).toEqual([
      'STOPPED->STARTING tries:0',
      'STARTING->BACKOFF tries:1',
      'BACKOFF->STARTING tries:1',
      'STARTING->BACKOFF tries:2',
      'BACKOFF->FATAL',
    ]);
    expect((await h.sup.getProcessInfo('srv')).description).toBe('not ready within 400 ms (readiness)');
    await waitForPidGone(firstPid);
  });
});

describe('dependsOn with real processes', () => {
  it('starts dependents when the dependency is ready and stops them first', async ({ supervise }) => {
    const port = await freePort();
    const h = supervise({
      programs: {
        // web has the higher priority number, so supervisord alone would stop it first anyway;
        // db has the higher one here, and must still stop last.
        db: server(port, ['--delay=300'], { priority: 900, readiness: { tcp: port, interval: '50ms' } }),
        web: {
          command: ['sleep', '100'],
          priority: 1,
          startsecs: 0,
          stdoutLogfile: 'NONE',
          stderrLogfile: 'NONE',
          dependsOn: { db: 'ready' },
        },
      },
    });
    const order: string[] = [];
    h.sup.on('PROCESS_STATE', (e) => order.push(`${e.processName}:${e.state}`));
    await h.sup.start();
    await h.sup.waitForReady({ timeout: 10_000 });
    expect(order.indexOf('web:STARTING')).toBeGreaterThan(order.indexOf('db:RUNNING'));
    await h.sup.shutdown();
    const stops = order.filter((s) => s.endsWith(':STOPPED'));
    expect(stops).toEqual(['web:STOPPED', 'db:STOPPED']);
  });
});

describe('Supervisor.launch with real processes', () => {
  it('resolves ready; at the end of an `await using` scope every child is gone', async () => {
    const port = await freePort();
    let pid = 0;
    {
      await using sup = await Supervisor.launch(
        { programs: { srv: server(port, [], { readiness: { tcp: port, interval: '50ms' } }) } },
        { timeout: 10_000 },
      );
      pid = sup.getProcess('srv')!.pid;
      expect(await canConnect(port)).toBe(true);
    }
    expect(pid).toBeGreaterThan(0);
    expect(pidAlive(pid)).toBe(false);
  });

  it('rejects with the failing program and its last output, leaving nothing running', async () => {
    const err = await Supervisor.launch(
      {
        programs: {
          bad: {
            command: ['sh', '-c', 'echo "fatal: no config file" >&2; exit 2'],
            startsecs: 0.5,
            startretries: 0,
            stdoutLogfile: 'NONE',
            stderrLogfile: 'NONE',
          },
        },
      },
      { timeout: 10_000 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as WaitTimeoutError).info).toMatchObject({ name: 'bad', statename: 'FATAL' });
    expect((err as WaitTimeoutError).output).toContain('fatal: no config file');
  });
});
