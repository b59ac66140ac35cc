import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { isPlainObject } from '../../shared/events/schema';

/** One YAML document of a manifest folder, with where it starts. */
export interface ManifestDocument {
  /** Path relative to the folder the test read, e.g. `eventing/triggers/lint.yaml`. */
  file: string;
  /** 1-based line of the document's first node. */
  line: number;
  /** The parsed object; `null` when the document did not parse. */
  object: Record<string, unknown> | null;
  /** YAML syntax errors, `line:column message`. */
  errors: string[];
  /** `file:line`, for test names and failure messages. */
  where: string;
}

/** kustomize reads this file itself; it is no API object and is never applied. */
const KUSTOMIZE_FILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/**
 * Every YAML document under `dirs` (relative to `root`; a missing folder gives none), in file
 * order. Read synchronously so that tests can build `it.each` tables from it.
 * @see https://eemeli.org/yaml/#parsing-documents
 */
export function readManifestDocuments(root: string, dirs: readonly string[]): ManifestDocument[] {
  const documents: ManifestDocument[] = [];
  for (const dir of dirs) {
    for (const file of yamlFilesUnder(root, dir)) documents.push(...readDocuments(root, file));
  }
  return documents;
}

/** The documents of one file, `file` relative to `root`. */
export function readDocuments(root: string, file: string): ManifestDocument[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(readFileSync(path.join(root, file), 'utf8'), { lineCounter });
  if (!Array.isArray(documents)) return [];
  return documents
    .filter((document) => document.contents !== null || document.errors.length > 0)
    .map((document) => {
      const line = lineCounter.linePos(document.contents?.range[0] ?? 0).line;
      const errors = document.errors.map((error) => `${error.linePos?.[0]?.line ?? '?'}:${error.linePos?.[0]?.col ?? '?'} ${error.message.split('\n')[0]}`);
      const parsed: unknown = errors.length === 0 ? document.toJS() : null;
      return { file, line, object: isPlainObject(parsed) ? parsed : null, errors, where: `${file}:${line}` };
    });
}

function yamlFilesUnder(root: string, dir: string): string[] {
  if (!existsSync(path.join(root, dir))) return [];
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...yamlFilesUnder(root, relative));
    else if (/\.ya?ml$/.test(entry.name) && !KUSTOMIZE_FILES.has(entry.name)) files.push(relative);
  }
  return files;
}
