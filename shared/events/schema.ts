import type { Issue } from '../errors/validation-error';

/**
 * A check of one value at a dotted path; pushes what is wrong into `issues`.
 * Small combinators rather than a JSON Schema engine: the contract is a dozen shapes.
 */
export type Check = (value: unknown, path: string, issues: Issue[]) => void;

const fail = (issues: Issue[], field: string, message: string): void => {
  issues.push({ field, message });
};

export const str: Check = (value, path, issues) => {
  if (typeof value !== 'string' || value.trim() === '') fail(issues, path, 'must be a non-empty string');
};

export const num: Check = (value, path, issues) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(issues, path, 'must be a number');
};

export const bool: Check = (value, path, issues) => {
  if (typeof value !== 'boolean') fail(issues, path, 'must be true or false');
};

/** A string that is an ISO 8601 date-time. */
export const isoTime: Check = (value, path, issues) => {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) fail(issues, path, 'must be an ISO 8601 date-time');
};

export function oneOf(values: readonly string[]): Check {
  return (value, path, issues) => {
    if (typeof value !== 'string' || !values.includes(value)) fail(issues, path, `must be one of ${values.join(', ')}`);
  };
}

export function optional(check: Check): Check {
  return (value, path, issues) => {
    if (value !== undefined && value !== null) check(value, path, issues);
  };
}

export function arrayOf(check: Check): Check {
  return (value, path, issues) => {
    if (!Array.isArray(value)) return fail(issues, path, 'must be a list');
    value.forEach((item, i) => check(item, `${path}[${i}]`, issues));
  };
}

export function recordOf(check: Check): Check {
  return (value, path, issues) => {
    if (!isPlainObject(value)) return fail(issues, path, 'must be an object');
    for (const [key, item] of Object.entries(value)) check(item, `${path}.${key}`, issues);
  };
}

/** An object with these fields; fields not listed are allowed (newer emitters may add some). */
export function object(fields: Record<string, Check>): Check {
  return (value, path, issues) => {
    if (!isPlainObject(value)) return fail(issues, path, 'must be an object');
    for (const [key, check] of Object.entries(fields)) check(value[key], `${path}.${key}`, issues);
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
