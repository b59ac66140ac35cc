import path from 'node:path';
import { packageRoot } from '../../shared/config/package-root';
import { schemaProblems } from './model-registry';
import { readDocuments, readManifestDocuments, type ManifestDocument } from './read-manifests';

const ROOT = packageRoot();
/** What `kubectl apply -f` takes from this repository. */
const MANIFEST_DIRS = ['eventing', 'deploy'];
const documents = readManifestDocuments(ROOT, MANIFEST_DIRS);

function problemsOf(document: ManifestDocument): string[] {
  if (document.errors.length > 0) return document.errors.map((error) => `YAML ${error}`);
  if (!document.object) return ['is not a mapping'];
  return schemaProblems(document.object);
}

describe('manifests validate against their Kubernetes / Knative schemas', () => {
  it('finds the eventing manifests', () => {
    expect(documents.map((document) => document.file)).toEqual(
      expect.arrayContaining(['eventing/broker.yaml', 'eventing/triggers/lint.yaml', 'eventing/terminal-types.yaml']),
    );
  });

  it.each(documents.map((document) => [document.where, document] as const))('%s', (_where, document) => {
    expect({ where: document.where, kind: document.object?.kind, problems: problemsOf(document) }).toEqual({
      where: document.where,
      kind: document.object?.kind,
      problems: [],
    });
  });
});

describe('the schema check itself', () => {
  const fixtures = path.join(__dirname, '__fixtures__');

  it('names the kind, the failing path, or the missing schema of each broken document', () => {
    expect(readDocuments(fixtures, 'broken.yaml').map((document) => [document.where, problemsOf(document)])).toEqual([
      ['broken.yaml:2', ['Trigger: data/spec/broker must be string']],
      ['broken.yaml:14', ['Broker: data/spec/delivery/retry must be integer']],
      ['broken.yaml:22', ['no schema for apiVersion "example.org/v1" kind "Widget"']],
      ['broken.yaml:27', ['no schema for apiVersion "undefined" kind "Trigger"']],
      ['broken.yaml:31', []],
    ]);
  });

  it('reports YAML syntax errors with line and column', () => {
    const [document] = readDocuments(fixtures, 'syntax.yaml');
    expect(problemsOf(document!)).toEqual([expect.stringMatching(/^YAML 5:1 Flow sequence/)]);
  });
});

describe('published CRDs are checked with every field they require', () => {
  const scc = (): Record<string, unknown> => {
    const [document] = readDocuments(ROOT, 'deploy/overlays/openshift/cluster/buildah-scc.yaml');
    return structuredClone(document!.object!);
  };

  it.each([
    ['priority', "SecurityContextConstraints: data must have required property 'priority'"],
    ['volumes', "SecurityContextConstraints: data must have required property 'volumes'"],
    ['allowedCapabilities', "SecurityContextConstraints: data must have required property 'allowedCapabilities'"],
    ['requiredDropCapabilities', "SecurityContextConstraints: data must have required property 'requiredDropCapabilities'"],
  ])('refuses the SCC without %s', (field, problem) => {
    const object = scc();
    delete object[field];
    expect(schemaProblems(object)).toEqual([problem]);
  });

  it.each([
    ['a priority that is no integer', { priority: 'high' }, 'SecurityContextConstraints: data/priority must be integer,null'],
    ['an unknown field', { allowHostDir: false }, 'SecurityContextConstraints: data must NOT have additional properties'],
    ['a uid that is no number', { runAsUser: { type: 'MustRunAs', uid: 'root' } }, 'SecurityContextConstraints: data/runAsUser/uid must be integer'],
  ])('refuses %s', (_case, change, problem) => {
    expect(schemaProblems({ ...scc(), ...change })).toEqual([problem]);
  });

  it('takes the committed SCC as it is', () => {
    expect(schemaProblems(scc())).toEqual([]);
  });
});
