import type { Finding } from '../../../../shared/dockerfile/types';
import { formatJson } from './json';
import { formatSarif, ruleName } from './sarif';
import { formatTty } from './tty';

const findings: Finding[] = [
  { code: 'DL4000', column: 1, file: 'app/Dockerfile', level: 'warning', line: 2, message: 'MAINTAINER is deprecated' },
  { code: 'SC2086', column: 10, file: 'app/Dockerfile', level: 'info', line: 5, message: 'Double quote to prevent globbing and word splitting.' },
  { code: 'CCP1001', column: 1, file: 'app/Dockerfile', level: 'error', line: 1, message: 'no FROM' },
];

describe('formatJson', () => {
  it("prints hadolint's array with keys in hadolint's order", () => {
    expect(formatJson(findings.slice(0, 1))).toBe(
      '[{"code":"DL4000","column":1,"file":"app/Dockerfile","level":"warning","line":2,"message":"MAINTAINER is deprecated"}]',
    );
    expect(formatJson([])).toBe('[]');
  });
});

describe('formatTty', () => {
  it("prints hadolint's file:line CODE level: message lines", () => {
    expect(formatTty(findings.slice(0, 2))).toBe(
      'app/Dockerfile:2 DL4000 warning: MAINTAINER is deprecated\napp/Dockerfile:5 SC2086 info: Double quote to prevent globbing and word splitting.\n',
    );
  });
});

/** The properties SARIF 2.1.0 requires of a log, a run, a tool, a rule and a result. */
function sarifShapeProblems(log: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (log.version !== '2.1.0') problems.push('version must be "2.1.0"');
  const runs = log.runs as Record<string, unknown>[] | undefined;
  if (!Array.isArray(runs)) return [...problems, 'runs must be an array'];
  runs.forEach((run, r) => {
    const driver = (run.tool as { driver?: Record<string, unknown> } | undefined)?.driver;
    if (typeof driver?.name !== 'string') problems.push(`runs[${r}].tool.driver.name is required`);
    const rules = (driver?.rules ?? []) as Record<string, unknown>[];
    rules.forEach((rule, i) => {
      if (typeof rule.id !== 'string') problems.push(`rules[${i}].id is required`);
      if (rule.helpUri !== undefined && !/^https:\/\//.test(String(rule.helpUri))) problems.push(`rules[${i}].helpUri must be a URI`);
    });
    ((run.results ?? []) as Record<string, unknown>[]).forEach((result, i) => {
      const message = result.message as { text?: unknown } | undefined;
      if (typeof message?.text !== 'string') problems.push(`results[${i}].message.text is required`);
      if (!['none', 'note', 'warning', 'error'].includes(String(result.level))) problems.push(`results[${i}].level is invalid`);
      const index = result.ruleIndex as number;
      if (rules[index]?.id !== result.ruleId) problems.push(`results[${i}].ruleIndex does not point at its rule`);
      const region = (result.locations as { physicalLocation: { region: { startLine: number; startColumn: number } } }[])[0]?.physicalLocation?.region;
      if (!(region?.startLine >= 1) || !(region?.startColumn >= 1)) problems.push(`results[${i}] region must start at 1 or later`);
    });
  });
  return problems;
}

describe('formatSarif', () => {
  const log = JSON.parse(formatSarif(findings, { toolVersion: '0.1.0' })) as Record<string, unknown>;

  it('has the shape SARIF 2.1.0 requires', () => {
    expect(sarifShapeProblems(log)).toEqual([]);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
  });

  it('describes each rule that fired with a help link and maps levels', () => {
    const run = (log.runs as { tool: { driver: { version: string; rules: unknown[] } }; results: { ruleId: string; level: string }[] }[])[0];
    expect(run.tool.driver.version).toBe('0.1.0');
    expect(run.tool.driver.rules).toEqual([
      {
        id: 'CCP1001',
        name: 'NoFrom',
        shortDescription: { text: 'no FROM' },
        fullDescription: { text: 'no FROM' },
        help: {
          text: 'no FROM. See https://docs.docker.com/reference/dockerfile/',
          markdown: 'no FROM. See [CCP1001](https://docs.docker.com/reference/dockerfile/).',
        },
        helpUri: 'https://docs.docker.com/reference/dockerfile/',
        defaultConfiguration: { level: 'error' },
      },
      {
        id: 'DL4000',
        name: 'MaintainerIsDeprecated',
        shortDescription: { text: 'MAINTAINER is deprecated' },
        fullDescription: { text: 'MAINTAINER is deprecated' },
        help: {
          text: 'MAINTAINER is deprecated. See https://github.com/hadolint/hadolint/wiki/DL4000',
          markdown: 'MAINTAINER is deprecated. See [DL4000](https://github.com/hadolint/hadolint/wiki/DL4000).',
        },
        helpUri: 'https://github.com/hadolint/hadolint/wiki/DL4000',
        // The level its findings have (ccp's warning), not hadolint's default error.
        defaultConfiguration: { level: 'warning' },
      },
      {
        id: 'SC2086',
        name: 'DoubleQuoteToPreventGlobbingAndWordSplitting',
        shortDescription: { text: 'Double quote to prevent globbing and word splitting.' },
        fullDescription: { text: 'Double quote to prevent globbing and word splitting.' },
        help: {
          text: 'Double quote to prevent globbing and word splitting. See https://www.shellcheck.net/wiki/SC2086',
          markdown: 'Double quote to prevent globbing and word splitting. See [SC2086](https://www.shellcheck.net/wiki/SC2086).',
        },
        helpUri: 'https://www.shellcheck.net/wiki/SC2086',
        defaultConfiguration: { level: 'note' },
      },
    ]);
    expect(run.results.map((result) => `${result.ruleId}:${result.level}`)).toEqual(['DL4000:warning', 'SC2086:note', 'CCP1001:error']);
  });

  it('is valid with no findings', () => {
    expect(sarifShapeProblems(JSON.parse(formatSarif([], { toolVersion: '1' })) as Record<string, unknown>)).toEqual([]);
  });

  it('catches a broken log (the checker itself can fail)', () => {
    expect(sarifShapeProblems({ version: '2.0.0', runs: [{ tool: { driver: {} }, results: [{ level: 'bad', locations: [] }] }] })).toEqual([
      'version must be "2.1.0"',
      'runs[0].tool.driver.name is required',
      'results[0].message.text is required',
      'results[0].level is invalid',
      'results[0] region must start at 1 or later',
    ]);
  });
});

describe('ruleName', () => {
  it.each<[string, string]>([
    ['MAINTAINER is deprecated', 'MaintainerIsDeprecated'],
    ['Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`', 'PinVersionsInAptGetInstall'],
    ['`yum clean all` missing after yum command.', 'YumCleanAllMissingAfterYumCommand'],
    ['Use $(...) notation instead of legacy backticks `...`.', 'UseNotationInsteadOfLegacyBackticks'],
    ['For some bash commands it makes no sense running them in a Docker container like `ssh`', 'ForSomeBashCommandsItMakesNoSense'],
    ['...', 'Finding'],
  ])('%s', (text, expected) => {
    expect(ruleName(text)).toBe(expected);
  });
});
