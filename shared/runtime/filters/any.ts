import { compileNestedList } from './nested-list';
import type { FilterDialect } from './types';

/** `any: [...]`: at least one nested expression matches (an empty list matches everything, as in Knative). */
export const any: FilterDialect = {
  name: 'any',
  description: 'at least one nested expression matches',
  compile(value, context) {
    const matchers = compileNestedList('any', value, context);
    if (!matchers) return () => false;
    return (event) => matchers.length === 0 || matchers.some((matches) => matches(event));
  },
};
