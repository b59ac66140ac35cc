import { rules } from '../api';
import type { Finding, Level } from '../types';
import { helpUri } from './help-uri';

const SARIF_LEVEL: Record<Level, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', style: 'note' };

/**
 * SARIF 2.1.0 for code-scanning UIs: one run, the rules that fired as `tool.driver.rules` (with
 * help links), one result per finding.
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function formatSarif(findings: Finding[], options: { toolVersion: string }): string {
  const codes = [...new Set(findings.map((finding) => finding.code))].sort();
  const ruleIndex = new Map(codes.map((code, index) => [code, index]));
  const driverRules = codes.map((code) => {
    const rule = rules.get(code);
    const example = findings.find((finding) => finding.code === code) as Finding;
    const text = rule?.summary ?? example.message;
    return {
      id: code,
      shortDescription: { text },
      fullDescription: { text },
      helpUri: helpUri(code),
      defaultConfiguration: { level: SARIF_LEVEL[rule && rule.severity !== 'ignore' ? rule.severity : example.level] },
    };
  });
  const results = findings.map((finding) => ({
    ruleId: finding.code,
    ruleIndex: ruleIndex.get(finding.code),
    level: SARIF_LEVEL[finding.level],
    message: { text: finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: finding.file },
          region: { startLine: finding.line, startColumn: finding.column },
        },
      },
    ],
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ccp-lint',
            fullName: 'ccp Dockerfile linter (hadolint rules and ShellCheck)',
            informationUri: 'https://github.com/hadolint/hadolint',
            version: options.toolVersion,
            rules: driverRules,
          },
        },
        results,
        defaultSourceLanguage: 'dockerfile',
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
