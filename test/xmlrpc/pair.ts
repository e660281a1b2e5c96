/**
 * The same supervisord.conf run twice, each in a directory of its own: by supervisord 4.2.5 (`supervisord -c
 * conf -n`) and by procvisor (a Supervisor from `procvisor/ini`, served by `serveXmlRpc`, in this process so
 * coverage sees it). Every path in the conf is `%(here)s/...`, so the two texts are the same but for the
 * inet port. {@link Pair.both} runs one unmodified supervisorctl command against each and compares.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { Supervisor } from '../../src/index.js';
import { loadIniFile } from '../../src/ini/index.js';
import { serveXmlRpc, type XmlRpcServer } from '../../src/xmlrpc/index.js';
import {
  ctl,
  eventually,
  freePort,
  live,
  PYTHON,
  python,
  run,
  SUPERVISORD,
  type LiveChild,
  type Ran,
} from './clients.js';

const BATCH = fileURLToPath(new URL('../fixtures/xmlrpc-ctl-batch.py', import.meta.url));

/** One host of the pair. */
export interface Host {
  readonly kind: 'supervisord' | 'procvisor';
  readonly dir: string;
  /** The conf both supervisord(ctl) read. */
  readonly conf: string;
  /** Its inet port. */
  readonly port: number;
  /** procvisor only. */
  readonly sup?: Supervisor;
  readonly server?: XmlRpcServer;
  /** supervisord only. */
  readonly daemon?: LiveChild;
}

/** How a conf's server sections are made, given the host's inet port. */
export type ConfText = (port: number) => string;

/** The server sections and supervisorctl section: a unix socket without auth, an inet port with. */
export function serverSections(port: number, via: 'unix' | 'inet'): string {
  const url = via === 'unix' ? 'unix://%(here)s/sock' : `http://127.0.0.1:${port}`;
  return [
    '[unix_http_server]',
    'file=%(here)s/sock',
    '[inet_http_server]',
    `port=127.0.0.1:${port}`,
    'username=alice',
    // sha1('s3cret'): supervisord's {SHA} form.
    'password={SHA}fef341f85d87439e7d91a2d465b9871ef66b5e98',
    '[supervisorctl]',
    `serverurl=${url}`,
    ...(via === 'inet' ? ['username=alice', 'password=s3cret'] : []),
    '[rpcinterface:supervisor]',
    'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
    '[supervisord]',
    'logfile=%(here)s/main.log',
    'pidfile=%(here)s/supervisord.pid',
    'childlogdir=%(here)s',
    '',
  ].join('\n');
}

/** Replaces what differs between two runs of the same commands: pids, uptimes, times of day. */
export function normalize(text: string): string {
  return text
    .replace(/pid \d+, uptime [\d:, a-z]+/g, 'pid PID, uptime UP')
    .replace(/[A-Z][a-z]{2} \d{2} \d{2}:\d{2} [AP]M/g, 'DATE')
    .replace(/^[1-9]\d*$/gm, 'PID');
}

export class Pair {
  constructor(
    readonly real: Host,
    readonly ours: Host,
  ) {}

  /** Starts both hosts on `text` and waits until each has started its autostart programs. */
  static async start(text: ConfText, running: readonly string[]): Promise<Pair> {
    const [realPort, oursPort] = await Promise.all([freePort(), freePort()]);
    const [real, ours] = await Promise.allSettled([startReal(text, realPort), startOurs(text, oursPort)]);
    if (real.status === 'rejected' || ours.status === 'rejected') {
      // The one that started is stopped again: nothing is left running.
      if (real.status === 'fulfilled') await stopReal(real.value);
      if (ours.status === 'fulfilled') await stopOurs(ours.value);
      throw real.status === 'rejected' ? real.reason : (ours as PromiseRejectedResult).reason;
    }
    const pair = new Pair(real.value, ours.value);
    try {
      await pair.settled(running);
    } catch (err) {
      await pair.close();
      throw err;
    }
    return pair;
  }

  /** Waits until `status` shows each of `names` RUNNING on both hosts. */
  async settled(names: readonly string[]): Promise<void> {
    await Promise.all(
      [this.real, this.ours].map((h) =>
        eventually(`${h.kind} running ${names.join(', ')}`, async () => {
          const res = await ctl(h.conf, ['status']);
          return names.every((n) => new RegExp(`^${n}\\s+RUNNING`, 'm').test(res.stdout));
        }),
      ),
    );
  }

  /** Writes the same conf text to both hosts (for reread and update). */
  rewrite(text: ConfText): void {
    for (const h of [this.real, this.ours]) writeFileSync(h.conf, text(h.port));
  }

