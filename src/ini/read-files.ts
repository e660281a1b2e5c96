/**
 * Reading the main file and its `[include]`s into one parser: the first half of supervisord's
 * `ServerOptions.read_config` (`supervisor/options.py` 552–616).
 * @module
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expand } from '../config/expand.js';
import { IniSyntaxError, SupervisorIniParser } from './config-parser.js';
import { pyGlob, pyJoin } from './glob.js';
import { IniValueError } from './ini-error.js';
import { PY_WHITESPACE } from './py-text.js';

/** How to find and read included files (a seam for tests; the defaults use the file system). */
export interface IncludeHooks {
  /**
   * Python's `glob.glob(pattern)`: the matching paths, any order.
   * @default a port of Python's glob on the real file system
   */
  readonly glob?: (pattern: string) => string[];
  /**
   * Reads one included file as UTF-8 text.
   * @default `readFileSync(file, 'utf8')`
   */
  readonly readFile?: (file: string) => string;
}

/** What {@link readFiles} needs. */
export interface ReadFilesOptions extends IncludeHooks {
  /** The name of the main file in messages (supervisord: the path it was given). */
  readonly source: string;
  /** `%(here)s`: the main file's directory, also the base of relative include patterns. */
  readonly here: string;
  /** The `ENV_*` names. */
  readonly environ: Readonly<Record<string, string>>;
  readonly hostNodeName: string;
  /** supervisord's parse warnings are added here. */
  readonly warnings: string[];
  /** Included files read, in order. */
  readonly included: string[];
}

function syntax(err: unknown): never {
  if (err instanceof IniSyntaxError) {
    throw new IniValueError(err.message, { file: err.file, line: err.line }, { cause: err, fatal: true });
  }
  throw err;
}

/** Reads `text` and the files its `[include] files=` names (non-recursively), like supervisord. */
export function readFiles(text: string, opts: ReadFilesOptions): SupervisorIniParser {
  const parser = new SupervisorIniParser();
  try {
    parser.read(text, opts.source);
  } catch (err) {
    syntax(err);
  }
  if (!parser.hasSection('include')) return parser;
  parser.expandHere(opts.here);
  const files = parser.get('include', 'files');
  if (files === undefined) {
    throw new IniValueError('.ini file has [include] section, but no files setting', {
      section: 'include',
      ...(parser.origin('include') ?? {}),
    });
  }
  let expanded: string;
  try {
    expanded = expand(
      files.value,
      { here: opts.here, host_node_name: opts.hostNodeName, ...opts.environ },
      'include.files',
    );
  } catch (err) {
    throw new IniValueError((err as Error).message, {
      section: 'include',
      file: files.file,
      line: files.line,
    });
  }
  const glob = opts.glob ?? pyGlob;
  const readFile = opts.readFile ?? ((f: string) => readFileSync(f, 'utf8'));
  for (const pattern of pySplit(expanded)) {
    const joined = pyJoin(opts.here, pattern);
    const filenames = glob(joined);
    if (filenames.length === 0) {
      opts.warnings.push(`No file matches via include "${joined}"`);
      continue;
    }
    for (const filename of [...filenames].sort()) {
      opts.included.push(filename);
      let content: string;
      try {
        content = readFile(filename);
      } catch {
        continue; // RawConfigParser.read skips files it cannot open
      }
      try {
        parser.read(content, filename);
      } catch (err) {
        syntax(err);
      }
      parser.expandHere(path.dirname(path.resolve(opts.here, filename)));
    }
  }
  return parser;
}

/** Python's `str.split()`: on runs of whitespace, no empty parts. */
function pySplit(s: string): string[] {
  const ws = new RegExp(`[${PY_WHITESPACE.replace(/\\/g, '\\\\')}]+`);
  return s.split(ws).filter((x) => x !== '');
}
