/**
 * Runs supervisord's own Python code (Debian's `supervisor` package) to compute what supervisord would do
 * with the same bytes, so tests compare against the real implementation. Tests skip when it is missing.
 */
import { spawnSync } from 'node:child_process';
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

/** `options.py readFile` on a file: the bytes (base64-decoded) or the ValueError's fault name. */
export function supervisordReadFile(
  path: string,
  offset: number,
  length: number,
): { data: Buffer } | { fault: string } {
  const r = runPython<{ data?: string; fault?: string }>(
    `
import sys, json, base64
from supervisor.options import readFile
spec = json.load(sys.stdin)
try:
    print(json.dumps({'data': base64.b64encode(readFile(spec['path'], spec['offset'], spec['length'])).decode()}))
except ValueError as e:
    print(json.dumps({'fault': e.args[0]}))
`,
    { path, offset, length },
  );
  return r.fault !== undefined ? { fault: r.fault } : { data: Buffer.from(r.data ?? '', 'base64') };
}

/** `options.py tailFile` on a file: `[text, offset, overflow]`. */
export function supervisordTailFile(path: string, offset: number, length: number): [string, number, boolean] {
  return runPython<[string, number, boolean]>(
    `
import sys, json
from supervisor.options import tailFile
spec = json.load(sys.stdin)
print(json.dumps(tailFile(spec['path'], spec['offset'], spec['length'])))
`,
    { path, offset, length },
  );
}
