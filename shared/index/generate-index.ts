import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { IndexText } from './validate-texts';

/** The shape of a synthetic index. */
export interface GenerateIndexOptions {
  /** Entries in all (default 10,000). */
  projects: number;
  /** Files they are spread over, round robin (default 100). */
  files: number;
  /** Levels of every dependency chain, root included (default 5). */
  chainDepth: number;
  /**
   * Size of the first family: a root and this many minus one descendants in a tree at most
   * `chainDepth` levels deep, each image below the second level also built on a cousin, so
   * children with two parents are common (default 2,001: a root with 2,000 descendants).
   */
  rootFamilySize: number;
}

/** A synthetic index and what a test or benchmark needs to know about it. */
export interface GeneratedIndex {
  texts: IndexText[];
  /** Every image, in generation order. */
  names: string[];
  /** The root of the first family. */
  root: string;
  /** How many images are built, directly or not, on `root`. */
  rootDescendants: number;
}

/** A full reference, external by construction: the parent of every chain's root. */
export const GENERATED_EXTERNAL_PARENT = 'registry.example.org/base/os:9';

const DEFAULTS: GenerateIndexOptions = { projects: 10_000, files: 100, chainDepth: 5, rootFamilySize: 2_001 };

/**
 * A valid index in the CentOS format with dependency chains of a chosen depth, for benchmarks
 * and for tests that need a large index (the rebuild trigger reuses it). Deterministic.
 * @see https://github.com/CentOS/container-index#the-indexd-files
 */
export function generateIndex(options: Partial<GenerateIndexOptions> = {}): GeneratedIndex {
  const { projects, files, chainDepth, rootFamilySize } = { ...DEFAULTS, ...options };
  const familySize = Math.min(rootFamilySize, projects);
  const nameOf = (k: number): string => `gen${k % files}/job${k}:latest`;
  const parentsOf = familyParents(familySize, chainDepth);

  const bodies: string[][] = Array.from({ length: files }, () => []);
  const names: string[] = [];
  for (let k = 0; k < projects; k++) {
    let parents: string[];
    if (k < familySize) parents = parentsOf[k]!.map(nameOf);
    else parents = (k - familySize) % chainDepth === 0 ? [GENERATED_EXTERNAL_PARENT] : [nameOf(k - 1)];
    const file = k % files;
    const id = bodies[file]!.length + 1;
    bodies[file]!.push(entryYaml(id, `gen${file}`, `job${k}`, parents));
    names.push(nameOf(k));
  }
  const texts = bodies.map((body, file) => ({ file: `gen${file}.yaml`, text: `Projects:\n${body.join('\n')}` })).filter((_, file) => bodies[file]!.length > 0);
  return { texts, names, root: nameOf(0), rootDescendants: familySize - 1 };
}

/** Writes {@link generateIndex}'s files into `dir` (made if missing). */
export async function writeGeneratedIndex(dir: string, options: Partial<GenerateIndexOptions> = {}): Promise<GeneratedIndex> {
  const generated = generateIndex(options);
  await mkdir(dir, { recursive: true });
  await Promise.all(generated.texts.map(({ file, text }) => writeFile(path.join(dir, file), text)));
  return generated;
}

/**
 * Parents by position in a tree laid out like a heap: the smallest branching that fits `size`
 * images into `depth` levels, each image below the second level also built on the image before
 * its parent when that one is on the parent's level.
 */
function familyParents(size: number, depth: number): number[][] {
  let branching = 1;
  while (capacity(branching, depth) < size) branching++;
  const levelOf: number[] = [0];
  const parents: number[][] = [[]];
  for (let j = 1; j < size; j++) {
    const parent = Math.floor((j - 1) / branching);
    levelOf[j] = levelOf[parent]! + 1;
    const cousin = parent - 1;
    parents[j] = levelOf[j]! >= 2 && cousin > 0 && levelOf[cousin] === levelOf[parent] ? [parent, cousin] : [parent];
  }
  return parents;
}

function capacity(branching: number, depth: number): number {
  let total = 0;
  for (let level = 0, width = 1; level < depth; level++, width *= branching) total += width;
  return branching === 1 ? depth : total;
}

function entryYaml(id: number, appId: string, jobId: string, parents: string[]): string {
  const dependsOn = parents.length === 0 ? 'null' : parents.length === 1 ? parents[0] : `\n${parents.map((parent) => `      - ${parent}`).join('\n')}`;
  return `  - id: ${id}
    app-id: ${appId}
    job-id: ${jobId}
    git-url: https://git.example.org/${appId}/${jobId}.git
    git-branch: main
    git-path: images/${jobId}
    target-file: Dockerfile
    desired-tag: latest
    notify-email: ${jobId}@example.org
    build-context: ./
    depends-on: ${dependsOn}
`;
}
