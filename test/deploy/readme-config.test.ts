import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../shared/config/package-root';
import { BEGIN, END, MarkersMissingError, withConfigTable } from '../../scripts/generate-config/readme';

describe('the README configuration table', () => {
  const readme = readFileSync(path.join(packageRoot(), 'README.md'), 'utf8');

  it('is the one the declarations give (else: run npm run generate:config)', () => {
    const committed = readme === withConfigTable(readme) ? 'up to date' : 'README.md differs from the declarations: run npm run generate:config';
    expect(committed).toEqual('up to date');
  });

  it('shows a setting as variable, file key and meaning', () => {
    const table = readme.slice(readme.indexOf(BEGIN), readme.indexOf(END));
    expect(table).toContain('| `CCP_BUILD_CONCURRENCY` | `build.concurrency` | builds of different images at once');
  });

  it.each([
    ['no markers', 'text'],
    ['an end before the begin', `${END}\n${BEGIN}`],
  ])('refuses a README with %s', (_name, text) => {
    expect(() => withConfigTable(text)).toThrow(MarkersMissingError);
  });

  it('keeps the text around the markers', () => {
    expect(withConfigTable(`before\n${BEGIN}\nold\n${END}\nafter`)).toMatch(new RegExp(`^before\\n${BEGIN}\\n\\| variable \\|[^]*\\n${END}\\nafter$`));
  });
});
