import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { parseDependencyRef } from './dependency-ref';
import { FILE_KEYS } from './fields';
import { FileIssues, type Position } from './file-issues';
import { readEntry, type ReadEntry } from './read-entry';
import { parseSimpleYaml } from './simple-yaml';
import { closestMatch } from './suggest';
import type { IndexIssue } from './types';
import { keyText, scalarValue } from './yaml-values';

/** One index file, checked on its own. */
export interface ParsedFile {
  file: string;
  entries: ReadEntry[];
  externalImages: Array<{ name: string; field: string; position: Position }>;
  errors: IndexIssue[];
  warnings: IndexIssue[];
}

/**
 * Parses and checks one index file (`index.d/<app-id>.yaml`). A YAML syntax error stops this
 * file only; every other problem stops only its entry. `file` is the name issues report, and
 * its stem is the `app-id` every entry must have.
 * @see https://github.com/CentOS/container-index#the-indexd-files
 * @see https://eemeli.org/yaml/#documents
 */
export function parseIndexFile(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const issues = new FileIssues(file, lineCounter);
  const parsed: ParsedFile = { file, entries: [], externalImages: [], errors: issues.errors, warnings: issues.warnings };
  const root = parseSimpleYaml(text, lineCounter) ?? parseYaml(text, lineCounter, issues);
  if (root === undefined) return parsed;
  if (!isMap(root)) {
    issues.error('Projects', root, 'the file must be a mapping with a "Projects:" list');
    return parsed;
  }

  let projectsNode: Node | null | undefined;
  for (const pair of root.items) {
    const key = keyText(pair.key);
    if (key === 'Projects') projectsNode = (pair.value as Node | null) ?? null;
    else if (key === 'External-Images') readExternalImages(pair.value as Node | null, issues, parsed);
    else {
      const suggestion = key === null ? null : closestMatch(key, FILE_KEYS);
      issues.warning(key ?? '', pair.key as Node, `unknown top-level key "${key}" is ignored${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
    }
  }
  if (projectsNode === undefined) {
    issues.error('Projects', root, 'the file has no "Projects:" list');
    return parsed;
  }
  if (!isSeq(projectsNode)) {
    issues.error('Projects', projectsNode ?? root, 'must be a list of entries');
    return parsed;
  }

  const stem = path.basename(file).replace(/\.ya?ml$/i, '');
  const idLines = new Map<number, number>();
  projectsNode.items.forEach((item, index) => {
    // Ids are compared before the entry is checked, so a broken first entry still claims its id.
    const idNode = isMap(item) ? (item.get('id', true) as Node | undefined) : undefined;
    const id = isScalar(idNode) && typeof idNode.value === 'number' ? idNode.value : undefined;
    const firstLine = id === undefined ? undefined : idLines.get(id);
    if (id !== undefined && firstLine === undefined) idLines.set(id, issues.at(idNode).line);
    const read = readEntry(item, index, stem, issues);
    if (firstLine !== undefined) issues.error(`Projects[${index}].id`, idNode, `id ${id} is already used in this file at line ${firstLine}`);
    else if (read) parsed.entries.push(read);
  });
  return parsed;
}

function readExternalImages(node: Node | null, issues: FileIssues, parsed: ParsedFile): void {
  if (node === null || (!isSeq(node) && scalarValue(node).kind === 'null')) return;
  if (!isSeq(node)) {
    issues.error('External-Images', node, 'must be a list of images ("ns/name:tag")');
    return;
  }
  node.items.forEach((item, index) => {
    const field = `External-Images[${index}]`;
    const value = scalarValue(item as Node);
    const ref = value.kind === 'text' ? parseDependencyRef(value.text) : null;
    if (!ref) {
      issues.error(field, item as Node, 'must be an image name "ns/name:tag" or a full reference');
      return;
    }
    parsed.externalImages.push({ name: ref.name, field, position: issues.at(item as Node) });
  });
}

/** The `yaml` package's full parser; `undefined` after reporting syntax errors. */
function parseYaml(text: string, lineCounter: LineCounter, issues: FileIssues): Node | null | undefined {
  // Duplicate keys are reported per entry by readEntry, so they do not stop the whole file.
  // Aliases are never expanded: the checks read nodes and never call toJS(), so an alias where a
  // value belongs reads as no value, and a billion-laughs file costs only its bytes (yaml's
  // maxAliasCount is a toJS option and has nothing to bound here; load-limits.spec.ts checks it).
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length === 0) return doc.contents as Node | null;
  for (const error of doc.errors) issues.error('', error.pos[0], `YAML syntax error: ${error.message.split('\n')[0]}`);
  return undefined;
}
