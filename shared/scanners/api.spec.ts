import semver from 'semver';
import { SCANNERS } from './api';

describe('SCANNERS', () => {
  it('has unique kebab-case ids', () => {
    const ids = SCANNERS.map((scanner) => scanner.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  it.each(SCANNERS.map((scanner) => [scanner.id, scanner]))('%s has a semver version, a one-sentence description and a scan function', (_, scanner) => {
    expect(semver.valid(scanner.version)).toBe(scanner.version);
    expect(scanner.description).toMatch(/^\S.*\.$/);
    expect(scanner.description.length).toBeLessThan(200);
    expect(typeof scanner.scan).toBe('function');
  });

  it('holds the language-package and capability scanners', () => {
    expect(SCANNERS.map((scanner) => scanner.id)).toEqual(expect.arrayContaining(['pip-updates', 'npm-updates', 'gem-updates', 'capabilities']));
  });
});
