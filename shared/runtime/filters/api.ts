import { isPlainObject } from '../../events/schema';
import type { Issue } from '../../errors/validation-error';
import type { EventMatcher } from '../types';
import { all } from './all';
import { any } from './any';
import { attributeValue } from './attribute-value';
import { cesql } from './cesql';
import { exact } from './exact';
import { not } from './not';
import { prefix } from './prefix';
import { suffix } from './suffix';
import type { FilterDialect } from './types';

/** Every dialect of `spec.filters`, by its key. */
export const FILTER_DIALECTS: ReadonlyMap<string, FilterDialect> = new Map(
  [exact, prefix, suffix, all, any, not, cesql].map((dialect) => [dialect.name, dialect]),
);

/**
 * Compiles one filter expression of `spec.filters`: a mapping with exactly one dialect key.
 * @see https://knative.dev/docs/eventing/triggers/#trigger-filtering
 */
export function compileFilterExpression(value: unknown, file: string, field: string, issues: Issue[]): EventMatcher {
  const keys = isPlainObject(value) ? Object.keys(value) : [];
  if (keys.length !== 1) {
    issues.push({ file, field, message: `must be a mapping with exactly one of ${[...FILTER_DIALECTS.keys()].join(', ')}` });
    return () => false;
  }
  const key = keys[0]!;
  const dialect = FILTER_DIALECTS.get(key);
  if (!dialect) {
    issues.push({ file, field: `${field}.${key}`, message: `unknown filter dialect (known: ${[...FILTER_DIALECTS.keys()].join(', ')})` });
    return () => false;
  }
  return dialect.compile((value as Record<string, unknown>)[key], {
    file,
    field: `${field}.${key}`,
    issues,
    compileNested: (nested, nestedField) => compileFilterExpression(nested, file, nestedField, issues),
  });
}

/**
 * Compiles `spec.filters`: a list of expressions that must all match.
 * @see https://knative.dev/docs/eventing/triggers/#trigger-filtering
 */
export function compileFilters(value: unknown, file: string, field: string, issues: Issue[]): EventMatcher {
  if (!Array.isArray(value)) {
    issues.push({ file, field, message: 'must be a list of filter expressions' });
    return () => false;
  }
  return all.compile(value, {
    file,
    field,
    issues,
    compileNested: (nested, nestedField) => compileFilterExpression(nested, file, nestedField, issues),
  });
}

/**
 * Compiles the older `spec.filter.attributes`: every listed attribute (or extension) equals its
 * value; an empty value matches any event, as Knative's `TriggerAnyFilter` does.
 * @see https://knative.dev/docs/eventing/triggers/#trigger-filtering
 */
export function compileAttributesFilter(value: unknown, file: string, field: string, issues: Issue[]): EventMatcher {
  if (value === undefined || value === null) return () => true;
  if (!isPlainObject(value)) {
    issues.push({ file, field, message: 'must be a mapping of attribute names to values' });
    return () => false;
  }
  const expected = Object.entries(value);
  for (const [attribute, wanted] of expected) {
    if (typeof wanted !== 'string') issues.push({ file, field: `${field}.${attribute}`, message: 'must be a string' });
  }
  return (event) => expected.every(([attribute, wanted]) => wanted === '' || attributeValue(event, attribute.toLowerCase()) === wanted);
}
