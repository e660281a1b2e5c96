/**
 * Runs supervisord's own Python code (Debian's `supervisor` package) to compute what supervisord would do
 * with the same bytes, so tests compare against the real implementation. Tests skip when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const PYTHON = '/usr/bin/python3';

let available: boolean | undefined;

/** Whether `/usr/bin/python3` can import supervisor 4.2.5's modules. */
export function hasSupervisordPython(): boolean {
  available ??=
    spawnSync(PYTHON, ['-c', 'import supervisor.loggers, supervisor.options'], {
      cwd: tmpdir(), // the package's xmlrpc.py would shadow the stdlib's from its own directory
      stdio: 'ignore',
    }).status === 0;
  return available;
}

/** Runs a Python snippet that reads JSON on stdin and prints JSON; resolves with the parsed result. */
export function runPython<T>(script: string, input: unknown): T {
  const r = spawnSync(PYTHON, ['-c', script], {
    cwd: tmpdir(),
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Writes `chunks` through supervisord's RotatingFileHandler (or FileHandler when maxbytes is 0). */
export function supervisordRotate(path: string, maxbytes: number, backups: number, chunks: Buffer[]): void {
  runPython(
    `
import sys, json, base64
from supervisor import loggers
spec = json.load(sys.stdin)
logger = loggers.Logger()
loggers.handle_file(logger, spec['path'], '%(message)s', rotating=not not spec['maxbytes'],
                    maxbytes=spec['maxbytes'], backups=spec['backups'])
for c in spec['chunks']:
    logger.info(base64.b64decode(c))
logger.close()
print('null')
`,
    { path, maxbytes, backups, chunks: chunks.map((c) => c.toString('base64')) },
  );
}

/** `options.py readFile` for each `[offset, length]`: the bytes, or the ValueError's fault name. */
export function supervisordReadFile(
  path: string,
  cases: readonly (readonly [number, number])[],
): ({ data: Buffer } | { fault: string })[] {
  const r = runPython<{ data?: string; fault?: string }[]>(
    `
import sys, json, base64
from supervisor.options import readFile
spec = json.load(sys.stdin)
out = []
for offset, length in spec['cases']:
    try:
        out.append({'data': base64.b64encode(readFile(spec['path'], offset, length)).decode()})
    except ValueError as e:
        out.append({'fault': e.args[0]})
print(json.dumps(out))
`,
    { path, cases },
  );
  return r.map((x) =>
    x.fault !== undefined ? { fault: x.fault } : { data: Buffer.from(x.data ?? '', 'base64') },
  );
}

/** `options.py tailFile` for each `[offset, length]`: `[text, offset, overflow]`. */
export function supervisordTailFile(
  path: string,
  cases: readonly (readonly [number, number])[],
): [string, number, boolean][] {
  return runPython<[string, number, boolean][]>(
    `
import sys, json
from supervisor.options import tailFile
spec = json.load(sys.stdin)
print(json.dumps([tailFile(spec['path'], o, l) for o, l in spec['cases']]))
`,
    { path, cases },
  );
}

/** What supervisord's POutputDispatcher did with a sequence of chunks (stdout channel, pid 42). */
export interface DispatcherRun {
  /** The log file's content. */
  log: Buffer;
  /** PROCESS_LOG ('log') and PROCESS_COMMUNICATION ('comm') events, in order. */
  events: ['log' | 'comm', Buffer][];
  /** Bytes held back in the output buffer at the end. */
  held: Buffer;
}

/** One run of {@link supervisordDispatch}. */
export interface DispatchSpec {
  readonly logPath: string;
  readonly chunks: Buffer[];
  readonly captureMaxbytes: number;
  readonly stripAnsi: boolean;
}

/**
 * Feeds each run's chunks to a fresh supervisord POutputDispatcher, as `handle_read_event` does (one Python
 * process for all runs).
 */
export function supervisordDispatch(runs: readonly DispatchSpec[]): DispatcherRun[] {
  const results = runPython<{ events: ['log' | 'comm', string][]; held: string }[]>(
    `
import sys, json, base64, types
from supervisor import dispatchers, events, loggers
from supervisor.events import ProcessCommunicationStdoutEvent
out = []
def cb(ev):
    kind = 'log' if isinstance(ev, events.ProcessLogEvent) else 'comm'
    out.append([kind, base64.b64encode(ev.data).decode()])
events.subscribe(events.ProcessLogEvent, cb)
events.subscribe(events.ProcessCommunicationEvent, cb)
results = []
for spec in json.load(sys.stdin):
    out = []
    class Opts:
        loglevel = 20
        strip_ansi = spec['strip']
        logger = loggers.getLogger()
        def getLogger(self):
            return loggers.getLogger()
    config = types.SimpleNamespace(name='p', options=Opts(), stdout_logfile=spec['path'],
        stdout_logfile_maxbytes=0, stdout_logfile_backups=0, stdout_syslog=False,
        stdout_capture_maxbytes=spec['cap'], stdout_events_enabled=True, stderr_events_enabled=True)
    proc = types.SimpleNamespace(config=config, pid=42, group=None)
    d = dispatchers.POutputDispatcher(proc, ProcessCommunicationStdoutEvent, 5)
    for c in spec['chunks']:
        d.output_buffer += base64.b64decode(c)
        d.record_output()
    d.normallog.close()
    results.append({'events': out, 'held': base64.b64encode(d.output_buffer).decode()})
print(json.dumps(results))
`,
    runs.map((r) => ({
      path: r.logPath,
      chunks: r.chunks.map((c) => c.toString('base64')),
      cap: r.captureMaxbytes,
      strip: r.stripAnsi,
    })),
  );
  return results.map((r, i) => ({
    log: readFileSync(runs[i]!.logPath),
    events: r.events.map(([k, d]) => [k, Buffer.from(d, 'base64')] as ['log' | 'comm', Buffer]),
    held: Buffer.from(r.held, 'base64'),
  }));
}
