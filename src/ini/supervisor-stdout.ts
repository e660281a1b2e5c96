/**
 * A built-in equivalent of `result_handler = supervisor_stdout:event_handler`, the handler of the
 * supervisor-stdout package (coderanger/supervisor-stdout), used in many container images to print every
 * program's output on supervisord's own stdout. Its listener (`command = supervisor_stdout`) sends each
 * PROCESS_LOG event back as its RESULT; the handler, which runs inside supervisord, prints the payload's
 * lines prefixed with `<processname> <channel> | `.
 * @module
 */

import type { ResultHandler } from '../listeners/types.js';

/** The import spec this handler stands for. */
export const SUPERVISOR_STDOUT_SPEC = 'supervisor_stdout:event_handler';

/** The RESULT body's first line as supervisor-stdout reads it: `key:value` tokens. */
function headers(line: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const token of line.split(/\s+/).filter((t) => t !== '')) {
    const parts = token.split(':');
    if (parts.length !== 2)
      throw new Error(`supervisor_stdout: malformed header token ${JSON.stringify(token)}`);
    out.set(parts[0] ?? '', parts[1] ?? '');
  }
  return out;
}

/**
 * Makes the handler, writing to `write` (the host's stdout by default).
 * @param write - receives each chunk of text to print
 */
export function supervisorStdoutHandler(
  write: (chunk: Buffer) => void = (chunk) => void process.stdout.write(chunk),
): ResultHandler {
  return (_event, body) => {
    const nl = body.indexOf(0x0a);
    // supervisor-stdout raises here (ValueError, KeyError): the listener goes to UNKNOWN, as in supervisord.
    if (nl === -1) throw new Error('supervisor_stdout: the RESULT has no header line');
    const h = headers(body.subarray(0, nl).toString('utf8'));
    const name = h.get('processname');
    const channel = h.get('channel');
    if (name === undefined || channel === undefined) {
      throw new Error(
        'supervisor_stdout: the RESULT is not a PROCESS_LOG payload (no processname or channel)',
      );
    }
    const prefix = Buffer.from(`${name} ${channel} | `);
    const data = body.subarray(nl + 1);
    // One prefixed line per line of output. supervisor-stdout also prints a bare prefix after the final
    // newline (it splits on '\n' and joins again); that empty line is left out here.
    const parts: Buffer[] = [];
    let start = 0;
    while (start < data.length) {
      const end = data.indexOf(0x0a, start);
      const stop = end === -1 ? data.length : end;
      parts.push(prefix, data.subarray(start, stop), Buffer.from('\n'));
      start = stop + 1;
    }
    if (parts.length > 0) write(Buffer.concat(parts));
  };
}

/** The shared handler `parseIni` gives a `result_handler = supervisor_stdout:event_handler` pool. */
export const supervisorStdout: ResultHandler = supervisorStdoutHandler();

/** Whether an import spec names supervisor-stdout's handler (`pkg_resources.EntryPoint` syntax, extras ignored). */
export function isSupervisorStdoutSpec(spec: string): boolean {
  return /^\s*supervisor_stdout\s*:\s*event_handler\s*(\[.*\])?\s*$/su.test(spec);
}
