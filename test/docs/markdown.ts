// Reading the project's markdown for the docs tests: files, code, links and GitHub's heading anchors.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** README.md, CHANGELOG.md and every page under docs/ (not the generated docs/api), relative to ROOT. */
export function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md') && !f.startsWith('api/'))
    .map((f) => join('docs', f));
  return ['README.md', 'CHANGELOG.md', ...docs].sort();
}

export const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

const FENCE = /^(```|~~~)/;

/** The text outside fenced code blocks, one entry per line (fenced lines become ''), so line numbers hold. */
export function proseLines(text: string): string[] {
  let inFence = false;
  return text.split('\n').map((line) => {
    if (FENCE.test(line.trimStart())) {
      inFence = !inFence;
      return '';
    }
    return inFence ? '' : line;
  });
}

/** Everything written as code: fenced blocks and inline code spans. */
export function codeText(text: string): string {
  const out: string[] = [];
  let inFence = false;
  for (const line of text.split('\n')) {
    if (FENCE.test(line.trimStart())) inFence = !inFence;
    else if (inFence) out.push(line);
    else for (const m of line.matchAll(/(`+)(.+?)\1/g)) out.push(m[2]!);
  }
  return out.join('\n');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of proseLines(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const slug = m[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\- _]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

export interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

/** Inline markdown links and images outside code (`[text](target)`, `![alt](target)`). */
export function links(file: string): Link[] {
  const out: Link[] = [];
  proseLines(read(file)).forEach((raw, i) => {
    const line = raw.replace(/(`+).+?\1/g, '');
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      out.push({ file, line: i + 1, target: m[1]! });
    }
  });
  return out;
}

export interface CodeBlock {
  readonly file: string;
  /** The line of the opening fence (1-based); the code starts on the next line. */
  readonly line: number;
  /** The fence's info string's first word, lower case (`ts`, `js`, `ini`, '' for none). */
  readonly lang: string;
  /** The code, without the fence's indentation. */
  readonly code: string;
  /** The reason given by a `<!-- not-checked: reason -->` comment on the last non-blank line before the fence. */
  readonly notChecked: string | undefined;
}

/** Every fenced code block of a markdown file, in order. */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = read(file).split('\n');
  const out: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+|~~~+)\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent = '', fence = '', lang = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.trimStart().startsWith(fence); j++) {
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!.trimStart());
    }
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const marker = k >= 0 ? /^\s*<!--\s*not-checked:\s*(.*?)\s*-->\s*$/.exec(lines[k]!) : null;
    out.push({ file, line: i + 1, lang: lang.toLowerCase(), code: body.join('\n'), notChecked: marker?.[1] });
    i = j;
  }
  return out;
}
