import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { parseDependencyRef } from './dependency-ref';
import { ENTRY_KEYS, REQUIRED_KEYS, type EntryKey } from './fields';
import type { FileIssues, Position } from './file-issues';
import { findPathProblems } from './paths';
import { closestMatch } from './suggest';
import { parseImageName, type ProjectEntry } from './types';
import { keyText, scalarValue } from './yaml-values';

/** An entry that passed its own checks, with what index-wide checks need to report at. */
export interface ReadEntry {
  entry: ProjectEntry;
  /** `Projects[i]`. */
  field: string;
  position: Position;
  /** Each index image named by `depends-on`, with where it is written and its field. */
  dependencies: Array<{ name: string; field: string; position: Position }>;
}

const EMAIL = /^[^\s@,;<>()]+@[^\s@,;<>()]+\.[^\s@,;<>()]+$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const GIT_URL = /^(?:(?:https?|git|ssh|file):\/\/\S+|[\w.-]+@[\w.-]+:\S+|\/\S+)$/i;

/**
 * Checks one item of a file's `Projects:` list and turns it into a {@link ProjectEntry}. Reports
 * every problem it finds; returns `null` when any of them is an error, since such an entry
 * cannot be built as written.
 * @see https://github.com/CentOS/container-index#the-indexd-files
 */
