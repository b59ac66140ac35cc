import { isMap, isScalar, isSeq, type Node } from 'yaml';

/** What a YAML value holds, as far as an index field cares. */
export type ScalarValue = { kind: 'text'; text: string } | { kind: 'null' } | { kind: 'not-scalar'; shape: 'mapping' | 'list' };

/**
 * A scalar's text as written. Numbers and booleans keep their source spelling, the way the seed's
 * all-strings YAML loader read them: `desired-tag: 8.10` is the tag `8.10`, not `8.1`.
 * @see https://eemeli.org/yaml/#scalar-values
 */
export function scalarValue(node: Node | null | undefined): ScalarValue {
  if (node === null || node === undefined) return { kind: 'null' };
  if (isMap(node)) return { kind: 'not-scalar', shape: 'mapping' };
  if (isSeq(node)) return { kind: 'not-scalar', shape: 'list' };
  if (!isScalar(node) || node.value === null || node.value === undefined) return { kind: 'null' };
  if (typeof node.value === 'string') return { kind: 'text', text: node.value };
  return { kind: 'text', text: node.source ?? String(node.value) };
}

/** `key` of a mapping pair as text; `null` for keys that are not plain scalars. */
export function keyText(key: unknown): string | null {
  if (!isScalar(key)) return null;
  return key.value === null || key.value === undefined ? null : String(key.value);
}
