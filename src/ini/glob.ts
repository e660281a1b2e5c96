/**
 * Python's `glob.glob(pattern)` (non-recursive, hidden files excluded), as supervisord's `[include] files=`
 * uses it: `*`, `?` and `[...]` / `[!...]` per path segment (`fnmatch`), `**` is a plain `*`, no `~`, no
 * braces. Node 20 has no `fs.globSync` and the project adds no runtime dependency, so it is written here.
 * @module
 */

import { readdirSync, statSync, lstatSync } from 'node:fs';

const MAGIC = /[*?[]/;

/** Python's `os.path.join(a, b)` for two POSIX paths: no normalisation; an absolute `b` wins. */
export function pyJoin(a: string, b: string): string {
  if (b.startsWith('/')) return b;
  if (a === '' || a.endsWith('/')) return a + b;
  return `${a}/${b}`;
}

/** Python's `os.path.split` for POSIX paths. */
function pySplit(p: string): [string, string] {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  const tail = p.slice(i);
  if (head && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return [head, tail];
}

/** Python's `fnmatch.translate`, as a RegExp matching the whole name. */
export function fnmatchRegExp(pattern: string): RegExp {
  let re = '';
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i++] ?? '';
    if (c === '*') {
      if (!re.endsWith('.*')) re += '.*';
    } else if (c === '?') {
      re += '.';
    } else if (c === '[') {
      let j = i;
      if (j < n && pattern[j] === '!') j++;
      if (j < n && pattern[j] === ']') j++;
      while (j < n && pattern[j] !== ']') j++;
      if (j >= n) {
        re += '\\[';
      } else {
        let stuff = pattern.slice(i, j).replace(/\\/g, '\\\\');
        i = j + 1;
        if (stuff === '') re += '(?!)';
        else if (stuff === '!') re += '.';
        else {
          if (stuff.startsWith('!')) stuff = `^${stuff.slice(1)}`;
          else if (stuff.startsWith('^') || stuff.startsWith('[')) stuff = `\\${stuff}`;
          re += `[${stuff.replace(/\]/g, '\\]')}]`;
        }
      }
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  try {
    const compiled = new RegExp(`^(?:${re})$`, 's');
    // V8 compiles on first use: a pattern too large for it throws there, so use it once here.
    compiled.test('');
    return compiled;
  } catch {
    // A reversed range such as [z-a] (Python drops it and the set can never match), or a pattern too large
    // for V8 (Python matches nothing with it in practice): no name matches, and the include warns.
    return /(?!)/;
  }
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function listdir(dir: string, dironly: boolean): string[] {
  try {
    const names = readdirSync(dir || '.');
    return dironly ? names.filter((n) => isDir(pyJoin(dir || '.', n))) : names;
  } catch {
    return [];
  }
}

function* iglob(pathname: string, dironly: boolean): Generator<string> {
  const [dirname, basename] = pySplit(pathname);
  if (!MAGIC.test(pathname)) {
    if (basename ? lexists(pathname) : isDir(dirname)) yield pathname;
    return;
  }
  if (!dirname) {
    yield* glob1('', basename, dironly);
    return;
  }
  const dirs = dirname !== pathname && MAGIC.test(dirname) ? [...iglob(dirname, true)] : [dirname];
  for (const dir of dirs) {
    const names = MAGIC.test(basename) ? glob1(dir, basename, dironly) : glob0(dir, basename);
    for (const name of names) yield pyJoin(dir, name);
  }
}

function glob1(dirname: string, pattern: string, dironly: boolean): string[] {
  let names = listdir(dirname, dironly);
  if (!pattern.startsWith('.')) names = names.filter((x) => !x.startsWith('.'));
  const re = fnmatchRegExp(pattern);
  return names.filter((x) => re.test(x));
}

function glob0(dirname: string, basename: string): string[] {
  if (basename) return lexists(pyJoin(dirname, basename)) ? [basename] : [];
  return isDir(dirname) ? [basename] : [];
}

/**
 * The paths matching `pattern`, unsorted (in directory order), as Python's `glob.glob(pattern)` returns them:
 * paths are built by joining, never normalised.
 */
export function pyGlob(pattern: string): string[] {
  return [...iglob(pattern, false)];
}
