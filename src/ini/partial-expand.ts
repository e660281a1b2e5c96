/**
 * Partial `%(name)s` expansion. supervisord expands the per-process options (command, directory, log
 * files, environment) once per process; the config object carries their text and the config module expands
 * it (`resolveConfig`). What only the INI reader knows, the values of `%(ENV_X)s` from the environment it
 * was given, is substituted here, and everything else (`%%`, `%(process_num)02d`, …) is left as written.
 * @module
 */

import { pythonFormat } from '../python/format.js';
import type { Expansions } from '../config/expand.js';

const DIRECTIVE = /^%\(([^()]*(?:\([^()]*\)[^()]*)*)\)([-+ #0]*)(\d*)(?:\.(\d*))?[hlL]*([diouxXeEfFgGcrsa])/s;

/**
 * Replaces each `%(name)…` directive whose name is in `values` by its formatted value with every `%` of the
 * value doubled (so that a later expansion gives the value back); other directives and `%%` stay as they are.
 */
export function substituteNames(text: string, values: Expansions): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const pct = text.indexOf('%', i);
    if (pct < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, pct);
    if (text[pct + 1] === '%') {
      out += '%%';
      i = pct + 2;
      continue;
    }
    const m = DIRECTIVE.exec(text.slice(pct));
    const name = m?.[1];
    if (m && name !== undefined && Object.hasOwn(values, name)) {
      const value = values[name] as string | number;
      out += pythonFormat(m[0].replace(`%(${name})`, '%(v)'), { v: value }).replace(/%/g, '%%');
      i = pct + m[0].length;
    } else {
      out += '%';
      i = pct + 1;
    }
  }
  return out;
}

/** Doubles every `%`, so that an expansion gives `text` back. */
export function escapePercent(text: string): string {
  return text.replace(/%/g, '%%');
}