export function readEntry(node: unknown, index: number, fileStem: string, issues: FileIssues): ReadEntry | null {
  const field = `Projects[${index}]`;
  if (!isMap(node)) {
    issues.error(field, node as Node, 'must be a mapping of index keys (id, app-id, job-id, ...)');
    return null;
  }
  const errorsBefore = issues.errors.length;
  const typos = new Map<string, EntryKey>();
  const values = collectKeys(node, field, issues, typos);
  const at = (key: EntryKey): Node | YAMLMap => values.get(key)?.value ?? values.get(key)?.key ?? node;
  const fieldOf = (key: string): string => `${field}.${key}`;

  for (const key of REQUIRED_KEYS) {
    if (values.has(key)) continue;
    const typo = [...typos].find(([, meant]) => meant === key)?.[0];
    issues.error(fieldOf(key), node, `required key "${key}" is missing${typo ? ` (is "${typo}" meant?)` : ''}`);
  }

  const text = (key: EntryKey, options: { required: boolean; fallback?: string }): string | undefined => {
    const pair = values.get(key);
    if (!pair) return options.fallback;
    const value = scalarValue(pair.value);
    if (value.kind === 'not-scalar') {
      issues.error(fieldOf(key), at(key), `must be a string, not a ${value.shape}`);
      return undefined;
    }
    const written = value.kind === 'text' ? value.text.trim() : '';
    if (written === '') {
      if (options.required) issues.error(fieldOf(key), at(key), 'must not be empty');
      return options.fallback;
    }
    return written;
  };

  const id = readId(values.get('id')?.value, fieldOf('id'), at('id'), issues);
  const appId = text('app-id', { required: true });
  const jobId = text('job-id', { required: true });
  const gitUrl = text('git-url', { required: true });
  const gitBranch = text('git-branch', { required: true });
  const gitPath = text('git-path', { required: false, fallback: '' });
  const targetFile = text('target-file', { required: true });
  const desiredTag = text('desired-tag', { required: true });
  const buildContext = text('build-context', { required: false, fallback: './' });
  const prebuildScript = text('prebuild-script', { required: false });
  const prebuildContext = text('prebuild-context', { required: false });
  const notifyEmail = readEmails(values.get('notify-email')?.value, fieldOf('notify-email'), at('notify-email'), issues);
  const dependencies = readDependsOn(values.get('depends-on')?.value, fieldOf('depends-on'), at('depends-on'), issues);

  if (!values.has('git-path')) issues.warning(fieldOf('git-path'), node, 'git-path is missing; the Dockerfile is looked for at the repository root');
  if (appId !== undefined && appId !== fileStem) {
    issues.error(fieldOf('app-id'), at('app-id'), `"${appId}" must equal the file name's stem "${fileStem}"`);
  }
  if (desiredTag !== undefined && !TAG.test(desiredTag)) {
    issues.error(fieldOf('desired-tag'), at('desired-tag'), `"${desiredTag}" is not a valid image tag ([A-Za-z0-9_][A-Za-z0-9._-]*, at most 128)`);
  }
  if (appId !== undefined && jobId !== undefined && desiredTag !== undefined && TAG.test(desiredTag)) {
    const ref = parseImageName(`${appId}/${jobId}:${desiredTag}`);
    if (!ref || ref.appId !== appId || ref.jobId !== jobId) {
      issues.error(fieldOf('job-id'), at('job-id'), `"${appId}/${jobId}" is not a valid image name (lower-case letters, digits, ".", "_", "-", "/")`);
    }
  }
  if (gitUrl !== undefined && !GIT_URL.test(gitUrl)) {
    issues.error(
      fieldOf('git-url'),
      at('git-url'),
      `"${gitUrl}" is not a git URL (https://, git://, ssh://, file://, user@host:path or an absolute local path)`,
    );
  }
  if (prebuildScript !== undefined && prebuildContext === undefined) {
    issues.error(
      fieldOf('prebuild-script'),
      at('prebuild-script'),
      'prebuild-script needs prebuild-context (the folder, from the repository root, it runs in)',
    );
  }
  if (prebuildContext !== undefined && prebuildScript === undefined) {
    issues.warning(fieldOf('prebuild-context'), at('prebuild-context'), 'prebuild-context has no effect without prebuild-script');
  }
  if (targetFile !== undefined) {
    const problems = findPathProblems({ gitPath: gitPath ?? '', targetFile, buildContext: buildContext ?? './', prebuildScript, prebuildContext });
    for (const problem of problems) issues.error(fieldOf(problem.key), at(problem.key), problem.message);
  }

  if (issues.errors.length > errorsBefore) return null;
  const entry: ProjectEntry = {
    id: id!,
    appId: appId!,
    jobId: jobId!,
    gitUrl: gitUrl!,
    gitBranch: gitBranch!,
    gitPath: gitPath ?? '',
    targetFile: targetFile!,
    desiredTag: desiredTag!,
    notifyEmail: notifyEmail!,
    buildContext: buildContext ?? './',
    dependsOn: dependencies!.map((dependency) => dependency.name),
    source: { file: issues.file, line: issues.at(node).line },
  };
  if (prebuildScript !== undefined) entry.prebuildScript = prebuildScript;
  if (prebuildContext !== undefined) entry.prebuildContext = prebuildContext;
  return {
    entry,
    field,
    position: issues.at(node),
    dependencies: dependencies!.filter((dependency) => dependency.kind === 'index'),
  };
}

type Pair = { key: Node; value: Node | null };

/** The entry's keys; duplicates are errors, unknown keys warnings with the likely intended key. */
function collectKeys(node: YAMLMap, field: string, issues: FileIssues, typos: Map<string, EntryKey>): Map<EntryKey, Pair> {
  const values = new Map<EntryKey, Pair>();
  const seen = new Set<string>();
  for (const pair of node.items) {
    const key = keyText(pair.key);
    const keyNode = pair.key as Node;
    if (key === null) {
      issues.error(field, keyNode, 'keys must be plain names');
      continue;
    }
    if (seen.has(key)) {
      issues.error(`${field}.${key}`, keyNode, `key "${key}" appears twice in this entry`);
      continue;
    }
    seen.add(key);
    if ((ENTRY_KEYS as readonly string[]).includes(key)) {
      values.set(key as EntryKey, { key: keyNode, value: (pair.value as Node | null) ?? null });
    } else {
      const suggestion = closestMatch(key, ENTRY_KEYS) as EntryKey | null;
      if (suggestion) typos.set(key, suggestion);
      const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
      issues.warning(`${field}.${key}`, keyNode, `unknown key "${key}" is ignored${hint}`);
    }
  }
  return values;
}

