import { buildContext } from '../../../../shared/dockerfile/context';
import type { Rule } from '../../../../shared/dockerfile/types';

/** Joins lines into a Dockerfile; keeps rule spec tables readable. */
export function dockerfile(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** The 1-based lines at which `rule` fires on `text` (for rule specs). */
export function findingLines(rule: Rule, text: string, trustedRegistries: string[] = []): number[] {
  return rule.check(buildContext(text, 'Dockerfile', trustedRegistries)).map((finding) => finding.line);
}
