import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../config/package-root';
import type { Issue } from '../../errors/validation-error';
import { isPlainObject } from '../schema';
import { IMAGE_NAME_PATTERN } from './limits';
import { SCHEMAS_DIR, shortName } from './json-schema';

/** A node of a published JSON Schema (the subset the contracts use). */
type Node = Record<string, unknown>;

const schemas = new Map<string, Node>();
const patterns = new Map<string, RegExp>();

/**
 * The published JSON Schema of `type` (eventing/schemas/<type>.json), read the first time
 * that type is met: a function starting cold reads only the schemas of the types it gets.
 */
function schemaOf(type: string): Node {
  let schema = schemas.get(type);
  if (!schema) {
    const file = path.join(packageRoot(), SCHEMAS_DIR, `${shortName(type)}.json`);
    schema = JSON.parse(readFileSync(file, 'utf8')) as Node;
    schemas.set(type, schema);
  }
  return schema;
}

function regExp(pattern: string): RegExp {
  let compiled = patterns.get(pattern);
  if (!compiled) {
    compiled = new RegExp(pattern, 'u');
    patterns.set(pattern, compiled);
  }
  return compiled;
}

/**
 * Pushes into `issues` what is wrong with `data` for the contract of `type`, each naming its
 * field as a dotted path under `path` (`data.project.appId`, `data.changedPaths[1]`). Absent
 * data counts as `null`, which the ticks' schemas allow.
 * @see https://json-schema.org/draft/2020-12/json-schema-validation
 */
export function checkData(type: string, data: unknown, path: string, issues: Issue[]): void {
  walk(schemaOf(type), data === undefined ? null : data, path, issues);
}

/** True when `value` keeps `schema` (for the variants of an `anyOf`). */
function keeps(schema: Node, value: unknown): boolean {
  const issues: Issue[] = [];
  walk(schema, value, '', issues);
  return issues.length === 0;
}

function walk(schema: Node, value: unknown, path: string, issues: Issue[]): void {
  const fail = (message: string) => issues.push({ field: path, message });
  if (Array.isArray(schema.anyOf)) return anyOf(schema.anyOf as Node[], value, path, issues, fail);
  switch (schema.type) {
    case 'object':
      if (!isPlainObject(value)) return void fail('must be an object');
      if (isPlainObject(schema.properties)) {
        const required = (schema.required as string[] | undefined) ?? [];
        for (const [key, property] of Object.entries(schema.properties as Record<string, Node>)) {
          if (value[key] === undefined && !required.includes(key)) continue;
          walk(property, value[key], `${path}.${key}`, issues);
        }
      }
      if (isPlainObject(schema.patternProperties)) {
        const [item] = Object.values(schema.patternProperties as Record<string, Node>);
        for (const [key, field] of Object.entries(value)) if (item) walk(item, field, `${path}.${key}`, issues);
      }
      return;
    case 'array':
      if (!Array.isArray(value)) return void fail('must be a list');
      if (isPlainObject(schema.items)) value.forEach((item, i) => walk(schema.items as Node, item, `${path}[${i}]`, issues));
      return;
    case 'string':
      return stringIssue(schema, value, fail);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('must be a number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail('must be true or false');
      return;
    case 'null':
      if (value !== null) fail('must be null');
      return;
    default:
      return;
  }
}

function anyOf(variants: Node[], value: unknown, path: string, issues: Issue[], fail: (message: string) => void): void {
  const constants: unknown[] = variants.map((variant) => variant.const);
  if (constants.every((constant) => typeof constant === 'string')) {
    if (!(constants as unknown[]).includes(value)) fail(`must be one of ${constants.join(', ')}`);
    return;
  }
  // An optional field (`Maybe`) or data that may be absent: null is fine, anything else must be the other shape.
  const others = variants.filter((variant) => variant.type !== 'null');
  if (others.length === 1 && others.length < variants.length) {
    if (value !== null) walk(others[0]!, value, path, issues);
    return;
  }
  if (!variants.some((variant) => keeps(variant, value))) fail('does not match any of its shapes');
}

function stringIssue(schema: Node, value: unknown, fail: (message: string) => void): void {
  if (schema.format === 'date-time') {
    // As the service reads times: `Date.parse`.
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) fail('must be an ISO 8601 date-time');
  } else if (schema.pattern === IMAGE_NAME_PATTERN) {
    if (typeof value !== 'string' || !regExp(IMAGE_NAME_PATTERN).test(value)) fail('must be an index image name app-id/job-id:tag');
  } else if (
    typeof value !== 'string' ||
    (typeof schema.minLength === 'number' && value.length < schema.minLength) ||
    (typeof schema.pattern === 'string' && !regExp(schema.pattern).test(value))
  ) {
    fail(schema.minLength ? 'must be a non-empty string' : 'must be a string');
  } else if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
    fail(`must be at most ${schema.maxLength} characters, not ${value.length}`);
  }
}
