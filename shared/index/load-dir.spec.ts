import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CENTOS_INDEX as REAL_INDEX } from '../../test/__fixtures__/centos/paths';
import { IndexSourceError } from './errors';
import { loadIndexFromDir } from './load-dir';
import { imageName } from './types';

const FIXTURES = path.join(__dirname, '__fixtures__');

describe('loadIndexFromDir on the real CentOS index', () => {
  let index: Awaited<ReturnType<typeof loadIndexFromDir>>;
  beforeAll(async () => {
    index = await loadIndexFromDir(REAL_INDEX);
  });

  it('reads every file but the template, in sorted order', () => {
    expect(index.files).toHaveLength(33);
    expect(index.files).not.toContain('index_template.yaml');
    expect(index.files).toContain('janusgraph.yml');
    expect(index.files).toEqual([...index.files].sort());
  });

  it('finds exactly its real errors, by file, line, column and field', () => {
    expect(index.errors.map(({ file, line, column, field }) => ({ file, line, column, field }))).toEqual([
      // centos/centos:7 names itself as its parent.
      { file: 'centos.yaml', line: 264, column: 17, field: 'Projects[21].depends-on' },
      // Parents that no index file builds.
      { file: 'mattermost.yaml', line: 305, column: 17, field: 'Projects[23].depends-on' },
      { file: 'navidshaikh.yaml', line: 35, column: 17, field: 'Projects[2].depends-on' },
      { file: 'openshift.yaml', line: 14, column: 11, field: 'Projects[0].depends-on[1]' },
      { file: 'pipeline-images.yaml', line: 11, column: 17, field: 'Projects[0].depends-on' },
    ]);
    expect(index.errors[0]!.message).toEqual('dependency cycle: centos/centos:7 -> centos/centos:7 (the image depends on itself)');
    expect(index.errors[1]!.message).toMatch(/^sclo\/nodejs-6-centos7:latest is not an image of this index/);
    expect(index.errors[2]!.message).toMatch(/^openshift\/jenkins-slave-base-centos7:latest is not an image/);
    expect(index.errors[3]!.message).toMatch(/^openshift\/base-centos7:latest is not an image/);
  });

  it('warns about the misspelt build_context key', () => {
    expect(index.warnings).toEqual([
      {
        file: 'pipeline-images.yaml',
        line: 62,
        column: 5,
        field: 'Projects[3].build_context',
        message: 'unknown key "build_context" is ignored; did you mean "build-context"?',
      },
    ]);
  });

  it('loads every good entry: 205 entries, less the one that depends on itself', () => {
    expect(index.projects).toHaveLength(204);
    const names = index.projects.map(imageName);
    expect(new Set(names).size).toEqual(204);
    expect(names).not.toContain('centos/centos:7');
    // Entries with an unresolved parent are flagged but kept.
    expect(names).toEqual(expect.arrayContaining(['mattermost/penfold:latest', 'pipeline-images/ccp-openshift-slave:latest']));
  });

  it('keeps the five build contexts that climb back exactly to the repository root', () => {
    const climbing = index.projects
      .filter((entry) => entry.buildContext.startsWith('..'))
      .map((entry) => `${imageName(entry)} ${entry.gitPath} ${entry.buildContext}`);
    expect(climbing).toEqual([
      'centos/mysql-80-centos7:latest 8.0/ ../',
      'navidshaikh/ccp-api-server:latest /Dockerfiles/ccp-api-server/ ../../',
      'navidshaikh/ccp-openshift-slave:new-scanners /Dockerfiles/ccp-openshift-slave/ ../../',
      'pipeline-images/ccp-openshift-slave:latest /Dockerfiles/ccp-openshift-slave ../../',
      'pipeline-images/ccp-api-server:latest /Dockerfiles/ccp-api-server/ ../../',
    ]);
  });

  it('reads numeric tags as written and e-mail as a list', () => {
    const kibana = index.projects.find((entry) => imageName(entry) === 'rhsyseng/kibana:6.2.1');
    expect(kibana).toMatchObject({ id: 3, gitBranch: '6.2.x', gitPath: '/', notifyEmail: ['aos-aie@redhat.com'], dependsOn: ['centos/centos:7'] });
    expect(kibana!.source).toEqual({ file: 'rhsyseng.yaml', line: 26 });
    const heketi = index.projects.find((entry) => imageName(entry) === 'gluster/storagesig-heketi:testing');
    expect(heketi).toMatchObject({ prebuildScript: './prepare-build.sh', prebuildContext: 'extras/docker/centos' });
  });
});

