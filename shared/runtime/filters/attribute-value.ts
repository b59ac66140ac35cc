import type { CloudEvent } from 'cloudevents';
import { isPlainObject } from '../../events/schema';
import type { EventMatcher } from '../types';
import type { CompileContext } from './types';

/**
 * The value of a context attribute or extension as a string, `undefined` when the event does
 * not have it. The SDK keeps extensions as top-level properties, like the spec's attributes.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#context-attributes
 */
export function attributeValue(event: CloudEvent<unknown>, attribute: string): string | undefined {
  if (attribute === 'data' || attribute === 'data_base64') return undefined;
  const value = (event as unknown as Record<string, unknown>)[attribute];
  if (value === undefined || value === null) return undefined;
  return value instanceof Date ? value.toISOString() : String(value);
}

/**
 * Compiles the single-attribute dialects (`exact`, `prefix`, `suffix`): a mapping of exactly one
 * attribute to a non-empty string, as Knative's webhook requires.
 */
export function compileAttributeTest(
  dialect: string,
  value: unknown,
  context: CompileContext,
  test: (actual: string, expected: string) => boolean,
): EventMatcher {
  const entries = isPlainObject(value) ? Object.entries(value) : [];
  if (entries.length !== 1) {
    context.issues.push({ file: context.file, field: context.field, message: `${dialect} needs exactly one attribute: value pair` });
    return () => false;
  }
  const [attribute, expected] = entries[0]!;
  if (typeof expected !== 'string' || expected === '') {
    context.issues.push({ file: context.file, field: `${context.field}.${attribute}`, message: 'must be a non-empty string' });
    return () => false;
  }
  return (event) => {
    const actual = attributeValue(event, attribute.toLowerCase());
    return actual !== undefined && test(actual, expected);
  };
}
