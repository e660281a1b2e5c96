/**
 * `toIni(config)`: a config object written back as a supervisord.conf that supervisord (and
 * {@link parseIni}) reads back to the same config. Values that the INI format cannot carry (a `;` or `#`
 * after whitespace, surrounding whitespace, a line starting with `;`/`#` inside a multi-line value, an
 * environment value holding both quote characters) are refused with a TypeError rather than written wrong.
 * @module
 */

import type { SupervisorConfig } from '../config/schema/index.js';
import type { EventListenerConfig } from './groups.js';
import { findCommentStart } from './config-parser.js';
import { programKey } from './program-section.js';
import { pyStrip } from './py-text.js';
import { SUPERVISOR_STDOUT_SPEC, supervisorStdout } from './supervisor-stdout.js';

type Rec = Record<string, unknown>;

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * One line of a value, written so that configparser reads it back unchanged: when an inline comment would
 * cut it, a trailing ` #` or ` ;` comment moves configparser's cut to the end of the line (its search runs in
 * rounds over the two prefixes, so the first whitespace-preceded match of the *later* round wins).
 */
function safeLine(line: string, where: string, value: string, prefix: string): string {
  for (const candidate of [line, `${line} #`, `${line} ;`]) {
    const full = prefix + candidate;
    const cut = findCommentStart(full);
    if (pyStrip(cut === null ? full : full.slice(0, cut)) === pyStrip(prefix + line)) return candidate;
  }
  throw new TypeError(
    `${where}: ${JSON.stringify(value)} cannot be written to an INI file (";" or "#" would start a comment)`,
  );
}

/** One value as INI text that configparser reads back unchanged. */
function text(value: string, where: string): string {
  const lines = value.split('\n');
  if (value !== pyStrip(value) || lines.some((l, i) => i > 0 && l !== '' && l !== pyStrip(l))) {
    throw new TypeError(
      `${where}: ${JSON.stringify(value)} cannot be written to an INI file (surrounding whitespace)`,
    );
  }
  // Continuation lines are indented; empty lines inside a value are kept by configparser as they are.
  // The first line follows `key=`; the check includes what precedes each line.
  return lines
    .map((l, i) =>
      l === '' ? l : i === 0 ? safeLine(l, where, value, 'k=') : `  ${safeLine(l, where, value, '  ')}`,
    )
    .join('\n');
}

/** A POSIX-shell word for an argv element (supervisord splits `command` with `shlex.split`). */
function shellWord(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'"'"'`)}'`;
}

/** `environment=` text: KEY="value" pairs that supervisord's non-POSIX shlex reads back. */
function environmentText(env: Rec, where: string): string {
  const pairs = Object.entries(env)
    .map(([k, v]) => {
      const value = String(v);
      if (!/^[\w/.+\-():]+$/.test(k))
        throw new TypeError(`${where}: environment name ${JSON.stringify(k)} cannot be written`);
      const quote = !value.includes('"') ? '"' : !value.includes("'") ? "'" : null;
      if (quote === null || /^['"]|['"]$/.test(value)) {
        throw new TypeError(
          `${where}: environment value ${JSON.stringify(value)} cannot be quoted for supervisord`,
        );
      }
      return `${k}=${quote}${value}${quote}`;
    })
    .join(',');
  return text(pairs, where);
}

function valueText(key: string, value: unknown, where: string): string {
  if (typeof value === 'function') {
    if (value === supervisorStdout) return SUPERVISOR_STDOUT_SPEC;
    throw new TypeError(`${where}: a function cannot be written to an INI file`);
  }
  if (value === null) return key === 'serverurl' ? 'AUTO' : key.endsWith('Logfile') ? 'NONE' : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return key === 'umask' ? `0${value.toString(8)}` : String(value);
  if (Array.isArray(value)) {
    if (key === 'command') return text(value.map((a) => shellWord(String(a))).join(' '), where);
    return value.map(String).join(',');
  }
  if (typeof value === 'object') return environmentText(value as Rec, where);
  return text(String(value), where);
}

/** procvisor's own options that supervisord.conf has no key for. */
const NOT_IN_INI = new Set([
  'stdoutLogTimestamps',
  'stderrLogTimestamps',
  'stdoutLogfileInterval',
  'stderrLogfileInterval',
  'stdoutLogfileCompress',
  'stderrLogfileCompress',
  'backoff',
  'retryAfterFatal',
  'healthcheck',
]);

function section(name: string, options: Rec, keyOf: (k: string) => string): string {
  const lines = [`[${name}]`];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || (NOT_IN_INI.has(key) && (value === false || value === null))) continue;
    if (NOT_IN_INI.has(key)) throw new TypeError(`[${name}] ${key}: procvisor's own option has no INI form`);
    lines.push(`${keyOf(key)}=${valueText(key, value, `[${name}] ${keyOf(key)}`)}`);
  }
  return lines.join('\n');
}

