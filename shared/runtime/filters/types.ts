import type { Issue } from '../../errors/validation-error';
import type { EventMatcher } from '../types';

/** What a dialect needs while compiling its part of a Trigger's filter. */
export interface CompileContext {
  file: string;
  /** Dotted path of the value being compiled, e.g. `spec.filters[0].any[1]`. */
  field: string;
  issues: Issue[];
  /** Compiles a nested filter expression (used by `all`, `any`, `not`). */
  compileNested(value: unknown, field: string): EventMatcher;
}

/**
 * One dialect of Knative's `spec.filters` (the Subscriptions API filters): its key in the
 * manifest and how it turns the manifest value into a matcher.
 * @see https://knative.dev/docs/eventing/triggers/#trigger-filtering
 */
export interface FilterDialect {
  /** The key in a filter expression: `exact`, `prefix`, `any`… */
  readonly name: string;
  /** What the dialect does, for the readme and errors. */
  readonly description: string;
  /** Checks `value` (pushing problems into `context.issues`) and returns its matcher. */
  compile(value: unknown, context: CompileContext): EventMatcher;
}
