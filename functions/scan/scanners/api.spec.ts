import { existsSync } from 'node:fs';
import path from 'node:path';
import { getScanner, SCANNERS } from './api';

describe('the scanner registry', () => {
  it('has unique ids', () => {
    const ids = SCANNERS.map((scanner) => scanner.id);
    expect(new Set(ids).size).toEqual(ids.length);
  });

  it.each(SCANNERS.map((scanner) => [scanner.id, scanner] as const))('%s is a complete plug-in', (id, scanner) => {
    expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(scanner.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(scanner.description.length).toBeGreaterThan(20);
    expect(scanner.description).toMatch(/\.$/);
    expect(typeof scanner.scan).toEqual('function');
    expect(existsSync(path.join(__dirname, id, 'index.ts'))).toEqual(true);
    expect(existsSync(path.join(__dirname, id, 'index.spec.ts'))).toEqual(true);
    expect(getScanner(id)).toBe(scanner);
  });

  it('answers null for an unknown id', () => {
    expect(getScanner('no-such-scanner')).toBeNull();
  });
});
