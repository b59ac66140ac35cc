import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProjectEntry } from './types';
import { createLogger } from '../log/logger';
import { TempObjectStore } from '../store/__fixtures__/temp-store';
import { testContext } from '../../test/support/test-functions';
import type { FunctionContext } from '../function/types';
import { indexEntryOf } from './trusted-entry';

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
const FORGED: ProjectEntry = { ...INDEXED, notifyEmail: ['attacker@example.org'] };

/** A context whose configured index is a real folder holding `yaml` (none: no index), whose cache answers `cached`; its log lines land in `lines`. */
function contextWith(yaml: string | null, cached: ProjectEntry | null, lines: string[]): FunctionContext {
  const context = testContext(new TempObjectStore());
  if (yaml !== null) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ccp-index-entry-'));
    mkdirSync(path.join(dir, 'index.d'));
    writeFileSync(path.join(dir, 'index.d', 'tests.yaml'), yaml);
    context.config.index = { location: dir };
  }
  context.findEntry = () => Promise.resolve(cached);
  context.log = createLogger({ write: (line) => lines.push((JSON.parse(line) as { msg: string }).msg) });
  return context;
}

describe('indexEntryOf', () => {
  it.each([
    ['no entry in the event: the index entry', YAML, INDEXED, undefined, INDEXED.notifyEmail, []],
    ["the index's own entry", YAML, INDEXED, INDEXED, INDEXED.notifyEmail, []],
    [
      "a forged notify-email: the index's entry instead",
      YAML,
      INDEXED,
      FORGED,
      INDEXED.notifyEmail,
      ["the event's entry is not the index's: the index's is used"],
    ],
    ['a forged entry of a project not in the index: none', 'Projects: []\n', null, FORGED, null, ["the event's entry is not the index's: the index's is used"]],
    ['no entry, a project not in the index: none', 'Projects: []\n', null, undefined, null, ['the project is not in the index']],
    [
      'entries given to the runtime, no index file: the given one',
      null,
      INDEXED,
      FORGED,
      INDEXED.notifyEmail,
      ["the event's entry is not the index's: the index's is used"],
    ],
    ["no index at all: none, never the event's", null, null, FORGED, null, ["no index to take the project's entry from: the event's own entry is not used"]],
  ])('%s', async (_case, yaml, cached, claimed, expected, logged) => {
    const lines: string[] = [];
    const entry = await indexEntryOf(contextWith(yaml, cached, lines))(claimed, REF);
    expect([entry?.notifyEmail ?? null, lines]).toEqual([expected, logged]);
  });
});
