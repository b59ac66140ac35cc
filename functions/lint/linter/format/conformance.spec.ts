import Ajv from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CENTOS_DOCKERFILES } from '../../../../test/__fixtures__/centos/paths';
import { lintDockerfile } from '../lint';
import type { Finding } from '../../../../shared/dockerfile/types';
import { formatJson } from './json';
import { formatSarif } from './sarif';
import { formatTty } from './tty';

const FIXTURES = path.join(__dirname, '__fixtures__');
const HADOLINT_DOCKERFILE = readFileSync(path.join(FIXTURES, 'hadolint', 'Dockerfile'), 'utf8');
const PACKAGE_VERSION = (JSON.parse(readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as { version: string }).version;

interface HadolintJson {
  code: string;
  column: number;
  file: string;
  level: string;
  line: number;
  message: string;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: string };
}

interface SarifLog {
  runs: {
    tool: { driver: { name: string; version: string; rules: SarifRule[] } };
    results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[] }[];
  }[];
}

const byPosition = (a: HadolintJson, b: HadolintJson): number => a.line - b.line || a.code.localeCompare(b.code) || a.message.localeCompare(b.message);

/** The official SARIF 2.1.0 schema, with its formats checked for real. */
function sarifValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', (value: string) => /^[a-z][a-z0-9+.-]*:/i.test(value) && URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///base/'));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)) && /^\d{4}-\d\d-\d\dT/.test(value));
  return ajv.compile(JSON.parse(readFileSync(path.join(FIXTURES, 'sarif-schema-2.1.0.json'), 'utf8')) as object);
}

describe("ccp lint --format json against hadolint's own output", () => {
  let findings: Finding[];
  beforeAll(async () => {
    findings = await lintDockerfile(HADOLINT_DOCKERFILE, { file: 'Dockerfile', levels: 'hadolint' });
  });

  it('writes what hadolint writes: ShellCheck findings at their RUN line, column 1', () => {
    const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'hadolint', 'Dockerfile.hadolint.json'), 'utf8')) as HadolintJson[];
    const written = JSON.parse(formatJson(findings)) as HadolintJson[];
    expect([...written].sort(byPosition)).toEqual([...expected].sort(byPosition));
    expect(written.map((finding) => finding.line)).toEqual([...written.map((finding) => finding.line)].sort((a, b) => a - b));
    expect(Object.keys(written[0]!)).toEqual(['code', 'column', 'file', 'level', 'line', 'message']);
  });

  it('keeps the exact inner positions in tty and SARIF', () => {
    const inner = (finding: { code: string; line: number; column: number }): string => `${finding.code}@${finding.line}:${finding.column}`;
    expect(findings.filter((finding) => finding.code.startsWith('SC')).map(inner)).toEqual(['SC2086@4:10', 'SC2006@4:16', 'SC2046@4:16', 'SC2086@9:10']);
    expect(formatTty(findings)).toContain('Dockerfile:9 SC2086 info:');
    const log = JSON.parse(formatSarif(findings)) as SarifLog;
    const run = log.runs[0]!;
    expect(
      run.results
        .filter((result) => result.ruleId.startsWith('SC'))
        .map((result) => {
          const region = result.locations[0]!.physicalLocation.region;
          return `${result.ruleId}@${region.startLine}:${region.startColumn}`;
        }),
    ).toEqual(['SC2086@4:10', 'SC2006@4:16', 'SC2046@4:16', 'SC2086@9:10']);
  });

  it.each<[string, string, HadolintJson]>([
    ['a parse error keeps its column', 'DL1000', { code: 'DL1000', column: 7, file: 'F', level: 'error', line: 3, message: 'x' }],
    ['a rule finding gets column 1', 'DL3020', { code: 'DL3020', column: 1, file: 'F', level: 'error', line: 3, message: 'x' }],
  ])('%s', (_name, code, expected) => {
    expect(JSON.parse(formatJson([{ code, column: 7, file: 'F', level: 'error', line: 3, message: 'x' }]))).toEqual([expected]);
  });
});

