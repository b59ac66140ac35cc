import { DependencyGraph } from '../../../shared/graph/dependency-graph';
import { generateIndex } from '../../../shared/index/generate-index';
import { imageName, type ProjectEntry, type ProjectRef } from '../../../shared/index/types';
import { validateIndexTexts } from '../../../shared/index/validate-texts';
import type { IndexText } from '../../../shared/index/validate-texts';
import { planCascade } from './cascade-plan';
import { againstBuilds, diffIndex, sameBuildConfiguration, type LastBuiltEntry } from './index-diff';
import { teamEntry as entry } from '../__fixtures__/entries';

const names = (entries: readonly ProjectRef[]): string[] => entries.map(imageName);

/** Build records as a map: the entry each image was last built with. */
const builtAs = (...built: ProjectEntry[]): LastBuiltEntry => {
  const byName = new Map(built.map((known) => [imageName(known), known]));
  return async (ref) => byName.get(imageName(ref)) ?? null;
};

describe('diffIndex', () => {
  const a = entry('a');
  const b = entry('b', { dependsOn: ['team/a:latest'] });
  it.each([
    ['nothing changed', [a, b], [a, b], [], [], []],
    [
      'entries moved to another file and renumbered',
      [a, b],
      [
        { ...b, id: 7, source: { file: 'other.yaml', line: 40 } },
        { ...a, id: 9 },
      ],
      [],
      [],
      [],
    ],
    ['one field of one entry edited', [a, b], [a, { ...b, gitBranch: 'devel' }], [], ['team/b:latest'], []],
    ['an entry added', [a], [a, b], ['team/b:latest'], [], []],
    ['an entry removed', [a, b], [a], [], [], ['team/b:latest']],
    ['no baseline at all: everything is added', [], [a, b], ['team/a:latest', 'team/b:latest'], [], []],
  ])('%s', (_name, before, after, added, changed, removed) => {
    const change = diffIndex(before, after);
    expect([names(change.added), names(change.changed), names(change.removed)]).toEqual([added, changed, removed]);
  });
});

describe('sameBuildConfiguration', () => {
  it.each([
    ['another id and place', { id: 5, source: { file: 'x.yaml', line: 3 } }, true],
    ['another build context', { buildContext: '.' }, false],
    ['another mail address', { notifyEmail: ['other@example.org'] }, false],
    ['a prebuild script added', { prebuildScript: 'make.sh' }, false],
  ])('%s', (_name, overrides, same) => {
    expect(sameBuildConfiguration(entry('a'), entry('a', overrides))).toEqual(same);
  });
});

describe('againstBuilds', () => {
  const a = entry('a');
  const b = entry('b');
  it.each([
    ['never built: a first build', builtAs(), { added: ['team/a:latest'], changed: [], unchanged: [], rebuilt: [] }],
    [
      'built with the same configuration elsewhere in the index: nothing',
      builtAs({ ...a, id: 3, source: { file: 'old.yaml', line: 9 } }),
      { added: [], changed: [], unchanged: ['team/a:latest'], rebuilt: [] },
    ],
    [
      'built with another configuration: a rebuild',
      builtAs({ ...a, gitBranch: 'old' }),
      { added: [], changed: ['team/a:latest'], unchanged: [], rebuilt: ['team/a:latest'] },
    ],
  ])('an added entry %s', async (_name, lastBuilt, expected) => {
    const { change, unchanged, rebuilt } = await againstBuilds({ added: [a], changed: [], removed: [] }, lastBuilt);
    expect({ added: names(change.added), changed: names(change.changed), unchanged, rebuilt }).toEqual(expected);
  });

  it('leaves changed and removed entries, and the entries it is told to keep, as they are', async () => {
    const looked: string[] = [];
    const lastBuilt: LastBuiltEntry = async (ref) => {
      looked.push(imageName(ref));
      return { ...entry(ref.jobId), gitBranch: 'old' };
    };
    const { change } = await againstBuilds(
      { commit: 'c1', added: [a, b], changed: [entry('c')], removed: [{ appId: 'team', jobId: 'd', desiredTag: 'latest' }] },
      lastBuilt,
      (name) => name === 'team/a:latest',
    );
    expect(looked).toEqual(['team/b:latest']);
    expect({ commit: change.commit, added: names(change.added), changed: names(change.changed), removed: names(change.removed) }).toEqual({
      commit: 'c1',
      added: ['team/a:latest'],
      changed: ['team/c:latest', 'team/b:latest'],
      removed: ['team/d:latest'],
    });
  });

  it('looks at most `parallel` images up at once', async () => {
    let running = 0;
    let most = 0;
    const lastBuilt: LastBuiltEntry = async () => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running--;
      return null;
    };
    const added = Array.from({ length: 40 }, (_, k) => entry(`job${k}`));
    const { change } = await againstBuilds({ added, changed: [], removed: [] }, lastBuilt, undefined, 4);
    expect([change.added.length, most]).toEqual([40, 4]);
  });
});

