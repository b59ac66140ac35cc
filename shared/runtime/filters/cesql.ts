import type { FilterDialect } from './types';

/**
 * `cesql: "..."`: CloudEvents SQL. The embedded broker has no CESQL engine, so a manifest that
 * uses it is refused when it is loaded rather than routed differently from the cluster.
 * @see https://github.com/cloudevents/spec/blob/main/cesql/spec.md
 */
export const cesql: FilterDialect = {
  name: 'cesql',
  description: 'CloudEvents SQL expression (not supported by the embedded broker)',
  compile(_value, context) {
    context.issues.push({
      file: context.file,
      field: context.field,
      message: 'the cesql dialect is not supported by the embedded broker; use exact, prefix, suffix, all, any or not',
    });
    return () => false;
  },
};