describe('SARIF output', () => {
  const validate = sarifValidator();
  const files = readdirSync(CENTOS_DOCKERFILES).sort();
  let centos: { ccp: Finding[]; hadolint: Finding[] };

  beforeAll(async () => {
    const texts = files.map((file) => readFileSync(path.join(CENTOS_DOCKERFILES, file), 'utf8'));
    const lintAll = async (levels: 'ccp' | 'hadolint'): Promise<Finding[]> =>
      (await Promise.all(texts.map((text, index) => lintDockerfile(text, { file: `centos/${files[index]}`, levels })))).flat();
    centos = { ccp: await lintAll('ccp'), hadolint: await lintAll('hadolint') };
  });

  it('is valid against the official SARIF 2.1.0 schema, for 79 real Dockerfiles and for none', () => {
    for (const log of [formatSarif(centos.ccp), formatSarif(centos.hadolint), formatSarif([])]) {
      const valid = validate(JSON.parse(log));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('is checked by a schema that can fail', () => {
    const log = JSON.parse(formatSarif(centos.ccp.slice(0, 1))) as {
      runs: { results: { level: string }[]; tool: { driver: { rules: { helpUri: string }[] } } }[];
    };
    log.runs[0]!.results[0]!.level = 'info';
    log.runs[0]!.tool.driver.rules[0]!.helpUri = 'not a uri';
    expect(validate(log)).toBe(false);
    expect((validate.errors ?? []).map((error) => error.instancePath).sort()).toEqual(['/runs/0/results/0/level', '/runs/0/tool/driver/rules/0/helpUri']);
  });

  it.each(['ccp', 'hadolint'] as const)('describes every rule completely, its default level that of its findings (%s levels)', (levels) => {
    const run = (JSON.parse(formatSarif(centos[levels])) as SarifLog).runs[0]!;
    expect(run.tool.driver.rules.length).toBeGreaterThan(20);
    for (const rule of run.tool.driver.rules) {
      expect(rule.name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(rule.shortDescription.text.length).toBeGreaterThan(5);
      expect(rule.helpUri).toEqual(
        rule.id.startsWith('SC') ? `https://www.shellcheck.net/wiki/${rule.id}` : `https://github.com/hadolint/hadolint/wiki/${rule.id}`,
      );
      expect(rule.help.text).toContain(rule.helpUri);
      expect(rule.help.markdown).toContain(`[${rule.id}](${rule.helpUri})`);
    }
    const mismatched = run.results
      .filter((result) => run.tool.driver.rules[result.ruleIndex]!.defaultConfiguration.level !== result.level)
      .map((result) => `${result.ruleId}:${result.level}`);
    expect(mismatched).toEqual([]);
  });

  it.each<[string, 'ccp' | 'hadolint', string]>([
    ['DL4000 is a warning with ccp levels', 'ccp', 'warning'],
    ["DL4000 is an error with hadolint's", 'hadolint', 'error'],
  ])('%s', (_name, levels, level) => {
    const rules = (JSON.parse(formatSarif(centos[levels])) as SarifLog).runs[0]!.tool.driver.rules;
    expect(rules.find((rule) => rule.id === 'DL4000')).toEqual({
      id: 'DL4000',
      name: 'MaintainerIsDeprecated',
      shortDescription: { text: 'MAINTAINER is deprecated' },
      fullDescription: { text: 'MAINTAINER is deprecated' },
      help: {
        text: 'MAINTAINER is deprecated. See https://github.com/hadolint/hadolint/wiki/DL4000',
        markdown: 'MAINTAINER is deprecated. See [DL4000](https://github.com/hadolint/hadolint/wiki/DL4000).',
      },
      helpUri: 'https://github.com/hadolint/hadolint/wiki/DL4000',
      defaultConfiguration: { level },
    });
  });

  it("names ccp at package.json's version", () => {
    expect((JSON.parse(formatSarif([])) as SarifLog).runs[0]!.tool.driver.version).toBe(PACKAGE_VERSION);
  });
});