function readId(node: Node | null | undefined, field: string, where: Node, issues: FileIssues): number | undefined {
  if (node === undefined) return undefined;
  if (isScalar(node) && typeof node.value === 'number' && Number.isSafeInteger(node.value) && node.value >= 0) return node.value;
  const value = scalarValue(node);
  const shown = value.kind === 'text' ? `"${value.text}"` : value.kind === 'null' ? 'empty' : `a ${value.shape}`;
  issues.error(field, where, `must be a non-negative integer, not ${shown}`);
  return undefined;
}

function readEmails(node: Node | null | undefined, field: string, where: Node, issues: FileIssues): string[] | undefined {
  if (node === undefined) return undefined;
  const items: Array<{ node: Node | null; field: string }> = isSeq(node)
    ? node.items.map((item, i) => ({ node: item as Node | null, field: `${field}[${i}]` }))
    : [{ node, field }];
  if (isSeq(node) && items.length === 0) {
    issues.error(field, where, 'must list at least one address');
    return undefined;
  }
  const emails: string[] = [];
  let valid = true;
  for (const item of items) {
    const value = scalarValue(item.node);
    const itemAt = item.node ?? where;
    if (value.kind !== 'text' || value.text.trim() === '') {
      issues.error(item.field, itemAt, value.kind === 'not-scalar' ? `must be an address, not a ${value.shape}` : 'must not be empty');
      valid = false;
    } else if (!EMAIL.test(value.text.trim())) {
      const several = (value.text.match(/@/g) ?? []).length > 1 ? '; list several addresses as a YAML list' : '';
      issues.error(item.field, itemAt, `"${value.text}" is not an e-mail address${several}`);
      valid = false;
    } else {
      emails.push(value.text.trim());
    }
  }
  return valid ? emails : undefined;
}

type ReadDependency = { kind: 'index' | 'external'; name: string; field: string; position: Position };

function readDependsOn(node: Node | null | undefined, field: string, where: Node, issues: FileIssues): ReadDependency[] | undefined {
  if (node === undefined) return undefined;
  if (isMap(node)) {
    issues.error(field, node, 'must be null, "ns/name:tag" or a list of them, not a mapping');
    return undefined;
  }
  const items: Array<{ node: Node | null; field: string }> = isSeq(node)
    ? node.items.map((item, i) => ({ node: item as Node | null, field: `${field}[${i}]` }))
    : [{ node, field }];
  const dependencies: ReadDependency[] = [];
  let valid = true;
  for (const item of items) {
    const value = scalarValue(item.node);
    const itemAt = item.node ?? where;
    // The seed treated an empty value and the string "null" like YAML null: no parent.
    if (value.kind === 'null' || (value.kind === 'text' && ['', 'null'].includes(value.text.trim()))) {
      if (isSeq(node)) issues.warning(item.field, itemAt, 'empty item ignored');
      continue;
    }
    if (value.kind === 'not-scalar') {
      issues.error(item.field, itemAt, `must be "ns/name:tag", not a ${value.shape}`);
      valid = false;
      continue;
    }
    const ref = parseDependencyRef(value.text);
    if (!ref) {
      issues.error(item.field, itemAt, `"${value.text}" is neither an index image "ns/name:tag" nor a full reference with a registry host`);
      valid = false;
      continue;
    }
    if (ref.kind === 'index' && ref.tagDefaulted) issues.warning(item.field, itemAt, `"${value.text}" has no tag; read as "${ref.name}"`);
    if (dependencies.some((dependency) => dependency.name === ref.name)) {
      issues.warning(item.field, itemAt, `"${ref.name}" is listed twice`);
      continue;
    }
    dependencies.push({ kind: ref.kind, name: ref.name, field: item.field, position: issues.at(itemAt) });
  }
  return valid ? dependencies : undefined;
}