/**
 * An index shaped like the CentOS one (205 entries over 40 files, chains up to 4 deep), with
 * `git-branch` of one entry edited in place: one line of one file.
 */
function centosLikeIndex(): { before: ProjectEntry[]; after: ProjectEntry[]; edited: string; graph: DependencyGraph } {
  const generated = generateIndex({ projects: 205, files: 40, chainDepth: 4, rootFamilySize: 30 });
  const before = validateIndexTexts(generated.texts);
  expect(before.errors).toEqual([]);
  const graph = new DependencyGraph(before.projects);
  // An image nothing is built on, so the one edit is one build (the cascade test covers children).
  const edited = generated.names.find((name) => graph.descendants(name).length === 0 && name !== generated.root)!;
  const [appJob] = edited.split(':');
  const [appId, jobId] = appJob!.split('/');
  const texts: IndexText[] = generated.texts.map(({ file, text }) => {
    if (file !== `${appId}.yaml`) return { file, text };
    const lines = text.split('\n');
    const at = lines.indexOf(`    job-id: ${jobId}`);
    lines[at + 2] = '    git-branch: devel';
    return { file, text: lines.join('\n') };
  });
  const after = validateIndexTexts(texts);
  expect(after.errors).toEqual([]);
  return { before: before.projects, after: after.projects, edited, graph: new DependencyGraph(after.projects) };
}

describe('a one-line edit of a CentOS-like index (205 entries)', () => {
  const plan = (seeds: readonly ProjectEntry[], graph: DependencyGraph, after: readonly ProjectEntry[]): string[] => {
    const cause = { kind: 'index-change' as const, message: 'Update to build configurations' };
    const planned = planCascade({
      id: 'index-test',
      cause,
      seeds: seeds.map((seed) => ({ entry: seed, cause })),
      graph,
      entries: new Map(after.map((known) => [imageName(known), known])),
      maxInFlight: 10,
      now: new Date('2026-12-06T00:00:00Z'),
    });
    return planned?.items.map((item) => item.name) ?? [];
  };

  it('is one build when diffed with the snapshot of the index before it', () => {
    const { before, after, edited, graph } = centosLikeIndex();
    const change = diffIndex(before, after);
    expect([change.added.length, names(change.changed), change.removed.length]).toEqual([0, [edited], 0]);
    expect(plan(change.changed, graph, after)).toEqual([edited]);
  });

  it('is one build without any snapshot when every image has a build record (205 first builds otherwise)', async () => {
    const { before, after, edited, graph } = centosLikeIndex();
    const raw = diffIndex([], after);
    expect(plan(raw.added, graph, after)).toHaveLength(205);
    const { change, unchanged, rebuilt } = await againstBuilds(raw, builtAs(...before));
    expect([names(change.added), names(change.changed), unchanged.length, rebuilt]).toEqual([[], [edited], 204, [edited]]);
    expect(plan([...change.added, ...change.changed], graph, after)).toEqual([edited]);
  });
});
