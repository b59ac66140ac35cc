import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../shared/config/package-root';

/**
 * The folders are the picture of the pipeline (README "Layout"): every capability folder under
 * `functions/` and every shared part under `shared/` explains itself in a `readme.md` and is on
 * the picture, and the docs name only paths that exist, so a move that forgets a link fails here.
 */
const ROOT = packageRoot();
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.ccp', 'coverage', '__fixtures__']);
/** Top-level folders whose paths the docs name in backticks, checked against the tree. */
const PATH_ROOTS = ['shared', 'functions', 'test', 'docs', 'deploy', 'eventing', 'scripts', 'bench', 'cli'];

/** Whether `dir` (absolute) holds a file somewhere below it: git keeps no empty folder, so an empty one is a leftover, not a part. */
function holdsFiles(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).some((entry) => entry.isFile() || (entry.isDirectory() && holdsFiles(path.join(dir, entry.name))));
}

/** `functions/<name>` and `shared/<x>`: the folders the layout promises a readme and a line for. */
function partFolders(): string[] {
  return ['functions', 'shared'].flatMap((top) =>
    readdirSync(path.join(ROOT, top), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== '__fixtures__' && holdsFiles(path.join(ROOT, top, entry.name)))
      .map((entry) => `${top}/${entry.name}`),
  );
}

/** README.md, docs/*.md and every readme of the tree (fixtures' readmes are data, not docs). */
function docFiles(): string[] {
  const readmes: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) walk(rel);
      else if (entry.isFile() && dir && entry.name.toLowerCase() === 'readme.md') readmes.push(rel);
    }
  };
  walk('');
  const docs = readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs, ...readmes.sort()];
}

/** The README section `## <title>`, up to the next `## `. */
function readmeSection(title: string): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/**
 * The folders the Layout tree draws, as `top/child`: a line starting in column 0 with `name/`
 * opens a top-level folder, an indented `name/` under it is one of its folders.
 */
function layoutTree(): Set<string> {
  const drawn = new Set<string>();
  let top: string | null = null;
  for (const line of readmeSection('Layout').split('\n')) {
    const opened = /^([\w.-]+)\//.exec(line);
    if (opened) {
      top = opened[1]!;
      continue;
    }
    const child = /^\s+([\w.-]+)\//.exec(line);
    if (child && top) drawn.add(`${top}/${child[1]}`);
  }
  return drawn;
}

/** Markdown without its fenced code blocks, where neither links nor code spans are meant. */
function withoutFences(text: string): string {
  return text.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '');
}

interface Reference {
  doc: string;
  target: string;
  /** The target relative to the repository root. */
  resolved: string;
}

/** Relative links `[text](target)` of `doc`, resolved against its folder; anchors and URLs are not files. */
function relativeLinks(doc: string, text: string): Reference[] {
  const links: Reference[] = [];
  for (const match of withoutFences(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = match[1]!.split('#')[0]!;
    if (!target || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.includes('<') || target.includes('*')) continue;
    links.push({ doc, target, resolved: path.posix.normalize(path.posix.join(path.posix.dirname(doc), target)) });
  }
  return links;
}

/** A code span naming a source or doc file by a relative path (`local/storage.ts`, `../x/readme.md`). */
const RELATIVE_FILE = /^(?:\.\.?\/)*[\w@-][\w.@-]*(?:\/[\w.@-]+)*\.(?:ts|js|md|sh)$/;

/**
 * Code spans of `doc` that are a path: from the root (`shared/…`, `functions/…`, …), or a file
 * relative to the doc's folder (`../builders/readme.md`, `format/json.ts`), which may also be
 * read from the root.
 */
function backtickedPaths(doc: string, text: string): Reference[] {
  const paths: Reference[] = [];
  for (const match of withoutFences(text).matchAll(/`([^`\n]+)`/g)) {
    const span = match[1]!.trim();
    if (/\s/.test(span) || span.includes('<') || span.includes('*') || span.includes('…')) continue;
    const fromRoot = PATH_ROOTS.some((root) => span.startsWith(`${root}/`));
    if (!fromRoot && !(span.includes('/') && RELATIVE_FILE.test(span))) continue;
    const besideDoc = path.posix.normalize(path.posix.join(path.posix.dirname(doc), span));
    const resolved =
      fromRoot || (!span.startsWith('.') && !existsSync(path.join(ROOT, besideDoc)) && existsSync(path.join(ROOT, span)))
        ? path.posix.normalize(span)
        : besideDoc;
    paths.push({ doc, target: span, resolved });
  }
  return paths;
}

function references(): Reference[] {
  return docFiles().flatMap((doc) => {
    const text = readFileSync(path.join(ROOT, doc), 'utf8');
    return [...relativeLinks(doc, text), ...backtickedPaths(doc, text)];
  });
}

const PARTS = partFolders();

describe('every function and shared part explains itself', () => {
  it('finds the parts', () => {
    expect(PARTS).toEqual(expect.arrayContaining(['functions/build', 'functions/scan', 'shared/events', 'shared/store']));
  });

  it.each(PARTS)('%s has a readme.md', (folder) => {
    expect(readdirSync(path.join(ROOT, folder))).toContain('readme.md');
  });

  it.each(PARTS)("%s is drawn in README's Layout", (folder) => {
    expect([...layoutTree()]).toContain(folder);
  });

  it("README's Layout draws no function or shared part that is gone", () => {
    const gone = [...layoutTree()].filter((folder) => /^(functions|shared)\//.test(folder) && !PARTS.includes(folder));
    expect(gone).toEqual([]);
  });
});

describe('the docs name only paths that exist', () => {
  const all = references();

  it('reads the links and paths of README.md, docs/ and the readmes', () => {
    expect(all.some((reference) => reference.doc === 'README.md' && reference.target.startsWith('shared/'))).toBe(true);
    expect(all.some((reference) => reference.doc.startsWith('docs/'))).toBe(true);
  });

  it('every relative link and backticked repository path exists', () => {
    const missing = all.filter((reference) => !existsSync(path.join(ROOT, reference.resolved))).map((reference) => `${reference.doc}: ${reference.target}`);
    expect(missing).toEqual([]);
  });
});
