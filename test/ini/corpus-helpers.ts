/**
 * Shared helpers for the ini-corpus tests: the corpus location (`../shared/ini-corpus` from the project
 * root, never copied in) and its hermetic rules (README "Hermetic rules").
 */

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pyGlob } from '../../src/ini/glob.js';
import type { IniReadOptions } from '../../src/ini/index.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CORPUS = path.resolve(PROJECT_ROOT, '../shared/ini-corpus');
export const HAVE_CORPUS = existsSync(path.join(CORPUS, 'files'));

export const BASE_ENV: Readonly<Record<string, string>> = {
  HOME: '/home/user',
  USER: 'user',
  PATH: '/usr/bin:/bin',
};

export function corpusCases(): string[] {
  if (!HAVE_CORPUS) return [];
  return readdirSync(path.join(CORPUS, 'files'))
    .filter((f) => f.endsWith('.conf'))
    .map((f) => f.slice(0, -'.conf'.length))
    .sort();
}

/** BASE_ENV plus NAME.env beside NAME.conf (KEY=VALUE lines, `#` comments), as reference.py reads it. */
export function envFor(confFile: string): Record<string, string> {
  const env: Record<string, string> = { ...BASE_ENV };
  const file = confFile.replace(/\.conf$/, '.env');
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim() || line.trimStart().startsWith('#')) continue;
      const eq = line.indexOf('=');
      env[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return env;
}

/** The read options reference.py pins for one corpus case. */
export function caseOptions(name: string): IniReadOptions & { env: Record<string, string> } {
  return fileOptions(path.join(CORPUS, 'files', `${name}.conf`));
}

/** The read options reference.py pins for any file: its directory is `here`, the cwd and the include sandbox. */
export function fileOptions(file: string): IniReadOptions & { env: Record<string, string> } {
  const here = path.dirname(file);
  return {
    here,
    file,
    env: envFor(file),
    hostNodeName: 'testhost',
    tempdir: '/tmp',
    cwd: here,
    // Real-world files set options supervisord ignores: returned as warnings; printing them is not tested here.
    warnings: false,
    // [include] globbing only inside the case's own directory tree.
    glob: (pattern) => {
      const norm = path.normalize(pattern);
      return norm === here || norm.startsWith(here + path.sep) ? pyGlob(pattern) : [];
    },
  };
}

export function caseText(name: string): string {
  return readFileSync(path.join(CORPUS, 'files', `${name}.conf`), 'utf8');
}

export function expected(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(CORPUS, 'expected', `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** Every occurrence of `here` in strings (values and keys) replaced by `@HERE@`. */
export function replaceHere<T>(value: T, here: string): T {
  if (typeof value === 'string') return value.split(here).join('@HERE@') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => replaceHere(v, here)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[replaceHere(k, here)] = replaceHere(v, here);
    return out as T;
  }
  return value;
}
