import { FormatRegistry, Kind, OptionalKind, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { Issue } from '../../errors/validation-error';
import { isPlainObject } from '../schema';
import type { EventContract } from './define';
import { IMAGE_NAME_PATTERN } from './parts';

// The service reads times with `Date.parse`, so that is what the check accepts (the published
// JSON Schema says `date-time`, RFC 3339, which every emitter of the service writes).
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => !Number.isNaN(Date.parse(value)));

const compiled = new Map<EventContract, TypeCheck<TSchema>>();

/** The compiled check of a contract's data, built the first time that type is met. */
function checkOf(contract: EventContract): TypeCheck<TSchema> {
  let check = compiled.get(contract);
  if (!check) {
    check = TypeCompiler.Compile(contract.data);
    compiled.set(contract, check);
  }
  return check;
}

/**
 * Pushes into `issues` what is wrong with `data` for `contract`, each naming its field as a
 * dotted path under `path` (`data.project.appId`, `data.changedPaths[1]`). The compiled check
 * decides; only refused data is walked again to say why in the words people read.
 * @see https://json-schema.org/draft/2020-12/json-schema-validation
 */
export function checkData(contract: EventContract, data: unknown, path: string, issues: Issue[]): void {
  if (contract.dataOptional && (data === undefined || data === null)) return;
  const check = checkOf(contract);
  if (check.Check(data)) return;
  const before = issues.length;
  walk(contract.data, data, path, issues);
  if (issues.length === before) {
    // The walk and the compiled check disagree: still refuse, with TypeBox's own words.
    const first = check.Errors(data).First();
    issues.push({ field: `${path}${first?.path.replaceAll('/', '.') ?? ''}`, message: first?.message ?? 'does not match its schema' });
  }
}

function walk(schema: TSchema, value: unknown, path: string, issues: Issue[]): void {
  const fail = (message: string) => issues.push({ field: path, message });
  switch (schema[Kind]) {
    case 'Object': {
      if (!isPlainObject(value)) return void fail('must be an object');
      for (const [key, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
        const field = value[key];
        if (field === undefined && property[OptionalKind] === 'Optional') continue;
        walk(property, field, `${path}.${key}`, issues);
      }
      return;
    }
    case 'Record': {
      if (!isPlainObject(value)) return void fail('must be an object');
      const [item] = Object.values(schema.patternProperties as Record<string, TSchema>);
      for (const [key, field] of Object.entries(value)) if (item) walk(item, field, `${path}.${key}`, issues);
      return;
    }
    case 'Array': {
      if (!Array.isArray(value)) return void fail('must be a list');
      value.forEach((item, i) => walk(schema.items as TSchema, item, `${path}[${i}]`, issues));
      return;
    }
    case 'Union': {
      const variants = schema.anyOf as TSchema[];
      const constants: unknown[] = variants.map((variant) => variant.const as unknown);
      if (constants.every((constant) => typeof constant === 'string')) {
        if (!(constants as unknown[]).includes(value)) fail(`must be one of ${constants.join(', ')}`);
        return;
      }
      // `Maybe(x)`: null is fine, anything else must be an x.
      const [some, none] = variants;
      if (variants.length === 2 && some && none?.[Kind] === 'Null') {
        if (value !== null) walk(some, value, path, issues);
        return;
      }
      if (!variants.some((variant) => TypeCompiler.Compile(variant).Check(value))) fail('does not match any of its shapes');
      return;
    }
    case 'String':
      return stringIssue(schema, value, fail);
    case 'Number':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('must be a number');
      return;
    case 'Boolean':
      if (typeof value !== 'boolean') fail('must be true or false');
      return;
    default:
      return;
  }
}

function stringIssue(schema: TSchema, value: unknown, fail: (message: string) => void): void {
  if (schema.format === 'date-time') {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) fail('must be an ISO 8601 date-time');
  } else if (schema.pattern === IMAGE_NAME_PATTERN) {
    if (typeof value !== 'string' || !new RegExp(IMAGE_NAME_PATTERN).test(value)) fail('must be an index image name app-id/job-id:tag');
  } else if (typeof value !== 'string' || (typeof schema.minLength === 'number' && value.length < schema.minLength) || (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value))) {
    fail(schema.minLength ? 'must be a non-empty string' : 'must be a string');
  } else if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
    fail(`must be at most ${schema.maxLength} characters, not ${value.length}`);
  }
}
