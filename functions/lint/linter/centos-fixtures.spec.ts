import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CENTOS_DOCKERFILES as FIXTURES } from '../../../test/__fixtures__/centos/paths';
import { lintDockerfile } from './lint';
import { lintVerdict } from './verdict';
import { type Finding } from '../../../shared/dockerfile/types';

const files = readdirSync(FIXTURES).sort();

async function lintAll(levels: 'ccp' | 'hadolint'): Promise<Map<string, Finding[]>> {
  const results = await Promise.all(files.map((file) => lintDockerfile(readFileSync(path.join(FIXTURES, file), 'utf8'), { file, levels })));
  return new Map(files.map((file, index) => [file, results[index]]));
}

const where = (findings: Finding[]): string[] => findings.map((finding) => `${finding.code}@${finding.line}`);

describe('the 79 CentOS Dockerfiles of test/__fixtures__/centos', () => {
  let ccp: Map<string, Finding[]>;
  let hadolint: Map<string, Finding[]>;

  beforeAll(async () => {
    ccp = await lintAll('ccp');
    hadolint = await lintAll('hadolint');
  });

  it('lints every one of them', () => {
    expect(files).toHaveLength(79);
    expect([...ccp.keys()]).toEqual(files);
    // No parse errors: these are real Dockerfiles that built.
    expect([...ccp.values()].flat().filter((finding) => finding.code === 'DL1000' || finding.code === 'CCP1001')).toEqual([]);
  });

  it.each<[string, string[]]>([
    ['httpd_centos7_Dockerfile', ['DL4000@2', 'DL3048@3', 'DL3033@8', 'DL3020@15']],
    ['postgres_centos7_Dockerfile', ['DL4000@8', 'DL3059@11', 'DL3020@14', 'DL3020@15', 'DL3020@16', 'DL3020@25']],
    ['cockpit_kubernetes_Dockerfile', ['DL3006@1', 'DL3020@4']],
    ['powershell_centos7_Dockerfile', ['DL3007@1', 'DL4000@2', 'DL3048@4']],
    ['firefox_centos7_Dockerfile', ['DL3033@13', 'DL3020@16']],
    ['memcached_centos6_Dockerfile', ['DL4000@8', 'DL3033@12']],
    ['Django_centos7_Dockerfile', ['DL3032@11', 'DL3033@12']],
    ['earthquake_centos7_Dockerfile', ['DL3028@16']],
    ['mariadb_centos7_Dockerfile', ['DL3045@17']],
    ['python_centos7_Dockerfile', ['DL3003@16', 'DL3042@16', 'SC2164@16']],
    ['etherpad_Dockerfile', ['DL4006@16']],
    ['wildfly_centos7_Dockerfile', ['DL3007@2', 'DL3003@30', 'DL4006@30']],
    ['sentry_centos7_8.17_Dockerfile', ['DL3047@27', 'SC2006@29', 'SC2046@29', 'SC2155@31', 'SC2155@45']],
  ])('%s has its real findings', (file, expected) => {
    expect(where(ccp.get(file) ?? [])).toEqual(expect.arrayContaining(expected));
  });

  it('places ShellCheck findings on continuation lines at their column', () => {
    const sentry = ccp.get('sentry_centos7_8.17_Dockerfile') ?? [];
    // Line 29 is the third line of a RUN that starts on line 27; the backtick is at column 112.
    expect(sentry.filter((finding) => finding.code === 'SC2006' && finding.line === 29).map((finding) => finding.column)).toEqual([112, 162]);
    // hadolint's JSON puts them on the RUN's line: the finding says which it is.
    expect(sentry.filter((finding) => finding.code === 'SC2006' && finding.line === 29).map((finding) => finding.instructionLine)).toEqual([27, 27]);
    expect(ccp.get('tools_Dockerfile')?.find((finding) => finding.code === 'SC2015')).toEqual({
      code: 'SC2015',
      column: 26,
      file: 'tools_Dockerfile',
      level: 'info',
      line: 7,
      message: 'Note that A && B || C is not if-then-else. C may run when A is true.',
    });
  });

  it("blocks none of them at the default threshold, while hadolint's own levels would block 70", () => {
    const failing = (results: Map<string, Finding[]>): string[] =>
      [...results].filter(([, findings]) => lintVerdict(findings, 'error').failed).map(([file]) => file);
    expect(failing(ccp)).toEqual([]);
    expect(failing(hadolint)).toHaveLength(70);
    // The difference is only the level: the same findings are reported.
    expect([...ccp.values()].flat().length).toEqual([...hadolint.values()].flat().length);
  });
});
