import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Issue } from '../errors/validation-error';
import { IndexSourceError } from './errors';
import { INDEX_LIMIT_DEFAULTS, loadIndexLimits, type IndexLimits } from './limits';
import { loadIndexFromDir } from './load-dir';

/** One valid entry of app `app` (the file's stem), job `job`. */
function entry(app: string, job: string, id = 1): string {
  return `  - id: ${id}
    app-id: ${app}
    job-id: ${job}
    git-url: https://example.com/${app}/${job}.git
    git-branch: main
    git-path: /
    target-file: Dockerfile
    desired-tag: latest
    notify-email: team@example.com
    depends-on: null
`;
}

const file = (app: string, ...jobs: string[]): string => `Projects:\n${jobs.map((job, i) => entry(app, job, i + 1)).join('')}`;
const limits = (given: Partial<IndexLimits>): IndexLimits => ({ ...INDEX_LIMIT_DEFAULTS, ...given });

describe('loadIndexFromDir within its limits', () => {
  let dir: string;
  let outside: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-index-limits-'));
    outside = await mkdtemp(path.join(os.tmpdir(), 'ccp-index-outside-'));
    await writeFile(path.join(dir, 'alpha.yaml'), file('alpha', 'one'));
    await writeFile(path.join(dir, 'omega.yaml'), file('omega', 'two'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('reports a file over the per-file limit by name, unread, and loads the others', async () => {
    await writeFile(path.join(dir, 'big.yaml'), `# ${'x'.repeat(5000)}\n${file('big', 'three')}`);
    const index = await loadIndexFromDir(dir, limits({ maxFileBytes: 4096 }));
    expect([index.projects.map((project) => project.appId), index.errors.map(({ file: name, field, message }) => [name, field, message])]).toEqual([
      ['alpha', 'omega'],
      [
        [
          'big.yaml',
          '',
          `the file is ${5000 + 3 + file('big', 'three').length} bytes, more than the limit of 4096 bytes per index file (CCP_INDEX_MAX_FILE_BYTES); not read`,
        ],
      ],
    ]);
  });

  it.each([
    [
      'bytes in all',
      limits({ maxTotalBytes: file('alpha', 'one').length + 10 }),
      /^the index is larger than the limit of \d+ bytes in all \(CCP_INDEX_MAX_BYTES\) at omega\.yaml: /,
    ],
    ['files', limits({ maxFiles: 1 }), /has 2 index files, more than the limit of 1 \(CCP_INDEX_MAX_FILES\)$/],
    ['projects', limits({ maxProjects: 1 }), /^the index has 2 projects, more than the limit of 1 \(CCP_INDEX_MAX_PROJECTS\)$/],
  ])('refuses the whole index over its bound of %s', async (_what, bound, message) => {
    const error = await loadIndexFromDir(dir, bound).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect([error instanceof IndexSourceError, (error as Error).message]).toEqual([true, expect.stringMatching(message)]);
  });

  it('refuses links out of the folder and what is no regular file, by name; follows a link inside it', async () => {
    await writeFile(path.join(outside, 'secret.yaml'), file('secret', 'leak'));
    await symlink(path.join(outside, 'secret.yaml'), path.join(dir, 'secret.yaml'));
    await symlink('/etc/passwd', path.join(dir, 'passwd.yaml'));
    await symlink(path.join(dir, 'nowhere.yaml'), path.join(dir, 'dangling.yaml'));
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'sub', 'inner.yaml'), file('inner', 'four'));
    await symlink(path.join(dir, 'sub', 'inner.yaml'), path.join(dir, 'inner.yaml'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    const index = await loadIndexFromDir(dir);
    expect([index.projects.map((project) => project.appId), index.errors.map(({ file: name, message }) => [name, message])]).toEqual([
      ['alpha', 'inner', 'omega'],
      [
        ['dangling.yaml', 'the file is a symbolic link to nothing; refused'],
        ['passwd.yaml', 'the file is a symbolic link that leads out of the index folder; refused'],
        ['secret.yaml', 'the file is a symbolic link that leads out of the index folder; refused'],
      ],
    ]);
    // The FIFO is not listed at all (no regular file, no link): nothing blocks on it.
    expect(index.files).toEqual(['alpha.yaml', 'dangling.yaml', 'inner.yaml', 'omega.yaml', 'passwd.yaml', 'secret.yaml']);
  });

  it('refuses an index.d that links out of the index', async () => {
    await mkdir(path.join(outside, 'index.d'));
    await writeFile(path.join(outside, 'index.d', 'x.yaml'), file('x', 'y'));
    await symlink(path.join(outside, 'index.d'), path.join(dir, 'index.d'));
    await expect(loadIndexFromDir(dir)).rejects.toThrow(/index\.d in .* is a symbolic link that leads out of the index; refused/);
  });

  it('does not expand YAML aliases (a billion-laughs file costs what its bytes cost)', async () => {
    const levels = Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(',')}]`);
    await writeFile(path.join(dir, 'laughs.yaml'), `l0: &l0 "lol"\n${levels.join('\n')}\nProjects:\n  - *l9\n`);
    const started = Date.now();
    const index = await loadIndexFromDir(dir);
    expect([Date.now() - started < 2000, index.projects.map((project) => project.appId), index.errors.some((issue) => issue.file === 'laughs.yaml')]).toEqual([
      true,
      ['alpha', 'omega'],
      true,
    ]);
  });
});

describe('loadIndexLimits', () => {
  it.each([
    [{}, undefined, INDEX_LIMIT_DEFAULTS, []],
    [
      { CCP_INDEX_MAX_BYTES: '1000', CCP_INDEX_MAX_FILE_BYTES: '100' },
      { maxFiles: 5, maxProjects: '7' },
      { maxTotalBytes: 1000, maxFileBytes: 100, maxFiles: 5, maxProjects: 7 },
      [],
    ],
    [{ CCP_INDEX_MAX_BYTES: '8MB' }, { maxFiles: -1 }, INDEX_LIMIT_DEFAULTS, ['index.maxBytes', 'index.maxFiles']],
  ])('reads %j and the file %j', (env, fileSettings, expected, fields) => {
    const issues: Issue[] = [];
    expect([loadIndexLimits(fileSettings, env, {}, issues), issues.map((issue) => issue.field)]).toEqual([expected, fields]);
  });
});
