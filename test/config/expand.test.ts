import { describe, expect, it } from 'vitest';
import { envExpansions, expand } from '../../src/config/expand.js';

describe('expand (supervisord wording)', () => {
  it('expands', () => {
    expect(expand('/bin/cat %(program_name)s', { program_name: 'cat' }, 'command')).toBe('/bin/cat cat');
  });
  it('reports unknown names with the sorted available names', () => {
    expect(() => expand('x %(foo)s', { b: '1', a: '2' }, 'command')).toThrow(
      "Format string 'x %(foo)s' for 'command' contains names ('foo') which cannot be expanded. Available names: a, b",
    );
  });
  it('reports malformed strings', () => {
    expect(() => expand('a%%%b', {}, 'stdout_logfile')).toThrow(
      "Format string 'a%%%b' for 'stdout_logfile' is badly formatted: unsupported format character 'b' (0x62) at index 4",
    );
    expect(() => expand('%(a)', { a: 1 }, 'x')).toThrow(
      "Format string '%(a)' for 'x' is badly formatted: incomplete format",
    );
  });
  it('builds ENV_ names', () => {
    expect(envExpansions({ A: '1', B: undefined })).toEqual({ ENV_A: '1' });
  });
});
