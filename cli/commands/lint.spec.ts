import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CliIo } from '../types';
import { lintCommand } from './lint';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], cwd: string, globals: { config?: string } = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {}, cwd };
  const code = await lintCommand.run(argv, globals, io);
  return { code, stdout, stderr };
}

const DOCKERFILE = 'FROM centos:7\nMAINTAINER me\nRUN yum install -y httpd && yum clean all\nCMD httpd\n';

describe('ccp lint', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-lint-cli-'));
    await writeFile(path.join(dir, 'Dockerfile'), DOCKERFILE);
  });

  it("prints hadolint's JSON exactly and exits 0 below the threshold", async () => {
    const result = await run(['Dockerfile', '--format', 'json'], dir);
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout:
        '[{"code":"DL4000","column":1,"file":"Dockerfile","level":"warning","line":2,"message":"MAINTAINER is deprecated"},' +
        '{"code":"DL3033","column":1,"file":"Dockerfile","level":"warning","line":3,"message":"Specify version with `yum install -y <package>-<version>`."},' +
        '{"code":"DL3025","column":1,"file":"Dockerfile","level":"warning","line":4,"message":"Use arguments JSON notation for CMD and ENTRYPOINT arguments"}]\n',
    });
  });

  it('prints tty lines by default, with the path as given', async () => {
    await mkdir(path.join(dir, 'app'));
    await writeFile(path.join(dir, 'app', 'Dockerfile'), 'FROM centos:7\nRUN echo $1\n');
    const result = await run(['app/Dockerfile'], dir);
    expect(result.stdout).toBe('app/Dockerfile:2 SC2086 info: Double quote to prevent globbing and word splitting.\n');
    expect(result.code).toBe(0);
  });

  it('prints SARIF 2.1.0', async () => {
    const result = await run(['Dockerfile', '--format=sarif'], dir);
    const sarif = JSON.parse(result.stdout) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.map((r) => r.ruleId)).toEqual(['DL4000', 'DL3033', 'DL3025']);
  });

  it('exits 1 when a finding reaches the threshold', async () => {
    expect((await run(['Dockerfile', '--failure-threshold', 'warning'], dir)).code).toBe(1);
    await writeFile(path.join(dir, 'Broken'), 'FROM centos:7\nFOOBAR x\n');
    const broken = await run(['Broken', '--no-shellcheck'], dir);
    expect(broken).toEqual({ code: 1, stderr: '', stdout: 'Broken:2 DL1000 error: unknown instruction "FOOBAR"\n' });
  });

  it('uses .hadolint.yaml beside the Dockerfile', async () => {
    await writeFile(path.join(dir, '.hadolint.yaml'), 'failure-threshold: warning\nignored: [DL3033]\n');
    const result = await run(['Dockerfile', '-f', 'json'], dir);
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as { code: string }[]).map((f) => f.code)).toEqual(['DL4000', 'DL3025']);
  });

  it('uses --config, also when the global option parser took it', async () => {
    await writeFile(path.join(dir, 'strict.yaml'), 'override:\n  error: [DL4000]\n');
    expect((await run(['Dockerfile', '--config', 'strict.yaml'], dir)).code).toBe(1);
    expect((await run(['Dockerfile'], dir, { config: 'strict.yaml' })).code).toBe(1);
  });

  it('leaves ShellCheck out with --no-shellcheck', async () => {
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM centos:7\nRUN echo $1\n');
    expect((await run(['Dockerfile', '--no-shellcheck'], dir)).stdout).toBe('');
  });

  it.each<[string, string[], string]>([
    ['no Dockerfile', [], 'ccp lint: missing <Dockerfile>'],
    ['two Dockerfiles', ['a', 'b'], 'ccp lint: one Dockerfile expected, got 2'],
    ['bad format', ['Dockerfile', '--format', 'xml'], 'ccp lint: --format must be one of tty, json, sarif, not "xml"'],
    ['bad threshold', ['Dockerfile', '-t', 'fatal'], 'ccp lint: --failure-threshold must be one of error, warning, info, style, ignore, none, not "fatal"'],
    ['missing file', ['Nope'], 'ccp lint: cannot read Dockerfile Nope: no such file'],
    ['a folder', ['.'], 'ccp lint: cannot read Dockerfile .: is a directory'],
    ['missing config', ['Dockerfile', '--config', 'none.yaml'], 'ccp lint: cannot read configuration none.yaml: no such file'],
  ])('exits 2 for %s', async (_title, argv, message) => {
    const result = await run(argv, dir);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(message);
  });

  it('exits 2 for an unknown option', async () => {
    const result = await run(['Dockerfile', '--colour'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--colour'");
  });

  it('exits 2 for an invalid config, naming file, line and field', async () => {
    await writeFile(path.join(dir, '.hadolint.yaml'), 'ignored: [DL3008]\nfailure-threshold: fatal\n');
    const result = await run(['Dockerfile'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `ccp lint: invalid configuration:\n  ${path.join(dir, '.hadolint.yaml')}:2:20 failure-threshold: must be one of error, warning, info, style, ignore, none\n`,
    );
  });
});
