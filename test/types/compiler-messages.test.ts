/**
 * What tsc says to a user who gets an option wrong: the message names the option and `ProgramConfig`, not
 * an anonymous type. Compiles a small file against src/index.ts with the TypeScript API.
 */
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function diagnostics(source: string): string[] {
  const file = path.join(root, 'test/types/__user__.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(file))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('compiler messages', () => {
  it('a misspelt option names ProgramConfig and suggests the option', { timeout: 60_000 }, () => {
    const messages = diagnostics(
      [
        "import { Supervisor } from '../../src/index.js';",
        "new Supervisor({ programs: { web: { command: 'node server.js', autorestrat: true } } });",
        "new Supervisor({ programs: { web: { command: 'node server.js', stopsignal: 'TERMINATE' } } });",
      ].join('\n'),
    );
    expect(messages).toHaveLength(2);
    expect(messages[0]).toBe(
      "Object literal may only specify known properties, but 'autorestrat' does not exist in type 'ProgramConfig'. Did you mean to write 'autorestart'?",
    );
    expect(messages[1]).toContain('"TERMINATE"');
  });
});
