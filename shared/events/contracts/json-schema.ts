import { TYPE_PREFIX } from '../types';
import type { EventContract } from './define';

/**
 * Where the JSON Schemas of eventing/schemas/ are published: their `$id`s and the EventTypes'
 * `spec.schema` point there. The one place to change when the repository moves.
 */
export const SCHEMA_BASE_URL = 'https://raw.githubusercontent.com/CentOS/container-pipeline-service/master/eventing/schemas/';

/** Where the published schemas are, relative to the package root. */
export const SCHEMAS_DIR = 'eventing/schemas';

/** `build.requested` for `org.centos.ccp.build.requested`. */
export function shortName(type: string): string {
  return type.startsWith(TYPE_PREFIX) ? type.slice(TYPE_PREFIX.length) : type;
}

/** Where a contract's JSON Schema is published: its `$id`. */
export function schemaUrlOf(contract: EventContract): string {
  return `${SCHEMA_BASE_URL}${shortName(contract.type)}.json`;
}

/**
 * The published JSON Schema (draft 2020-12) of a contract's data.
 * @see https://json-schema.org/draft/2020-12/json-schema-core
 */
export function jsonSchemaOf(contract: EventContract): Record<string, unknown> {
  // JSON.stringify drops TypeBox's symbol keys (Kind, OptionalKind): what is left is plain JSON Schema.
  const data = JSON.parse(JSON.stringify(contract.data)) as Record<string, unknown>;
  const description = [
    contract.description,
    contract.dataOptional ? 'The event may carry no data at all.' : '',
    typeof data.description === 'string' ? data.description : '',
  ]
    .filter(Boolean)
    .join(' ');
  const head = { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: schemaUrlOf(contract), title: `${contract.type} data` };
  const examples = contract.example === undefined ? [] : [contract.example];
  // Data that may be absent is published as "this shape or null": absent data is checked as null.
  return contract.dataOptional ? { ...head, description, anyOf: [data, { type: 'null' }], examples } : { ...head, ...data, description, examples };
}
