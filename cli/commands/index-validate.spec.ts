import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CENTOS_INDEX as REAL_INDEX } from '../../test/__fixtures__/centos/paths';
import type { CliIo } from '../types';
import { indexValidateCommand } from './index-validate';

const FIXTURES = path.resolve(__dirname, '../../shared/index/__fixtures__');

async function run(args: string[], cwd = process.cwd()): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {}, cwd };
  const status = await indexValidateCommand.run(args, {}, io);
  return { status, stdout, stderr };
}

describe('ccp index validate', () => {
  it('is named for the CLI', () => {
    expect(indexValidateCommand.name).toEqual(['index', 'validate']);
  });

  it('prints one line per issue and a summary, exit 1 on the real index', async () => {
    const { status, stdout, stderr } = await run([REAL_INDEX]);
    expect(status).toEqual(1);
    expect(stderr).toEqual('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toEqual(
      'centos.yaml:264:17: error Projects[21].depends-on: dependency cycle: centos/centos:7 -> centos/centos:7 (the image depends on itself)',
    );
    expect(lines[5]).toEqual(
      'pipeline-images.yaml:62:5: warning Projects[3].build_context: unknown key "build_context" is ignored; did you mean "build-context"?',
    );
    expect(lines[6]).toEqual('204 projects, 5 errors, 1 warnings');
  });

  it('prints exactly the JSON shape with --json, paths relative to the index', async () => {
    const { status, stdout } = await run(['--json', path.relative(process.cwd(), REAL_INDEX)]);
    expect(status).toEqual(1);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['projects', 'errors', 'warnings']);
    expect(report.projects).toEqual(204);
    expect(report.errors).toHaveLength(5);
    expect(report.errors[1]).toEqual({
      file: 'mattermost.yaml',
      line: 305,
      column: 17,
      field: 'Projects[23].depends-on',
      message:
        'sclo/nodejs-6-centos7:latest is not an image of this index; declare it under External-Images if it is built elsewhere, or use its full reference with the registry host',
    });
    expect(report.warnings).toEqual([
      {
        file: 'pipeline-images.yaml',
        line: 62,
        column: 5,
        field: 'Projects[3].build_context',
        message: 'unknown key "build_context" is ignored; did you mean "build-context"?',
      },
    ]);
  });

  it('exits 0 on a clean index, resolving the folder against the working directory', async () => {
    const { status, stdout } = await run(['good'], FIXTURES);
    expect(status).toEqual(0);
    expect(stdout).toEqual('3 projects, 0 errors, 0 warnings\n');
  });

  it('merges errors and warnings in file order', async () => {
    const { stdout } = await run([path.join(FIXTURES, 'broken')]);
    expect(stdout.split('\n').slice(0, 3)).toEqual([
      'alpha.yaml:2:5: error Projects[0].git-branch: required key "git-branch" is missing (is "git-brach" meant?)',
      'alpha.yaml:6:5: warning Projects[0].git-brach: unknown key "git-brach" is ignored; did you mean "git-branch"?',
      'alpha.yaml:13:9: error Projects[1].id: id 1 is already used in this file at line 2',
    ]);
    expect(stdout).toContain('syntax.yaml:5:5: error (file): YAML syntax error:');
    expect(stdout.trimEnd().split('\n').pop()).toEqual('1 projects, 10 errors, 1 warnings');
  });

  it.each([
    [[], 'missing <dir|git-url>'],
    [['a', 'b'], 'one location expected, got 2'],
    [['--bogus', 'a'], "Unknown option '--bogus'"],
    [['--branch'], "Option '--branch <value>' argument missing"],
  ])('exits 2 on usage error %j', async (args, message) => {
    const { status, stdout, stderr } = await run(args);
    expect(status).toEqual(2);
    expect(stdout).toEqual('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: ccp index validate');
  });

  it('exits 1 naming a folder that does not exist', async () => {
    const { status, stderr } = await run(['no-such-index'], FIXTURES);
    expect(status).toEqual(1);
    expect(stderr).toEqual(`ccp index validate: ${path.join(FIXTURES, 'no-such-index')} is not a folder\n`);
  });

  describe('on a git repository', () => {
    let root: string;
    beforeAll(async () => {
      root = await mkdtemp(path.join(os.tmpdir(), 'ccp-index-validate-'));
      await mkdir(path.join(root, 'index.d'));
      await writeFile(path.join(root, 'index.d', 'solo.yaml'), 'Projects:\n  - id: 1\n    app-id: solo\n    job-id: app\n');
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root });
      git('init', '--quiet', '--initial-branch', 'trunk');
      git('add', '.');
      git('commit', '--quiet', '-m', 'index');
    });
    afterAll(() => rm(root, { recursive: true, force: true }));

    it('clones the branch and reports paths from the repository root', async () => {
      const { status, stdout } = await run(['--branch', 'trunk', '--json', `file://${root}`]);
      expect(status).toEqual(1);
      const report = JSON.parse(stdout);
      expect(report.projects).toEqual(0);
      expect(report.errors.map((issue: { file: string; field: string }) => `${issue.file} ${issue.field}`)).toEqual([
        'index.d/solo.yaml Projects[0].git-url',
        'index.d/solo.yaml Projects[0].git-branch',
        'index.d/solo.yaml Projects[0].target-file',
        'index.d/solo.yaml Projects[0].desired-tag',
        'index.d/solo.yaml Projects[0].notify-email',
        'index.d/solo.yaml Projects[0].depends-on',
      ]);
    });

    it('reports a missing branch as a JSON error with --json', async () => {
      const url = `file://${root}`;
      const { status, stdout } = await run(['--branch', 'nope', '--json', url]);
      expect(status).toEqual(1);
      expect(JSON.parse(stdout)).toEqual({
        projects: 0,
        errors: [{ file: url, line: 1, column: 1, field: 'location', message: `${url} has no branch "nope"` }],
        warnings: [],
      });
    });
  });
});
