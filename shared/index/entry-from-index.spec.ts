import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '../errors/validation-error';
import { TempObjectStore } from '../store/__fixtures__/temp-store';
import type { ProjectEntry } from './types';
import { testContext } from '../../test/support/test-functions';
import type { FunctionContext } from '../function/types';
import { entryFromIndex } from './entry-from-index';

const REF = { appId: 'tests', jobId: 'base', desiredTag: 'latest' };
const INDEXED: ProjectEntry = {
  id: 1,
  appId: 'tests',
  jobId: 'base',
  desiredTag: 'latest',
  gitUrl: 'https://git.example.org/team/images.git',
  gitBranch: 'main',
  gitPath: 'base',
  targetFile: 'Dockerfile',
  buildContext: './',
  notifyEmail: ['tests@example.com'],
  dependsOn: [],
  source: { file: 'index.d/tests.yaml', line: 2 },
};
const YAML = `Projects:\n  - id: 1\n    app-id: tests\n    job-id: base\n    git-url: ${INDEXED.gitUrl}\n    git-branch: main\n    git-path: base\n    target-file: Dockerfile\n    desired-tag: latest\n    notify-email: tests@example.com\n    build-context: ./\n    depends-on: null\n`;

/** A context whose configured index is a real folder holding `yaml`, and whose cache answers `cached`. */
function contextWith(yaml: string | null, cached: ProjectEntry | null): FunctionContext {
  const context = testContext(new TempObjectStore());
  if (yaml !== null) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ccp-entry-index-'));
    mkdirSync(path.join(dir, 'index.d'));
    writeFileSync(path.join(dir, 'index.d', 'tests.yaml'), yaml);
    context.config.index = { location: dir };
  }
  context.findEntry = async () => cached;
  return context;
}

async function outcome(promise: Promise<ProjectEntry | null>): Promise<unknown> {
  try {
    const entry = await promise;
    return entry && { gitUrl: entry.gitUrl, gitPath: entry.gitPath };
  } catch (error) {
    return error instanceof ValidationError ? error.message : error;
  }
}

describe('entryFromIndex', () => {
  const evil = { ...INDEXED, gitUrl: 'https://evil.example.org/x.git', prebuildScript: 'steal.sh' };

  it.each([
    ['no inline entry: the cached index entry', contextWith(YAML, INDEXED), undefined, { gitUrl: INDEXED.gitUrl, gitPath: 'base' }],
    [
      'an inline entry equal to the index (source line aside)',
      contextWith(YAML, INDEXED),
      { ...INDEXED, source: { file: 'x', line: 9 } },
      { gitUrl: INDEXED.gitUrl, gitPath: 'base' },
    ],
    [
      'an inline entry naming another repository',
      contextWith(YAML, INDEXED),
      evil,
      "the event's entry for tests/base:latest is not the index's: data.entry.gitUrl: differs from the index (only the index's entries are built); data.entry.prebuildScript: differs from the index (only the index's entries are built)",
    ],
    [
      'an inline entry for a project the index lacks',
      contextWith('Projects: []\n', null),
      evil,
      'the event brings an entry for tests/base:latest, which is not in the index: data.entry: events may not bring entries of their own',
    ],
    [
      'an entry newer than the cached index: the index is read again',
      contextWith(YAML.replace('git-path: base', 'git-path: base2'), INDEXED),
      { ...INDEXED, gitPath: 'base2' },
      { gitUrl: INDEXED.gitUrl, gitPath: 'base2' },
    ],
    ['no index at all: the inline entry', contextWith(null, null), evil, { gitUrl: evil.gitUrl, gitPath: 'base' }],
    [
      'entries given to the runtime (ccp run), a different inline one',
      contextWith(null, INDEXED),
      evil,
      "the event's entry for tests/base:latest is not the index's: data.entry.gitUrl: differs from the index (only the index's entries are built); data.entry.prebuildScript: differs from the index (only the index's entries are built)",
    ],
  ])('%s', async (_case, context, claimed, expected) => {
    expect(await outcome(entryFromIndex(claimed, REF, context))).toEqual(expected);
  });
});
