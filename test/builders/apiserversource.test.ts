import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiServerSource } from '@kubernetes-models/knative/sources.knative.dev/v1/ApiServerSource';
import { parse } from 'yaml';
import { packageRoot } from '../../shared/config/package-root';
import { LABELS } from '../../functions/build/builders/kubernetes/labels';
import { buildJob } from '../../functions/build/builders/kubernetes/job';
import { sampleSpec, SETTINGS } from '../../functions/build/builders/kubernetes/__fixtures__/build-spec';

const FILE = path.join(packageRoot(), 'eventing', 'sources', 'apiserversource-build-jobs.yaml');

interface SourceShape {
  spec: {
    mode: string;
    serviceAccountName: string;
    resources: Array<{ apiVersion: string; kind: string; selector: { matchExpressions: Array<{ key: string; operator: string }> } }>;
    sink: { ref: { kind: string; name: string } };
  };
}

describe('the ApiServerSource of the build Jobs', () => {
  const source = parse(readFileSync(FILE, 'utf8')) as SourceShape;

  it('validates against the Knative schema', () => {
    expect(() => new ApiServerSource(source as unknown as ConstructorParameters<typeof ApiServerSource>[0]).validate()).not.toThrow();
  });

  it('sends whole Job objects to the Broker ccp with its own ServiceAccount', () => {
    expect({ mode: source.spec.mode, serviceAccountName: source.spec.serviceAccountName, sink: source.spec.sink.ref }).toEqual({
      mode: 'Resource',
      serviceAccountName: 'ccp-apiserver-source',
      sink: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'ccp' },
    });
  });

  it('watches exactly the Jobs the kubernetes backend labels as builds', () => {
    expect(source.spec.resources).toEqual([
      { apiVersion: 'batch/v1', kind: 'Job', selector: { matchExpressions: [{ key: LABELS.buildId, operator: 'Exists' }] } },
    ]);
    const job = buildJob(sampleSpec(), SETTINGS);
    expect(Object.keys(job.metadata!.labels!)).toContain(source.spec.resources[0]!.selector.matchExpressions[0]!.key);
  });
});
