import type { EventMatcher } from '../types';
import type { CompileContext } from './types';

/** Compiles the list of nested expressions that `all` and `any` take; `null` when it is not a list. */
export function compileNestedList(dialect: string, value: unknown, context: CompileContext): EventMatcher[] | null {
  if (!Array.isArray(value)) {
    context.issues.push({ file: context.file, field: context.field, message: `${dialect} must be a list of filter expressions` });
    return null;
  }
  return value.map((item, i) => context.compileNested(item, `${context.field}[${i}]`));
}
