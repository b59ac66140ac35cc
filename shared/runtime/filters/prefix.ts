import { compileAttributeTest } from './attribute-value';
import type { FilterDialect } from './types';

/** `prefix: {type: org.centos.ccp.}`: the attribute starts with the value. */
export const prefix: FilterDialect = {
  name: 'prefix',
  description: 'the attribute starts with the value',
  compile: (value, context) => compileAttributeTest('prefix', value, context, (actual, expected) => actual.startsWith(expected)),
};
