import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { packageRoot } from '../../shared/config/package-root';
import { lintDockerfile } from '../../functions/lint/linter/lint';

const ROOT = packageRoot();
const text = readFileSync(path.join(ROOT, 'Containerfile'), 'utf8');
const lines = text.split('\n');
const dockerfile = DockerfileParser.parse(text);
const instructions = dockerfile.getInstructions();
const lastStageStart = Math.max(...instructions.map((instruction, index) => (instruction.getKeyword() === 'FROM' ? index : -1)));
const finalStage = instructions.slice(lastStageStart);
const argsOf = (keyword: string): string[][] =>
  finalStage
    .filter((instruction) => instruction.getKeyword() === keyword)
    .map((instruction) => instruction.getArguments().map((argument) => argument.getValue()));
const ignored = readFileSync(path.join(ROOT, '.containerignore'), 'utf8')
  .split('\n')
  .filter((line) => line && !line.startsWith('#'));

describe("ccp's own Containerfile, as the pipeline would take it", () => {
  it('passes ccp lint with no error-level finding (ShellCheck included)', async () => {
    const findings = await lintDockerfile(text, { file: 'Containerfile' });
    expect(findings.filter((finding) => finding.level === 'error')).toEqual([]);
  });

  it('runs the function entry as a non-root user on port 8080', () => {
    expect({
      entrypoint: argsOf('ENTRYPOINT').map((args) => args.join(' ')),
      expose: argsOf('EXPOSE').flat(),
      user: argsOf('USER').flat().at(-1),
    }).toEqual({ entrypoint: ['["node", "dist/functions/main.js"]'], expose: ['8080'], user: '1001' });
  });

  it('installs the tools the functions run in the final stage', () => {
    const installed = argsOf('RUN').flat().join(' ');
    expect(['nodejs', 'buildah', 'skopeo', 'rpm', 'git-core', 'createrepo_c', 'ShellCheck'].filter((tool) => !installed.split(/\s+/).includes(tool))).toEqual(
      [],
    );
  });

  it('copies only what exists and what .containerignore lets through', () => {
    const sources = instructions
      .filter((instruction) => instruction.getKeyword() === 'COPY' && !/--from=/.test(lines[instruction.getRange().start.line] ?? ''))
      .flatMap((instruction) =>
        instruction
          .getArguments()
          .slice(0, -1)
          .map((argument) => argument.getValue()),
      );
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.filter((source) => !existsSync(path.join(ROOT, source)) || ignored.includes(source))).toEqual([]);
  });

  it('keeps .dockerignore the same as .containerignore', () => {
    const dockerignore = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    expect(dockerignore).toEqual(ignored);
  });

  it('compiles in its build stage from exactly the files that stage copies (no import of test/ or bench/)', () => {
    const buildStage = instructions.slice(
      0,
      instructions.findIndex((instruction, index) => index > 0 && instruction.getKeyword() === 'FROM'),
    );
    const copied = buildStage
      .filter((instruction) => instruction.getKeyword() === 'COPY')
      .flatMap((instruction) =>
        instruction
          .getArguments()
          .slice(0, -1)
          .map((argument) => argument.getValue()),
      );
    const context = mkdtempSync(path.join(os.tmpdir(), 'ccp-image-context-'));
    try {
      for (const source of copied) cpSync(path.join(ROOT, source), path.join(context, source), { recursive: true });
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(context, 'node_modules'));
      const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--noEmit'], {
        cwd: context,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect([tsc.status, tsc.stdout.trim()]).toEqual([0, '']);
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  }, 150_000);
});
