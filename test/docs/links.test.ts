// Every relative link in README.md, CHANGELOG.md and docs/ resolves: the file exists and, for `#anchor`,
// the heading exists (GitHub's slugs). And every page of docs/ is reachable from the README and the index.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchors, links, markdownFiles, read, ROOT } from './markdown.js';

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

describe('markdown links', () => {
  it('finds the pages and their links', () => {
    expect(markdownFiles()).toContain('docs/README.md');
    expect(links('README.md').length).toBeGreaterThan(5);
  });

  it.each(markdownFiles())('%s: every relative link and anchor resolves', (file) => {
    const broken: string[] = [];
    for (const link of links(file)) {
      if (EXTERNAL.test(link.target)) continue;
      const [path = '', anchor] = link.target.split('#', 2) as [string, string | undefined];
      const target = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
      const where = `${link.file}:${link.line} -> ${link.target}`;
      if (target.startsWith('..') || !existsSync(join(ROOT, target))) {
        broken.push(`${where}: no such file`);
        continue;
      }
      if (anchor !== undefined && target.endsWith('.md') && statSync(join(ROOT, target)).isFile()) {
        if (!anchors(read(target)).has(anchor)) broken.push(`${where}: no heading #${anchor} in ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README and docs/README.md link every page of docs/', () => {
    const pages = markdownFiles().filter((f) => f.startsWith('docs/') && f !== 'docs/README.md');
    const linked = (from: string): Set<string> =>
      new Set(
        links(from)
          .filter((l) => !EXTERNAL.test(l.target))
          .map((l) => normalize(join(dirname(from), l.target.split('#')[0]!))),
      );
    const fromReadme = linked('README.md');
    const fromIndex = linked('docs/README.md');
    expect(fromReadme.has('docs/README.md')).toBe(true);
    expect(pages.filter((p) => !fromReadme.has(p))).toEqual([]);
    expect(pages.filter((p) => !fromIndex.has(p))).toEqual([]);
  });
});
