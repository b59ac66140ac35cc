import { lintDockerfile } from './lint';
import { type Finding } from '../../../shared/dockerfile/types';

const lint = (text: string, options: Partial<Parameters<typeof lintDockerfile>[1]> = {}): Promise<Finding[]> =>
  lintDockerfile(text, { file: 'Dockerfile', ...options });
const where = (findings: Finding[]): string[] => findings.map((finding) => `${finding.code}@${finding.line}`);

describe('lintDockerfile on malformed input', () => {
  it.each<[string, string, string[]]>([
    ['empty file', '', ['CCP1001@1']],
    ['only comments', '# nothing here\n', ['CCP1001@1']],
    ['missing FROM', 'RUN echo hi\n', ['CCP1001@1', 'DL3061@1']],
    ['unknown instruction', 'FROM centos:7\nFOOBAR baz\n', ['DL1000@2']],
    ['unterminated line continuation', 'FROM centos:7\nRUN echo a \\\n', ['DL1000@2']],
    ['unterminated heredoc', 'FROM centos:7\nRUN <<EOF\necho 1\n', ['DL1000@2']],
    ['binary garbage', '\u0000\u0001\u00ff\u0000garbage\n\u0000', ['DL1000@1']],
    ['random bytes without NUL', '\u00ff\u00fe\u0010 x\n}{][\n', ['CCP1001@1', 'DL1000@1', 'DL1000@2', 'DL3061@1']],
  ])('%s', async (_title, text, expected) => {
    const findings = await lint(text, { shellcheck: false });
    expect(where(findings).sort()).toEqual(expected.sort());
    expect(findings.filter((finding) => ['DL1000', 'CCP1001'].includes(finding.code)).every((f) => f.level === 'error')).toBe(true);
  });

  it('names the unknown instruction', async () => {
    const [finding] = await lint('FROM centos:7\nFOOBAR baz\n', { shellcheck: false });
    expect(finding).toEqual({ code: 'DL1000', column: 1, file: 'Dockerfile', level: 'error', line: 2, message: 'unknown instruction "FOOBAR"' });
  });

  it('accepts a terminated heredoc and checks its body with ShellCheck', async () => {
    const findings = await lint('FROM centos:7\nRUN <<EOF\necho $1\nEOF\n');
    expect(where(findings)).toEqual(['SC2086@3']);
  });
});

describe('lintDockerfile configuration', () => {
  const text = 'FROM centos\nMAINTAINER me\nRUN yum install -y httpd\n';

  it('reports hadolint codes at ccp levels by default and hadolint levels on request', async () => {
    expect((await lint(text, { shellcheck: false })).map((f) => `${f.code}:${f.level}`)).toEqual([
      'DL3006:warning',
      'DL4000:warning',
      'DL3032:warning',
      'DL3033:warning',
    ]);
    expect((await lint(text, { shellcheck: false, levels: 'hadolint' })).find((f) => f.code === 'DL4000')?.level).toBe('error');
  });

  it('honours ignored and override', async () => {
    const findings = await lint(text, { shellcheck: false, config: { ignored: ['DL3033', 'DL3032'], override: { error: ['DL4000'], style: ['DL3006'] } } });
    expect(findings.map((f) => `${f.code}:${f.level}`)).toEqual(['DL3006:style', 'DL4000:error']);
  });

  it('turns on an ignore-by-default rule through override', async () => {
    expect(where(await lint('FROM centos:7\n', { shellcheck: false }))).toEqual([]);
    expect(where(await lint('FROM centos:7\n', { shellcheck: false, config: { override: { info: ['DL3057'] } } }))).toEqual(['DL3057@1']);
  });

  it('checks trusted registries only when they are set', async () => {
    expect(where(await lint('FROM quay.io/centos/centos:stream9\n', { shellcheck: false }))).toEqual([]);
    const findings = await lint('FROM docker.io/library/centos:7\n', { shellcheck: false, config: { trustedRegistries: ['quay.io'] } });
    expect(findings.map((f) => `${f.code}:${f.level}`)).toEqual(['DL3026:error']);
  });

  it('honours inline and global ignore comments, for DL and SC codes', async () => {
    const source = [
      '# hadolint global ignore=DL3032',
      'FROM centos:7',
      '# hadolint ignore=DL3033,SC2086',
      '# (a second comment between pragma and instruction)',
      'RUN yum install -y httpd && \\',
      '    echo $1',
      'RUN yum install -y nginx && echo $1',
    ].join('\n');
    expect(where(await lint(source))).toEqual(['DL3033@7', 'DL3059@7', 'SC2086@7']);
    expect(where(await lint(source, { config: { disableIgnorePragma: true } }))).toEqual([
      'DL3032@5',
      'DL3033@5',
      'SC2086@6',
      'DL3032@7',
      'DL3033@7',
      'DL3059@7',
      'SC2086@7',
    ]);
  });
});

describe('lintDockerfile with ShellCheck', () => {
  it('places findings of continuation lines on their own line and column', async () => {
    const findings = await lint('FROM centos:7\nRUN echo ok && \\\n  # a comment Docker drops\n    echo $HOME `pwd`\n');
    expect(findings.filter((f) => f.code.startsWith('SC')).map((f) => `${f.code}@${f.line}:${f.column}`)).toEqual([
      'SC2086@4:10',
      'SC2006@4:16',
      'SC2046@4:16',
    ]);
  });

  it('knows variables from ARG and ENV, as hadolint does', async () => {
    const findings = await lint('FROM centos:7\nARG VERSION\nENV APP_HOME=/app\nRUN echo "$VERSION $APP_HOME $UNSET_THING"\n');
    expect(findings.filter((f) => f.code.startsWith('SC'))).toEqual([]);
  });

  it('uses the SHELL dialect and skips non-POSIX shells', async () => {
    const bashism = 'RUN [[ -f /x ]] && echo yes';
    expect(where(await lint(`FROM centos:7\n${bashism}\n`))).toEqual(['SC3010@2']);
    expect(where(await lint(`FROM centos:7\nSHELL ["/bin/bash", "-c"]\n${bashism}\n`))).toEqual([]);
    expect(where(await lint(`FROM mcr.microsoft.com/powershell:7.4\nSHELL ["pwsh", "-c"]\nRUN Write-Host $x\n`))).toEqual([]);
  });

  it('leaves exec-form RUN alone', async () => {
    expect(where(await lint('FROM centos:7\nRUN ["echo", "$1"]\n'))).toEqual([]);
  });

  it('reports a missing ShellCheck as a finding instead of crashing', async () => {
    const findings = await lint('FROM centos:7\nRUN echo $1\n', { shellcheckCommand: '/nonexistent/shellcheck' });
    expect(findings).toEqual([
      {
        code: 'CCP2001',
        column: 1,
        file: 'Dockerfile',
        level: 'warning',
        line: 1,
        message:
          'RUN scripts were not checked: ShellCheck is not installed: "/nonexistent/shellcheck" was not found on PATH (Debian: apt-get install -y shellcheck)',
      },
    ]);
  });

  it('can be turned off', async () => {
    expect(where(await lint('FROM centos:7\nRUN echo $1\n', { shellcheck: false }))).toEqual([]);
    expect(where(await lint('FROM centos:7\nRUN echo $1\n'))).toEqual(['SC2086@2']);
  });
});
