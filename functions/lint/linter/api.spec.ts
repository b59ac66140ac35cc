import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { rules } from './api';

const RULES_DIR = path.join(__dirname, 'rules');
const folders = readdirSync(RULES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('rule registry', () => {
  it('registers every rule folder, once, under its own id', () => {
    expect([...rules.keys()].map((id) => id.toLowerCase()).sort()).toEqual(folders);
    expect(rules.size).toBeGreaterThanOrEqual(30);
  });

  it("has hadolint's required rules", () => {
    const required =
      'DL3000 DL3002 DL3003 DL3004 DL3006 DL3007 DL3008 DL3009 DL3013 DL3015 DL3016 DL3018 DL3020 DL3022 DL3025 DL3026 DL3027 DL3029 DL3032 DL3033 DL3040 DL3041 DL3042 DL3045 DL3047 DL3048 DL3059 DL3060 DL4000 DL4001 DL4003 DL4004 DL4006';
    expect(required.split(' ').filter((id) => !rules.has(id))).toEqual([]);
  });

  describe.each([...rules.values()].map((rule) => [rule.id, rule] as const))('%s', (id, rule) => {
    const folder = path.join(RULES_DIR, id.toLowerCase());

    it('has a hadolint-style id and a valid default severity', () => {
      expect(rule.id).toMatch(/^DL[34]\d{3}$/);
      expect(['error', 'warning', 'info', 'style', 'ignore']).toContain(rule.severity);
      expect(rule.summary.length).toBeGreaterThan(10);
    });

    it('has a readme with its meaning, a bad and a good example', () => {
      const readme = readFileSync(path.join(folder, 'readme.md'), 'utf8');
      expect(readme.startsWith(`# ${id}: `)).toBe(true);
      expect(readme).toContain(`Default severity: **${rule.severity}**`);
      expect(readme).toContain('## Why it matters');
      expect(readme).toContain('## Bad');
      expect(readme).toContain('## Good');
    });

    it('has a table spec', () => {
      expect(existsSync(path.join(folder, 'index.spec.ts'))).toBe(true);
      expect(readFileSync(path.join(folder, 'index.spec.ts'), 'utf8')).toContain('it.each');
    });
  });
});
