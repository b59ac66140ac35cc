import { compileNestedList } from './nested-list';
import type { FilterDialect } from './types';

/** `all: [...]`: every nested expression matches (an empty list matches everything). */
export const all: FilterDialect = {
  name: 'all',
  description: 'every nested expression matches',
  compile(value, context) {
    const matchers = compileNestedList('all', value, context);
    if (!matchers) return () => false;
    return (event) => matchers.every((matches) => matches(event));
  },
};