  /**
   * Runs `supervisorctl ARGS` against both; expects the same output (modulo pids and times, and in any line
   * order when `anyOrder`) and the same exit status. Resolves with procvisor's run.
   */
  async both(args: readonly string[], options: { input?: string; anyOrder?: boolean } = {}): Promise<Ran> {
    const [real, ours] = await Promise.all([
      ctl(this.real.conf, args, options.input),
      ctl(this.ours.conf, args, options.input),
    ]);
    const shape = (r: Ran) => {
      const lines = normalize(r.stdout).split('\n');
      return {
        stdout: (options.anyOrder ? lines.sort() : lines).join('\n'),
        stderr: r.stderr,
        status: r.status,
      };
    };
    expect(shape(ours), `supervisorctl ${args.join(' ')}`).toEqual(shape(real));
    return ours;
  }

  /**
   * Runs supervisorctl commands in order against both hosts, in one Python process per host
   * (`fixtures/xmlrpc-ctl-batch.py`: supervisorctl's own main steps, unmodified, once per command), and
   * compares each as {@link Pair.both} does.
   */
  async batch(
    commands: readonly (readonly string[] | { readonly args: readonly string[]; readonly anyOrder: true })[],
  ): Promise<void> {
    const list = commands.map((c) => ('args' in c ? c : { args: c, anyOrder: false }));
    const [real, ours] = await Promise.all(
      [this.real, this.ours].map(async (h) => {
        const res = await run(PYTHON, [BATCH, h.conf], {
          input: JSON.stringify(list.map((c) => c.args)),
          timeoutMs: 60_000,
        });
        if (res.status !== 0) throw new Error(`the batch failed on ${h.kind}:\n${res.stdout}\n${res.stderr}`);
        return JSON.parse(res.stdout) as { stdout: string; status: number }[];
      }),
    );
    const shape = (r: { stdout: string; status: number }, anyOrder: boolean) => {
      const lines = normalize(r.stdout).split('\n');
      return { stdout: (anyOrder ? lines.sort() : lines).join('\n'), status: r.status };
    };
    list.forEach((c, i) => {
      expect(shape(ours![i]!, c.anyOrder), `supervisorctl ${c.args.join(' ')}`).toEqual(
        shape(real![i]!, c.anyOrder),
      );
    });
  }

  async close(): Promise<void> {
    await Promise.all([stopReal(this.real), stopOurs(this.ours)]);
  }
}

/**
 * Calls `supervisor.METHOD(...args)` on a host over its unix socket, with supervisor's own transport (as
 * childutils does); resolves with the result as JSON.
 */
export async function rpc(host: Host, method: string, ...args: unknown[]): Promise<unknown> {
  const out = await python(
    [
      'import json, sys',
      'from supervisor import childutils',
      "proxy = childutils.getRPCInterface({'SUPERVISOR_SERVER_URL': sys.argv[1]})",
      'print(json.dumps(getattr(proxy.supervisor, sys.argv[2])(*json.loads(sys.argv[3]))))',
    ].join('\n'),
    process.env,
    undefined,
    [`unix://${join(host.dir, 'sock')}`, method, JSON.stringify(args)],
  );
  return JSON.parse(out) as unknown;
}

function hostDir(kind: string): string {
  return mkdtempSync(join(tmpdir(), `${kind}-`));
}

async function startReal(text: ConfText, port: number): Promise<Host> {
  const dir = hostDir('supervisord');
  const conf = join(dir, 'supervisord.conf');
  writeFileSync(conf, text(port));
  const daemon = live(SUPERVISORD, ['-c', conf, '-n']);
  const host: Host = { kind: 'supervisord', dir, conf, port, daemon };
  try {
    await eventually('supervisord to answer', async () => (await ctl(conf, ['pid'])).status === 0);
  } catch (err) {
    await stopReal(host);
    throw err;
  }
  return host;
}

async function stopReal(host: Host): Promise<void> {
  const daemon = host.daemon!;
  if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGTERM');
  await daemon.exited;
  rmSync(host.dir, { recursive: true, force: true });
}

async function startOurs(text: ConfText, port: number): Promise<Host> {
  const dir = hostDir('procvisor');
  const conf = join(dir, 'supervisord.conf');
  writeFileSync(conf, text(port));
  const sup = new Supervisor(await loadIniFile(conf), {
    configSource: () => loadIniFile(conf),
    handleSignals: false,
  });
  const server = await serveXmlRpc(sup, {
    unix: { file: join(dir, 'sock') },
    inet: {
      host: '127.0.0.1',
      port,
      username: 'alice',
      password: '{SHA}fef341f85d87439e7d91a2d465b9871ef66b5e98',
    },
    log: () => {},
  });
  const host: Host = { kind: 'procvisor', dir, conf, port, sup, server };
  try {
    await sup.start();
  } catch (err) {
    await stopOurs(host);
    throw err;
  }
  return host;
}

async function stopOurs(host: Host): Promise<void> {
  await host.server!.close();
  await host.sup!.shutdown();
  rmSync(host.dir, { recursive: true, force: true });
}
