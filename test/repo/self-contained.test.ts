import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../shared/config/package-root';
import { CENTOS_DOCKERFILES, CENTOS_INDEX } from '../__fixtures__/centos/paths';

/**
 * A fresh clone has nothing beside it: tests, benchmarks and docs that read `../shared/…` (the
 * folder the project was seeded from) fail or mislead there. The real fixtures live in
 * `test/__fixtures__/centos/`.
 */
const ROOT = packageRoot();
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.ccp', 'coverage']);
const THIS_FILE = path.relative(ROOT, __filename).split(path.sep).join('/');
// Spelt in two parts so that the examples below are not a reference themselves.
const SEED_FIXTURES = ['shared', 'fixtures'].join('/');
const SEED_DESIGN = ['..', '..', '..', 'shared', 'design.md'].join('/');

/** Every reference of `text` (the file `file`, relative to the root) that leaves the repository for the seed's `shared/`. */
function outsideReferences(file: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(new RegExp(`[\\w./-]*${SEED_FIXTURES}[\\w./-]*`, 'g'))) found.push(match[0]);
  for (const match of text.matchAll(/(?:\.\.\/)+shared\b[\w./-]*/g)) {
    if (path.posix.join(path.posix.dirname(file), match[0]).startsWith('../')) found.push(match[0]);
  }
  // packageRoot() is the repository itself: anything above it is outside.
  for (const match of text.matchAll(/packageRoot\(\)\s*,\s*['"`](\.\.\/[^'"`]*)/g)) found.push(match[1]!);
  return [...new Set(found)];
}

function projectFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) walk(rel);
      else if (entry.isFile()) files.push(rel);
    }
  };
  walk('');
  return files;
}

describe('the repository is self-contained', () => {
  it.each<[string, string, string[]]>([
    ['bench/lint.ts', `path.resolve(__dirname, '../../${SEED_FIXTURES}/dockerfiles/centos')`, [`../../${SEED_FIXTURES}/dockerfiles/centos`]],
    ['shared/index/readme.md', `see \`${SEED_DESIGN}\``, [SEED_DESIGN]],
    ['README.md', `bin/ccp index validate ../${SEED_FIXTURES}/container-index`, [`../${SEED_FIXTURES}/container-index`]],
    ['bench/index-graph.ts', "path.resolve(packageRoot(), '../shared/x')", ['../shared/x']],
    ['functions/scan/handle.ts', "import { x } from '../../shared/reports';\n * @see ../../shared/reports/readme.md", []],
    ['functions/dispatch/planning/helpers.spec.ts', "entry('two', { buildContext: '../shared' })", []],
  ])('%s: %s', (file, text, expected) => {
    expect(outsideReferences(file, text)).toEqual(expected);
  });

  it('no file reads fixtures or docs from outside the repository', () => {
    const offenders = projectFiles()
      .filter((file) => file !== THIS_FILE)
      .flatMap((file) => {
        const bytes = readFileSync(path.join(ROOT, file));
        if (bytes.includes(0)) return [];
        return outsideReferences(file, bytes.toString('utf8')).map((reference) => `${file}: ${reference}`);
      });
    expect(offenders).toEqual([]);
  });

  it('has the real CentOS fixtures inside', () => {
    expect(readdirSync(CENTOS_INDEX).filter((name) => /\.ya?ml$/.test(name))).toHaveLength(34);
    expect(readdirSync(CENTOS_DOCKERFILES)).toHaveLength(79);
    expect(path.relative(ROOT, CENTOS_INDEX).startsWith('..')).toBe(false);
  });
});
