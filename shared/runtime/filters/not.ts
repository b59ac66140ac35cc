import type { FilterDialect } from './types';

/** `not: {...}`: the nested expression does not match. */
export const not: FilterDialect = {
  name: 'not',
  description: 'the nested expression does not match',
  compile(value, context) {
    const matches = context.compileNested(value, context.field);
    return (event) => !matches(event);
  },
};
