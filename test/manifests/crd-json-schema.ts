import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isPlainObject } from '../../shared/events/schema';

/** An OpenAPI v3 structural schema node of a CRD, as published. */
type Node = Record<string, unknown>;

const DNS_1123 = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/**
 * The JSON Schema (for ajv) of one CRD version's `openAPIV3Schema`, with the API server's
 * rules kept as they are: every `required` list, `nullable: true` (null allowed, also for a
 * required field), `x-kubernetes-int-or-string`, and unknown fields refused where the schema
 * does not preserve them (what `kubectl apply --validate=strict` does). Nothing is dropped:
 * a field the CRD requires is required here.
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
 */
export function crdJsonSchema(node: Node, root = true): Node {
  const out: Node = {};
  if (node['x-kubernetes-int-or-string'] === true) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  else if (typeof node.type === 'string') out.type = node.nullable === true ? [node.type, 'null'] : node.type;
  for (const key of ['enum', 'pattern', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'required']) {
    if (node[key] !== undefined) out[key] = node[key];
  }
  if (node.nullable === true && Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  if (isPlainObject(node.items)) out.items = crdJsonSchema(node.items, false);
  if (isPlainObject(node.additionalProperties)) out.additionalProperties = crdJsonSchema(node.additionalProperties, false);
  if (isPlainObject(node.properties)) {
    const properties = Object.fromEntries(Object.entries(node.properties).map(([name, child]) => [name, crdJsonSchema(child as Node, false)]));
    // ObjectMeta is `type: object` in every CRD; the API server checks the name as DNS-1123.
    if (root)
      properties.metadata = {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string', pattern: DNS_1123 }, namespace: { type: 'string', pattern: DNS_1123 } },
      };
    // The API server takes apiVersion and kind on every object, also where a CRD leaves them
    // out of its schema (Knative's EventType does).
    if (root) properties.apiVersion ??= { type: 'string' };
    if (root) properties.kind ??= { type: 'string' };
    out.properties = properties;
    if (node['x-kubernetes-preserve-unknown-fields'] !== true && node.additionalProperties === undefined) out.additionalProperties = false;
  }
  return out;
}

/**
 * The JSON Schemas of every CRD file in `dir` (published CRDs, kept verbatim but for their
 * descriptions), by `group/version/Kind`, one per served version.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/extend-resources/custom-resource-definition-v1/
 */
export function crdSchemasIn(dir: string): Record<string, Node> {
  const schemas: Record<string, Node> = {};
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.crd.yaml'))
    .sort()) {
    const crd = parseYaml(readFileSync(path.join(dir, file), 'utf8')) as {
      spec: { group: string; names: { kind: string }; versions: Array<{ name: string; schema: { openAPIV3Schema: Node } }> };
    };
    for (const version of crd.spec.versions) {
      const schema = crdJsonSchema(version.schema.openAPIV3Schema);
      schema.required = [...new Set(['apiVersion', 'kind', 'metadata', ...((schema.required as string[] | undefined) ?? [])])];
      schemas[`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`] = schema;
    }
  }
  return schemas;
}