describe('loadIndexFromDir on small fixtures', () => {
  it('loads a clean index, skipping the template and files that are not YAML', async () => {
    const index = await loadIndexFromDir(path.join(FIXTURES, 'good'));
    expect(index.files).toEqual(['apps.yml', 'base.yaml']);
    expect(index.errors).toEqual([]);
    expect(index.warnings).toEqual([]);
    expect(index.externalImages).toEqual(['upstream/runtime:2']);
    expect(index.projects.map(imageName)).toEqual(['apps/web:latest', 'base/os:9', 'base/python:3.12']);
    expect(index.projects[2]).toEqual({
      id: 2,
      appId: 'base',
      jobId: 'python',
      gitUrl: 'https://example.com/base/python.git',
      gitBranch: 'main',
      gitPath: 'images/python/3',
      targetFile: 'Dockerfile.centos',
      desiredTag: '3.12',
      notifyEmail: ['python@example.com', 'base@example.com'],
      buildContext: '../../',
      prebuildScript: './fetch.sh',
      prebuildContext: 'images',
      dependsOn: ['base/os:9', 'registry.example.org/tools/builder:1.0'],
      source: { file: 'base.yaml', line: 15 },
    });
  });

  it('reads index.d/ of a repository checkout and names files from the checkout', async () => {
    const index = await loadIndexFromDir(path.join(FIXTURES, 'repo-layout'));
    expect(index.files).toEqual(['index.d/solo.yaml']);
    expect(index.projects.map((entry) => entry.source)).toEqual([{ file: 'index.d/solo.yaml', line: 2 }]);
    expect(index.errors).toEqual([]);
  });

  it('reports every problem of a broken index and still loads its good entries', async () => {
    const index = await loadIndexFromDir(path.join(FIXTURES, 'broken'));
    expect(index.errors.map(({ file, line, field }) => `${file}:${line} ${field}`)).toEqual([
      'alpha.yaml:2 Projects[0].git-branch',
      'alpha.yaml:13 Projects[1].id',
      'alpha.yaml:25 Projects[2].app-id',
      'alpha.yaml:32 Projects[2].notify-email',
      'alpha.yaml:44 Projects[3].depends-on',
      'alpha.yaml:66 Projects[5].build-context',
      'beta.yaml:2 Projects[0].job-id',
      'beta.yaml:11 Projects[0].depends-on',
      'beta.yml:2 Projects[0].job-id',
      'syntax.yaml:5 ',
    ]);
    expect(index.errors.find((issue) => issue.field === 'Projects[3].depends-on')!.message).toEqual(
      'dependency cycle: alpha/loop-a:latest -> alpha/loop-b:latest -> alpha/loop-a:latest',
    );
    expect(index.errors.find((issue) => issue.file === 'beta.yml')!.message).toEqual('image beta/two:latest is already defined at beta.yaml:2 (Projects[0])');
    expect(index.warnings.map(({ file, line, column, field }) => `${file}:${line}:${column} ${field}`)).toEqual(['alpha.yaml:6:5 Projects[0].git-brach']);
    // The first beta/two loads (with its unresolved parent flagged); its duplicate and the loop do not.
    expect(index.projects.map(imageName)).toEqual(['beta/two:latest']);
    expect(index.projects[0]!.gitUrl).toEqual('https://example.com/beta.git');
  });

  it('reports a folder without index files as an error', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'ccp-index-empty-'));
    try {
      const index = await loadIndexFromDir(empty);
      expect(index.projects).toEqual([]);
      expect(index.errors).toEqual([{ file: '.', line: 1, column: 1, field: '', message: `no index files (*.yaml, *.yml) in ${empty}` }]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('throws IndexSourceError for a folder that does not exist', async () => {
    const missing = path.join(FIXTURES, 'no-such-folder');
    await expect(loadIndexFromDir(missing)).rejects.toThrow(new IndexSourceError(`${missing} is not a folder`, missing));
  });
});