/** The INI option name of a program config key. */
function programOption(key: string): string {
  for (const option of PROGRAM_OPTIONS) if (programKey(option) === key) return option;
  return snake(key);
}
const PROGRAM_OPTIONS = ['process_name', 'numprocs_start', 'redirect_stderr'];

/**
 * Writes a config object as a supervisord.conf: `[supervisord]` with the supervisor options, an
 * `[unix_http_server]`/`[inet_http_server]` when `serverurl` is a `unix://` or `http://host:port` URL (the
 * way supervisord derives it), `[program:x]` (`[fcgi-program:x]` for a program with `socket`), `[group:x]`
 * and `[eventlistener:x]` sections. Only the
 * options present in the object are written, so supervisord's defaults apply to the rest.
 * @throws TypeError for a value the INI format cannot carry
 * @example
 * ```ts
 * toIni({ programs: { web: { command: 'node server.js', numprocs: 2, processName: 'web_%(process_num)d' } } });
 * ```
 */
export function toIni(
  config: SupervisorConfig & { eventListeners?: Record<string, EventListenerConfig> },
): string {
  const c = config as Rec;
  const out: string[] = [];
  const sup: Rec = {};
  for (const [k, v] of Object.entries(c)) {
    if (['programs', 'groups', 'eventListeners', 'here', 'serverurl', 'environment'].includes(k)) continue;
    sup[k] = v;
  }
  const top = section('supervisord', sup, snake);
  const env = c['environment'] as Rec | undefined;
  out.push(
    env && Object.keys(env).length > 0
      ? `${top}\nenvironment=${environmentText(env, '[supervisord] environment')}`
      : top,
  );
  const url = c['serverurl'];
  if (typeof url === 'string') {
    const inet = /^http:\/\/([^:/]+):(\d+)$/.exec(url);
    if (url.startsWith('unix://')) out.push(`[unix_http_server]\nfile=${text(url.slice(7), 'serverurl')}`);
    else if (inet) out.push(`[inet_http_server]\nport=${inet[1]}:${inet[2]}`);
    else
      throw new TypeError(
        `serverurl ${JSON.stringify(url)}: only unix:// and http://host:port URLs can be written`,
      );
  }
  for (const [name, program] of Object.entries((c['programs'] ?? {}) as Rec)) {
    // A program with a socket is supervisord's FastCGI program.
    const kind = (program as Rec)['socket'] === undefined ? 'program' : 'fcgi-program';
    out.push(section(`${kind}:${name}`, program as Rec, programOption));
  }
  for (const [name, group] of Object.entries((c['groups'] ?? {}) as Rec)) {
    out.push(section(`group:${name}`, group as Rec, snake));
  }
  const listeners = (config.eventListeners ?? {}) as Rec;
  for (const [name, listener] of Object.entries(listeners)) {
    out.push(section(`eventlistener:${name}`, listener as Rec, programOption));
  }
  return `${out.join('\n\n')}\n`;
}
