/**
 * supervisord's INI dialect: a port of the reading loop of Python 3.11's `configparser.RawConfigParser._read`
 * as supervisor's `UnhosedConfigParser` configures it (`supervisor/options.py`): `=` and `:` delimiters,
 * full-line comments `#`/`;`, inline comments `;`/`#` only after whitespace, `strict=False` (duplicate
 * sections merge, the last duplicate option wins), `empty_lines_in_values=True`, option names lower-cased,
 * section names case-sensitive, continuation lines joined with `\n`, a `[DEFAULT]` section whose options
 * every section inherits.
 *
 * No npm INI package reads files this way (see docs/ini.md), so this is written here. Every value keeps the
 * file and line it came from, for error messages.
 * @module
 */

import { pythonRepr } from '../python/repr.js';
import { isSpace, pyLines, pyRstrip, pyStrip } from './py-text.js';

/** One option's value and where it was written. */
export interface IniValue {
  readonly value: string;
  /** The file (or source name) it came from. */
  readonly file: string;
  /** The 1-based line of the option's name. */
  readonly line: number;
}

/** Where a section was first written. */
export interface IniSectionOrigin {
  readonly file: string;
  readonly line: number;
}

/** A syntax error, worded as Python's `configparser` words it. */
export class IniSyntaxError extends Error {
  readonly file: string;
  readonly line: number;
  constructor(message: string, file: string, line: number) {
    super(message);
    this.name = 'IniSyntaxError';
    this.file = file;
    this.line = line;
  }
}

const DEFAULT_SECTION = 'DEFAULT';
const COMMENT_PREFIXES = ['#', ';'] as const;
const INLINE_COMMENT_PREFIXES = [';', '#'] as const;
// configparser's SECTCRE (`\[(?P<header>.+)\]`, re.match: anchored at the start only) and OPTCRE
// (`(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`), with Python's `\s`.
const SECTCRE = /^\[(.+)\]/s;
const WS = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const OPTCRE = new RegExp(`^(.*?)${WS}*(=|:)${WS}*(.*)$`, 's');

interface Entry {
  value: string;
  lines: string[] | null; // while the file is being read
  file: string;
  line: number;
}

/** The sections and options read from one or more files, in supervisord's reading order. */
export class SupervisorIniParser {
  readonly #defaults = new Map<string, Entry>();
  readonly #sections = new Map<string, Map<string, Entry>>();
  readonly #origins = new Map<string, IniSectionOrigin>();

  /**
   * Reads one file's text into the parser (configparser's `_read`), merging with what was read before.
   * @throws IniSyntaxError `File contains no section headers.` or `Source contains parsing errors: ...`
   */
  read(text: string, source: string): void {
    let cursect: Map<string, Entry> | null = null;
    let optname: string | null = null;
    let indentLevel = 0;
    let errors: { message: string; line: number } | null = null;
    const lines = pyLines(text);
    for (let i = 0; i < lines.length; i++) {
      const lineno = i + 1;
      const line = lines[i] ?? '';
      const commentStart = findCommentStart(line);
      const value = pyStrip(commentStart === null ? line : line.slice(0, commentStart));
      if (!value) {
        // empty_lines_in_values: an empty line (not a comment line) belongs to the value being read.
        if (commentStart === null && cursect !== null && optname) cursect.get(optname)?.lines?.push('');
        continue;
      }
      let firstNonspace = 0;
      while (firstNonspace < line.length && isSpace(line[firstNonspace])) firstNonspace++;
      const curIndentLevel = firstNonspace < line.length ? firstNonspace : 0;
      if (cursect !== null && optname && curIndentLevel > indentLevel) {
        cursect.get(optname)?.lines?.push(value);
        continue;
      }
      indentLevel = curIndentLevel;
      const header = SECTCRE.exec(value);
      if (header) {
        const sectname = header[1] ?? '';
        if (sectname === DEFAULT_SECTION) {
          cursect = this.#defaults;
        } else {
          let existing = this.#sections.get(sectname);
          if (!existing) {
            existing = new Map();
            this.#sections.set(sectname, existing);
            this.#origins.set(sectname, { file: source, line: lineno });
          }
          cursect = existing;
        }
        optname = null;
        continue;
      }
      if (cursect === null) {
        throw new IniSyntaxError(
          `File contains no section headers.\nfile: ${pythonRepr(source)}, line: ${lineno}\n${pythonRepr(line)}`,
          source,
          lineno,
        );
      }
      const opt = OPTCRE.exec(value);
      if (opt) {
        const rawName = opt[1] ?? '';
        if (!rawName) errors = addError(errors, source, lineno, line);
        optname = pyRstrip(rawName).toLowerCase();
        cursect.set(optname, { value: '', lines: [pyStrip(opt[3] ?? '')], file: source, line: lineno });
      } else {
        errors = addError(errors, source, lineno, line);
      }
    }
    this.#joinMultilineValues();
    if (errors) throw new IniSyntaxError(errors.message, source, errors.line);
  }

