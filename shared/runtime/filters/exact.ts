import { compileAttributeTest } from './attribute-value';
import type { FilterDialect } from './types';

/** `exact: {type: org.centos.ccp.build.requested}`: the attribute equals the value. */
export const exact: FilterDialect = {
  name: 'exact',
  description: 'the attribute equals the value',
  compile: (value, context) => compileAttributeTest('exact', value, context, (actual, expected) => actual === expected),
};
