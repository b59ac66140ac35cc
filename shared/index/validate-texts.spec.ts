import { imageName, type IndexIssue } from './types';
import { validateIndexTexts } from './validate-texts';

/** A valid entry of `app.yaml`; each value is raw YAML, `null` leaves the key out. */
const BASE: Record<string, string> = {
  id: '1',
  'app-id': 'app',
  'job-id': 'web',
  'git-url': 'https://example.com/app.git',
  'git-branch': 'main',
  'git-path': 'web',
  'target-file': 'Dockerfile',
  'desired-tag': 'latest',
  'notify-email': 'team@example.com',
  'build-context': './',
  'depends-on': 'null',
};

/** `app.yaml` with one entry: BASE changed by `changes`; the entry's keys start on line 2. */
function entryFile(changes: Record<string, string | null> = {}): string {
  const keys = { ...BASE, ...changes };
  const lines = Object.entries(keys)
    .filter((pair): pair is [string, string] => pair[1] !== null)
    .map(([key, value], i) => `${i === 0 ? '  - ' : '    '}${key}: ${value}`);
  return `Projects:\n${lines.join('\n')}\n`;
}

const brief = (issues: IndexIssue[]) => issues.map(({ line, field, message }) => ({ line, field, message }));

describe('validateIndexTexts: one entry, one rule at a time', () => {
  it('loads the base entry with no issue', () => {
    const index = validateIndexTexts([{ file: 'app.yaml', text: entryFile() }]);
    expect(index.errors).toEqual([]);
    expect(index.warnings).toEqual([]);
    expect(index.projects.map(imageName)).toEqual(['app/web:latest']);
  });

  it.each([
    ['a missing required key', { 'job-id': null }, 2, 'Projects[0].job-id', 'required key "job-id" is missing'],
    ['an empty required value', { 'git-branch': "''" }, 6, 'Projects[0].git-branch', 'must not be empty'],
    ['a null required value', { 'target-file': 'null' }, 8, 'Projects[0].target-file', 'must not be empty'],
    ['a list where a string belongs', { 'git-url': '[a, b]' }, 5, 'Projects[0].git-url', 'must be a string, not a list'],
    ['an id that is not an integer', { id: 'one' }, 2, 'Projects[0].id', 'must be a non-negative integer, not "one"'],
    ['a fractional id', { id: '1.5' }, 2, 'Projects[0].id', 'must be a non-negative integer, not "1.5"'],
    ['an app-id other than the file stem', { 'app-id': 'other' }, 3, 'Projects[0].app-id', '"other" must equal the file name\'s stem "app"'],
    [
      'an invalid image name',
      { 'job-id': 'Web Server' },
      4,
      'Projects[0].job-id',
      '"app/Web Server" is not a valid image name (lower-case letters, digits, ".", "_", "-", "/")',
    ],
    [
      'an invalid tag',
      { 'desired-tag': "'v1 beta'" },
      9,
      'Projects[0].desired-tag',
      '"v1 beta" is not a valid image tag ([A-Za-z0-9_][A-Za-z0-9._-]*, at most 128)',
    ],
    [
      'a git URL without a scheme',
      { 'git-url': 'github.com/x/y' },
      5,
      'Projects[0].git-url',
      '"github.com/x/y" is not a git URL (https://, git://, ssh://, file://, user@host:path or an absolute local path)',
    ],
    ['a bad e-mail address', { 'notify-email': 'nobody' }, 10, 'Projects[0].notify-email', '"nobody" is not an e-mail address'],
    [
      'two addresses in one string',
      { 'notify-email': "'a@example.com, b@example.com'" },
      10,
      'Projects[0].notify-email',
      '"a@example.com, b@example.com" is not an e-mail address; list several addresses as a YAML list',
    ],
    [
      'a bad address in a list',
      { 'notify-email': '[a@example.com, b-at-example.com]' },
      10,
      'Projects[0].notify-email[1]',
      '"b-at-example.com" is not an e-mail address',
    ],
    ['an empty address list', { 'notify-email': '[]' }, 10, 'Projects[0].notify-email', 'must list at least one address'],
    [
      'a prebuild script without context',
      { 'prebuild-script': 'build.sh' },
      13,
      'Projects[0].prebuild-script',
      'prebuild-script needs prebuild-context (the folder, from the repository root, it runs in)',
    ],
    ['depends-on as a mapping', { 'depends-on': '{a: b}' }, 12, 'Projects[0].depends-on', 'must be null, "ns/name:tag" or a list of them, not a mapping'],
    [
      'depends-on without namespace',
      { 'depends-on': 'centos:7' },
      12,
      'Projects[0].depends-on',
      '"centos:7" is neither an index image "ns/name:tag" nor a full reference with a registry host',
    ],
    [
      'depends-on with a bad item',
      { 'depends-on': '[app/base:1, "not an image"]' },
      12,
      'Projects[0].depends-on[1]',
      '"not an image" is neither an index image "ns/name:tag" nor a full reference with a registry host',
    ],
    [
      'an absolute target-file',
      { 'target-file': '/etc/Dockerfile' },
      8,
      'Projects[0].target-file',
      '"/etc/Dockerfile" is absolute; it must be relative to git-path',
    ],
    ['an absolute build-context', { 'build-context': '/srv' }, 11, 'Projects[0].build-context', '"/srv" is absolute; it must be relative to git-path'],
    ['a git-path above the root', { 'git-path': '../other' }, 7, 'Projects[0].git-path', '"../other" leaves the repository'],
    [
      'a target-file above the root',
      { 'target-file': '../../Dockerfile' },
      8,
      'Projects[0].target-file',
      '"../../Dockerfile" relative to git-path "web" leaves the repository',
    ],
    [
      'a build-context above the root',
      { 'build-context': '../..' },
      11,
      'Projects[0].build-context',
      '"../.." relative to git-path "web" leaves the repository',
    ],
    [
      'a prebuild-context above the root',
      { 'prebuild-script': 'x.sh', 'prebuild-context': '../up' },
      14,
      'Projects[0].prebuild-context',
      '"../up" leaves the repository',
    ],
    [
      'a prebuild-script above the root',
      { 'prebuild-script': '../../x.sh', 'prebuild-context': 'tools' },
      13,
      'Projects[0].prebuild-script',
      '"../../x.sh" relative to prebuild-context "tools" leaves the repository',
    ],
    [
      'an absolute prebuild-script',
      { 'prebuild-script': '/bin/x.sh', 'prebuild-context': 'tools' },
      13,
      'Projects[0].prebuild-script',
      '"/bin/x.sh" is absolute; it must be relative to prebuild-context',
    ],
  ])('rejects %s', (_rule, changes, line, field, message) => {
    const index = validateIndexTexts([{ file: 'app.yaml', text: entryFile(changes) }]);
    expect(brief(index.errors)).toEqual([{ line, field, message }]);
    expect(index.projects).toEqual([]);
  });

  it.each([
    ['a misspelt key', { 'git-brach': 'main' }, 13, 'Projects[0].git-brach', 'unknown key "git-brach" is ignored; did you mean "git-branch"?'],
    ['an unrelated unknown key', { owner: 'me' }, 13, 'Projects[0].owner', 'unknown key "owner" is ignored'],
    ['a missing git-path', { 'git-path': null }, 2, 'Projects[0].git-path', 'git-path is missing; the Dockerfile is looked for at the repository root'],
    [
      'a prebuild-context without script',
      { 'prebuild-context': 'tools' },
      13,
      'Projects[0].prebuild-context',
      'prebuild-context has no effect without prebuild-script',
    ],
    ['a parent without tag', { 'depends-on': 'app-base/base' }, 12, 'Projects[0].depends-on', '"app-base/base" has no tag; read as "app-base/base:latest"'],
    [
      'a parent listed twice',
      { 'depends-on': '[registry.example.org/a/b:1, registry.example.org/a/b:1]' },
      12,
      'Projects[0].depends-on[1]',
      '"registry.example.org/a/b:1" is listed twice',
    ],
  ])('warns about %s and still loads the entry', (_rule, changes, line, field, message) => {
    const other =
      'Projects:\n  - id: 1\n    app-id: app\n    job-id: base\n    git-url: https://example.com/base.git\n    git-branch: main\n    target-file: Dockerfile\n    git-path: /\n    desired-tag: latest\n    notify-email: base@example.com\n    depends-on: null\n';
    const index = validateIndexTexts([
      { file: 'app.yaml', text: entryFile(changes) },
      { file: 'app-base.yaml', text: other.replaceAll('app-id: app', 'app-id: app-base') },
    ]);
    expect(index.errors.filter((issue) => issue.file === 'app.yaml')).toEqual([]);
    expect(brief(index.warnings)).toEqual([{ line, field, message }]);
    expect(index.projects.map(imageName)).toContain('app/web:latest');
  });

  it.each([
    ['a YAML number as tag keeps its spelling', { 'desired-tag': '8.10' }, { desiredTag: '8.10' }],
    ['a leading slash in git-path means the repository root', { 'git-path': '/python/3/' }, { gitPath: '/python/3/' }],
    ['a missing build-context defaults to ./', { 'build-context': null }, { buildContext: './' }],
    ['"null" as depends-on means no parent', { 'depends-on': "'null'" }, { dependsOn: [] }],
    ['a full reference is external by construction', { 'depends-on': 'quay.io/centos/centos:stream9' }, { dependsOn: ['quay.io/centos/centos:stream9'] }],
    ['several addresses as a list', { 'notify-email': '[a@example.com, b@example.org]' }, { notifyEmail: ['a@example.com', 'b@example.org'] }],
    ['a local path as git URL', { 'git-url': '/srv/git/app.git' }, { gitUrl: '/srv/git/app.git' }],
    [
      'a prebuild script in the repository root',
      { 'prebuild-script': 'hooks/pre', 'prebuild-context': '/' },
      { prebuildScript: 'hooks/pre', prebuildContext: '/' },
    ],
  ])('accepts %s', (_rule, changes, expected) => {
    const index = validateIndexTexts([{ file: 'app.yaml', text: entryFile(changes) }]);
    expect(index.errors).toEqual([]);
    expect(index.projects).toEqual([expect.objectContaining(expected)]);
  });
});

