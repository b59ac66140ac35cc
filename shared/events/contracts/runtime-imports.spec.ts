import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The modules `file` loads at run time, followed through relative imports: `import type` and
 * `export type` are erased by the compiler and left out.
 */
function runtimeImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const [, typeOnly, specifier] of source.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms)) {
    if (typeOnly || !specifier) continue;
    if (!specifier.startsWith('.')) {
      seen.add(specifier);
      continue;
    }
    const resolved = path.resolve(path.dirname(file), specifier);
    const target = [`${resolved}.ts`, path.join(resolved, 'index.ts')].find((candidate) => existsSync(candidate));
    if (target) runtimeImports(target, seen);
  }
  return seen;
}

describe('the run-time check of events', () => {
  // TypeBox's type builder is ~200 CommonJS modules; a function starting cold must not load it.
  it.each([['shared/events/validate.ts'], ['shared/events/types.ts'], ['shared/events/make.ts']])('%s loads no TypeBox', (entry) => {
    const loaded = [...runtimeImports(path.resolve(__dirname, '../../..', entry))];
    expect(loaded.filter((module) => module.includes('typebox') || module.includes('/contracts/parts') || module.includes('/contracts/api'))).toEqual([]);
  });

  it('validate.ts checks through the schema walker', () => {
    expect([...runtimeImports(path.resolve(__dirname, '../../..', 'shared/events/validate.ts'))].some((module) => module.endsWith('/contracts/check.ts'))).toBe(
      true,
    );
  });
});
