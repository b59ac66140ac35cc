import { compileAttributeTest } from './attribute-value';
import type { FilterDialect } from './types';

/** `suffix: {type: .completed}`: the attribute ends with the value. */
export const suffix: FilterDialect = {
  name: 'suffix',
  description: 'the attribute ends with the value',
  compile: (value, context) => compileAttributeTest('suffix', value, context, (actual, expected) => actual.endsWith(expected)),
};
