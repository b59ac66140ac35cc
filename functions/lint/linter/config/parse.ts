import type { Node } from 'yaml';
import { yaml } from '../../../../shared/lazy/packages';
import { ValidationError, type Issue } from '../../../../shared/errors/validation-error';
import type { Level, LintConfig, Threshold } from '../../../../shared/dockerfile/types';

const LEVELS: Level[] = ['error', 'warning', 'info', 'style'];
const THRESHOLDS: Threshold[] = [...LEVELS, 'ignore', 'none'];
const CODE = /^[A-Z]{2,3}\d{4}$/;
/** hadolint's keys that only affect its own command line; accepted and not used here. */
const ACCEPTED_UNUSED = new Set(['no-fail', 'no-color', 'verbose', 'format', 'output-file', 'strict-labels', 'label-schema']);

/**
 * Parses a `.hadolint.yaml`: `ignored`, `trustedRegistries`, `failure-threshold`, `override`,
 * `disable-ignore-pragma`. Every problem is reported at once, with file, line and field.
 * @throws ValidationError when the YAML or a field is invalid
 * @see https://github.com/hadolint/hadolint#configure
 */
export function parseLintConfig(text: string, file: string): LintConfig {
  const lineCounter = new (yaml().LineCounter)();
  const document = yaml().parseDocument(text, { lineCounter, prettyErrors: false });
  const issues: Issue[] = [];
  const at = (node: Node | null | undefined, field: string, message: string): void => {
    const offset = node?.range?.[0];
    const position = offset === undefined ? undefined : lineCounter.linePos(offset);
    issues.push({ file, field, message, ...(position ? { line: position.line, column: position.col } : {}) });
  };
  for (const error of document.errors) {
    const position = lineCounter.linePos(error.pos[0]);
    issues.push({ file, field: '(yaml)', message: error.message.split('\n')[0], line: position.line, column: position.col });
  }
  if (issues.length > 0) throw new ValidationError(`invalid ${file}`, issues);
  const config: LintConfig = {};
  const root = document.contents;
  if (root === null || (yaml().isScalar(root) && root.value === null)) return config;
  if (!yaml().isMap(root)) {
    at(root, '(root)', 'must be a mapping of hadolint options');
    throw new ValidationError(`invalid ${file}`, issues);
  }
  for (const pair of root.items) {
    const key = yaml().isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    if (key === 'ignored') config.ignored = codeList(value, key, at);
    else if (key === 'trustedRegistries') config.trustedRegistries = stringList(value, key, at);
    else if (key === 'failure-threshold') {
      const threshold = yaml().isScalar(value) ? String(value.value) : '';
      if (THRESHOLDS.includes(threshold as Threshold)) config.failureThreshold = threshold as Threshold;
      else at(value ?? (pair.key as Node), key, `must be one of ${THRESHOLDS.join(', ')}`);
    } else if (key === 'override') config.override = overrides(value, at);
    else if (key === 'disable-ignore-pragma') {
      if (yaml().isScalar(value) && typeof value.value === 'boolean') config.disableIgnorePragma = value.value;
      else at(value ?? (pair.key as Node), key, 'must be true or false');
    } else if (!ACCEPTED_UNUSED.has(key)) {
      at(pair.key as Node, key, 'unknown option (known: ignored, trustedRegistries, failure-threshold, override, disable-ignore-pragma)');
    }
  }
  if (issues.length > 0) throw new ValidationError(`invalid ${file}`, issues);
  return config;
}

type At = (node: Node | null | undefined, field: string, message: string) => void;

function stringList(value: Node | null, field: string, at: At): string[] {
  if (value === null || (yaml().isScalar(value) && value.value === null)) return [];
  if (!yaml().isSeq(value)) {
    at(value, field, 'must be a list');
    return [];
  }
  return value.items.flatMap((item, index) => {
    if (yaml().isScalar(item) && (typeof item.value === 'string' || typeof item.value === 'number')) return [String(item.value)];
    at(item as Node, `${field}[${index}]`, 'must be a string');
    return [];
  });
}

function codeList(value: Node | null, field: string, at: At): string[] {
  const codes = stringList(value, field, at);
  const items = yaml().isSeq(value) ? value.items : [];
  codes.forEach((code, index) => {
    if (!CODE.test(code)) at(items[index] as Node, `${field}[${index}]`, `"${code}" is not a rule code like DL3008 or SC2086`);
  });
  return codes;
}

function overrides(value: Node | null, at: At): Partial<Record<Level, string[]>> {
  const result: Partial<Record<Level, string[]>> = {};
  if (value === null || (yaml().isScalar(value) && value.value === null)) return result;
  if (!yaml().isMap(value)) {
    at(value, 'override', 'must be a mapping of level to rule codes');
    return result;
  }
  for (const pair of value.items) {
    const level = yaml().isScalar(pair.key) ? String(pair.key.value) : '';
    if (!LEVELS.includes(level as Level)) {
      at(pair.key as Node, `override.${level}`, `unknown level (known: ${LEVELS.join(', ')})`);
      continue;
    }
    result[level as Level] = codeList(pair.value as Node | null, `override.${level}`, at);
  }
  return result;
}