describe('validateIndexTexts: file structure', () => {
  it.each([
    [
      'a YAML syntax error',
      'Projects:\n  - id: 1\n    job-id: [open\n',
      4,
      '',
      'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    ['no Projects key', 'projects: []\n', 1, 'Projects', 'the file has no "Projects:" list'],
    ['Projects that is not a list', 'Projects:\n  id: 1\n', 2, 'Projects', 'must be a list of entries'],
    ['a file that is a list', '- id: 1\n', 1, 'Projects', 'the file must be a mapping with a "Projects:" list'],
    ['an entry that is not a mapping', 'Projects:\n  - just text\n', 2, 'Projects[0]', 'must be a mapping of index keys (id, app-id, job-id, ...)'],
    [
      'a key given twice',
      entryFile().replace('    git-branch: main\n', '    git-branch: main\n    git-branch: dev\n'),
      7,
      'Projects[0].git-branch',
      'key "git-branch" appears twice in this entry',
    ],
    ['External-Images that is not a list', `External-Images: a/b:1\n${entryFile()}`, 1, 'External-Images', 'must be a list of images ("ns/name:tag")'],
    [
      'a bad External-Images item',
      `External-Images: ["no"]\n${entryFile()}`,
      1,
      'External-Images[0]',
      'must be an image name "ns/name:tag" or a full reference',
    ],
  ])('reports %s', (_rule, text, line, field, message) => {
    const index = validateIndexTexts([{ file: 'app.yaml', text }]);
    expect(brief(index.errors)).toEqual([{ line, field, message }]);
  });

  it('warns about an unknown top-level key with a suggestion', () => {
    const index = validateIndexTexts([{ file: 'app.yaml', text: `${entryFile()}External-Image: [a/b:1]\n` }]);
    expect(brief(index.warnings)).toEqual([
      { line: 13, field: 'External-Image', message: 'unknown top-level key "External-Image" is ignored; did you mean "External-Images"?' },
    ]);
    expect(index.projects).toHaveLength(1);
  });

  it('stops only the file with a syntax error', () => {
    const index = validateIndexTexts([
      { file: 'bad.yaml', text: 'Projects: [\n' },
      { file: 'app.yaml', text: entryFile() },
    ]);
    expect(index.errors.map((issue) => issue.file)).toEqual(['bad.yaml']);
    expect(index.projects.map(imageName)).toEqual(['app/web:latest']);
  });

  it('reports the column of the offending value', () => {
    const index = validateIndexTexts([{ file: 'app.yaml', text: entryFile({ 'notify-email': '[ok@example.com,   bad]' }) }]);
    expect(index.errors).toEqual([{ file: 'app.yaml', line: 10, column: 38, field: 'Projects[0].notify-email[1]', message: '"bad" is not an e-mail address' }]);
  });
});

describe('validateIndexTexts: across the index', () => {
  const app = (jobId: string, dependsOn: string, id = 1) => entryFile({ id: String(id), 'job-id': jobId, 'depends-on': dependsOn }).replace('Projects:\n', '');
  const file = (...entries: string[]) => `Projects:\n${entries.join('')}`;

  it.each([
    ['an index parent', file(app('base', 'null'), app('web', 'app/base:latest', 2)), []],
    ['a parent declared external', `External-Images: [upstream/base:1]\n${file(app('web', 'upstream/base:1'))}`, []],
    ['a full reference', file(app('web', 'registry.example.org/upstream/base:1')), []],
    [
      'an unresolved parent',
      file(app('web', 'upstream/base:1')),
      [
        'Projects[0].depends-on upstream/base:1 is not an image of this index; declare it under External-Images if it is built elsewhere, or use its full reference with the registry host',
      ],
    ],
    [
      'a near-miss parent',
      file(app('base', 'null'), app('web', 'app/bsae:latest', 2)),
      [
        'Projects[1].depends-on app/bsae:latest is not an image of this index; did you mean app/base:latest? declare it under External-Images if it is built elsewhere, or use its full reference with the registry host',
      ],
    ],
    [
      'a self-dependency',
      file(app('web', 'app/web:latest')),
      ['Projects[0].depends-on dependency cycle: app/web:latest -> app/web:latest (the image depends on itself)'],
    ],
    [
      'a three-image loop',
      file(app('a', 'app/b:latest', 1), app('b', 'app/c:latest', 2), app('c', 'app/a:latest', 3)),
      ['Projects[0].depends-on dependency cycle: app/a:latest -> app/b:latest -> app/c:latest -> app/a:latest'],
    ],
  ])('checks depends-on: %s', (_case, text, expected) => {
    const index = validateIndexTexts([{ file: 'app.yaml', text }]);
    expect(index.errors.map((issue) => `${issue.field} ${issue.message}`)).toEqual(expected);
  });

  it('leaves out the images of a loop but keeps their other children', () => {
    const index = validateIndexTexts([{ file: 'app.yaml', text: file(app('a', 'app/b:latest', 1), app('b', 'app/a:latest', 2), app('c', 'app/a:latest', 3)) }]);
    expect(index.projects.map(imageName)).toEqual(['app/c:latest']);
  });

  it('reports both places of an image defined twice and loads the first', () => {
    const twice = file(app('web', 'null', 1), app('web', 'null', 2));
    const index = validateIndexTexts([{ file: 'app.yaml', text: twice }]);
    expect(brief(index.errors)).toEqual([
      { line: 2, field: 'Projects[0].job-id', message: 'image app/web:latest is defined again at app.yaml:13 (Projects[1])' },
      { line: 13, field: 'Projects[1].job-id', message: 'image app/web:latest is already defined at app.yaml:2 (Projects[0])' },
    ]);
    expect(index.projects.map((entry) => entry.id)).toEqual([1]);
  });

  it('warns when an index image is also declared external', () => {
    const index = validateIndexTexts([{ file: 'app.yaml', text: `External-Images: [app/web:latest]\n${entryFile()}` }]);
    expect(brief(index.warnings)).toEqual([
      { line: 1, field: 'External-Images[0]', message: 'app/web:latest is an image of this index; it need not be declared external' },
    ]);
  });
});
