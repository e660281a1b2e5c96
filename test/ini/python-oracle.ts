/**
 * The real supervisord as a test oracle: runs `../shared/ini-corpus/reference.py` (Debian's supervisor 4.2.5
 * under /usr/bin/python3, with the corpus's hermetic rules) on configuration files and returns its JSON.
 * Tests using it skip, with a message, when python3, supervisor or the corpus script is missing.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CORPUS } from './corpus-helpers.js';

const PYTHON = '/usr/bin/python3';
const REFERENCE = path.join(CORPUS, 'reference.py');

function probe(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  if (!existsSync(REFERENCE)) return `${REFERENCE} not found`;
  const r = spawnSync(
    PYTHON,
    ['-c', 'import sys; sys.path.insert(0, "/usr/lib/python3/dist-packages"); import supervisor.options'],
    {
      encoding: 'utf8',
    },
  );
  return r.status === 0 ? null : 'the Python supervisor package is not installed';
}

/** Why the oracle cannot run, or null when it can. */
export const ORACLE_MISSING = probe();

/** reference.py's JSON for each file, in order. */
export function pythonParse(files: readonly string[]): Record<string, unknown>[] {
  const r = spawnSync(PYTHON, [REFERENCE, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`reference.py failed: ${r.stderr}`);
  // Each document is json.dumps(indent=1) + '\n': the top-level object closes with a line holding only '}'.
  return r.stdout
    .split(/^}$/m)
    .slice(0, -1)
    .map((chunk) => JSON.parse(`${chunk}}`) as Record<string, unknown>);
}

/** A case for the differential tests: a whole file, its extra environment, extra files beside it. */
export interface OracleCase {
  readonly name: string;
  readonly text: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly files?: Readonly<Record<string, string>>;
}

/** Writes each case to its own directory (NAME/NAME.conf, NAME/NAME.env, extra files); returns the paths. */
export function writeCases(cases: readonly OracleCase[]): { root: string; files: string[] } {
  const root = mkdtempSync(path.join(tmpdir(), 'procvisor-ini-'));
  const files = cases.map((c) => {
    const dir = path.join(root, c.name);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${c.name}.conf`);
    writeFileSync(file, c.text);
    if (c.env) {
      writeFileSync(
        path.join(dir, `${c.name}.env`),
        Object.entries(c.env)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      );
    }
    for (const [rel, content] of Object.entries(c.files ?? {})) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), content);
    }
    return file;
  });
  return { root, files };
}