  #joinMultilineValues(): void {
    for (const options of [this.#defaults, ...this.#sections.values()]) {
      for (const entry of options.values()) {
        if (entry.lines) {
          entry.value = pyRstrip(entry.lines.join('\n'));
          entry.lines = null;
        }
      }
    }
  }

  /** Section names in the order they were first read (`[DEFAULT]` excluded), like `parser.sections()`. */
  sections(): string[] {
    return [...this.#sections.keys()];
  }

  hasSection(name: string): boolean {
    return this.#sections.has(name);
  }

  /** Where a section was first written (the file `section_to_file` names, and the header's line). */
  origin(section: string): IniSectionOrigin | undefined {
    return this.#origins.get(section);
  }

  /** An option of a section, falling back to `[DEFAULT]` (configparser's `get`); undefined when absent. */
  get(section: string, option: string): IniValue | undefined {
    const entry = this.#sections.get(section)?.get(option) ?? this.#defaults.get(option);
    return entry ? { value: entry.value, file: entry.file, line: entry.line } : undefined;
  }

  /** The option names of a section, `[DEFAULT]`'s first (configparser's `items(section)` order). */
  options(section: string): string[] {
    const names = new Set(this.#defaults.keys());
    for (const k of this.#sections.get(section)?.keys() ?? []) names.add(k);
    return [...names];
  }

  /** The options written in the section itself (not inherited from `[DEFAULT]`), with where each was written. */
  ownOptions(section: string): [string, IniValue][] {
    const own = this.#sections.get(section);
    if (!own) return [];
    return [...own].map(([name, e]) => [name, { value: e.value, file: e.file, line: e.line }]);
  }

  /**
   * supervisor's `UnhosedConfigParser.expand_here`: every `%(here)s` in every value of every section
   * (including values inherited from `[DEFAULT]`) is replaced by `here`, as text.
   */
  expandHere(here: string): void {
    const token = '%(here)s';
    for (const [name, options] of this.#sections) {
      for (const option of this.options(name)) {
        const entry = options.get(option) ?? this.#defaults.get(option);
        if (entry && entry.value.includes(token)) {
          options.set(option, { ...entry, value: entry.value.split(token).join(here), lines: null });
        }
      }
    }
  }
}

/** configparser's inline-comment search: rounds over the prefixes until one follows whitespace. */
export function findCommentStart(line: string): number | null {
  let commentStart = Number.MAX_SAFE_INTEGER;
  let prefixes = new Map<string, number>(INLINE_COMMENT_PREFIXES.map((p) => [p, -1]));
  while (commentStart === Number.MAX_SAFE_INTEGER && prefixes.size > 0) {
    const next = new Map<string, number>();
    for (const [prefix, from] of prefixes) {
      const index = line.indexOf(prefix, from + 1);
      if (index === -1) continue;
      next.set(prefix, index);
      if (index === 0 || (index > 0 && isSpace(line[index - 1])))
        commentStart = Math.min(commentStart, index);
    }
    prefixes = next;
  }
  const stripped = pyStrip(line);
  if (COMMENT_PREFIXES.some((p) => stripped.startsWith(p))) commentStart = 0;
  return commentStart === Number.MAX_SAFE_INTEGER ? null : commentStart;
}

function addError(
  errors: { message: string; line: number } | null,
  source: string,
  lineno: number,
  line: string,
): { message: string; line: number } {
  const base = errors ?? { message: `Source contains parsing errors: ${pythonRepr(source)}`, line: lineno };
  return {
    message: `${base.message}\n\t[line ${String(lineno).padStart(2)}]: ${pythonRepr(line)}`,
    line: base.line,
  };
}
