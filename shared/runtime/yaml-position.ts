import type { Document, LineCounter } from 'yaml';
import { yaml } from '../lazy/packages';

/**
 * The line and column (from 1) of the value at a dotted field path such as
 * `spec.filters[0].exact` in a parsed YAML document; the nearest existing ancestor when the field
 * itself is missing. `undefined` when nothing on the path has a position.
 * @see https://eemeli.org/yaml/#documents
 */
export function positionOf(document: Document, lineCounter: LineCounter, field: string): { line: number; column: number } | undefined {
  const path = field
    .split(/\.|\[(\d+)\]/)
    .filter((part) => part !== undefined && part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  for (let length = path.length; length >= 0; length -= 1) {
    const node = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
    if (yaml().isNode(node) && node.range) {
      const { line, col } = lineCounter.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return undefined;
}
