import { rules } from '../api';
import type { Finding, Level } from '../../../../shared/dockerfile/types';
import { LINTER_VERSION } from '../version';
import { helpUri } from './help-uri';

type SarifLevel = 'error' | 'warning' | 'note';

const SARIF_LEVEL: Record<Level, SarifLevel> = { error: 'error', warning: 'warning', info: 'note', style: 'note' };
const LEVEL_ORDER: SarifLevel[] = ['error', 'warning', 'note'];
const NAME_WORDS = 8;

/**
 * SARIF 2.1.0 for code-scanning UIs: one run, the rules that fired as `tool.driver.rules`, one
 * result per finding at its exact line and column. Each rule has an `id`, a readable `name`, a
 * short description, `help` with a link to hadolint's or ShellCheck's wiki (also `helpUri`), and
 * as `defaultConfiguration.level` the level its findings have in this run (`.hadolint.yaml`
 * overrides and ccp's levels applied), so that a viewer that shows the rule's level shows the
 * findings' level. The tool version defaults to ccp's (package.json).
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html#_Toc34317836
 */
export function formatSarif(findings: Finding[], options: { toolVersion?: string } = {}): string {
  const codes = [...new Set(findings.map((finding) => finding.code))].sort();
  const ruleIndex = new Map(codes.map((code, index) => [code, index]));
  const driverRules = codes.map((code) => {
    const ofCode = findings.filter((finding) => finding.code === code);
    const text = rules.get(code)?.summary ?? (ofCode[0] as Finding).message;
    const uri = helpUri(code);
    return {
      id: code,
      name: ruleName(text),
      shortDescription: { text },
      fullDescription: { text },
      help: { text: `${sentence(text)} See ${uri}`, markdown: `${escapeMarkdown(sentence(text))} See [${code}](${uri}).` },
      helpUri: uri,
      defaultConfiguration: { level: mostSevere(ofCode.map((finding) => SARIF_LEVEL[finding.level])) },
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
            version: options.toolVersion ?? LINTER_VERSION,
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

/**
 * A readable identifier from a rule's text (SARIF §3.49.7: "SpecifyMarshalingForPInvoke…"): the
 * first sentence's first words, capitalised and joined. hadolint and ShellCheck name their checks
 * only by code.
 */
export function ruleName(text: string): string {
  const words = text.split(/\.(?:\s|$)/)[0].match(/[A-Za-z0-9]+/g) ?? [];
  const name = words
    .slice(0, NAME_WORDS)
    .map((word) => word[0].toUpperCase() + word.slice(1).toLowerCase())
    .join('');
  return name === '' ? 'Finding' : name;
}

/** hadolint's summaries often lack the full stop that a following sentence needs. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function mostSevere(levels: SarifLevel[]): SarifLevel {
  return LEVEL_ORDER.find((level) => levels.includes(level)) ?? 'warning';
}

/**
 * Rule texts quote commands in backticks already; outside those code spans, what Markdown would
 * turn into HTML, links or emphasis is escaped (a ShellCheck message quotes the script).
 */
function escapeMarkdown(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/[\\<>[\]*_]/g, (char) => `\\${char}`)))
    .join('');
}
