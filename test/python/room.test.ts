// src/python/ is the Python semantics we reproduce (shlex, repr, %-format): a leaf room, importing nothing
// outside itself (node: built-ins aside), so every other room may use it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOM = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'python');
const files = readdirSync(ROOM).filter((f) => f.endsWith('.ts'));

describe('src/python/', () => {
  it('holds shlex, repr and format', () => {
    expect(files).toEqual(expect.arrayContaining(['shlex.ts', 'repr.ts', 'format.ts']));
  });

  it.each(files)('%s imports only from src/python/', (file) => {
    const text = readFileSync(join(ROOM, file), 'utf8');
    const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(
      (m) => m[1] ?? '',
    );
    expect(specifiers.filter((s) => !/^\.\/[\w-]+\.js$/.test(s) && !s.startsWith('node:'))).toEqual([]);
  });
});
