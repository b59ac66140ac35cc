import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { crdSchemasIn } from './crd-json-schema';
import { DEPLOY_SCHEMAS } from './deploy-schemas';

/**
 * Schemas for the sources whose CRDs `@kubernetes-models/knative` does not ship: the GitHubSource
 * of knative-extensions/eventing-github and the GitLabSource of eventing-gitlab (both
 * `sources.knative.dev/v1alpha1`, used by eventing/sources/). They restate the required fields,
 * enums and shapes of each CRD's openAPIV3Schema, so a typo in those manifests fails here as it
 * would fail `kubectl apply`. Add a kind here only when no generated model exists for it.
 * @see https://github.com/knative-extensions/eventing-github/blob/main/config/core/300-githubsource.yaml
 * @see https://github.com/knative-extensions/eventing-gitlab/blob/main/config/300-gitlabsource.yaml
 */
const secretKeyRef = {
  type: 'object',
  required: ['secretKeyRef'],
  properties: {
    secretKeyRef: { type: 'object', required: ['name', 'key'], properties: { name: { type: 'string', minLength: 1 }, key: { type: 'string', minLength: 1 } } },
  },
};

const sink = {
  type: 'object',
  oneOf: [{ required: ['ref'] }, { required: ['uri'] }],
  properties: {
    ref: {
      type: 'object',
      required: ['apiVersion', 'kind', 'name'],
      properties: {
        apiVersion: { type: 'string', minLength: 1 },
        kind: { type: 'string', minLength: 1 },
        name: { type: 'string', minLength: 1 },
        namespace: { type: 'string', minLength: 1 },
      },
    },
    uri: { type: 'string', pattern: '^https?://' },
  },
};

const GITHUB_EVENT_TYPES = [
  'check_suite',
  'commit_comment',
  'create',
  'delete',
  'deployment',
  'deployment_status',
  'fork',
  'gollum',
  'installation',
  'integration_installation',
  'issue_comment',
  'issues',
  'label',
  'member',
  'membership',
  'milestone',
  'organization',
  'org_block',
  'page_build',
  'ping',
  'project_card',
  'project_column',
  'project',
  'public',
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
  'push',
  'release',
  'repository',
  'status',
  'team',
  'team_add',
  'watch',
];

const GITLAB_EVENT_TYPES = [
  'confidential_issues_events',
  'confidential_note_events',
  'deployment_events',
  'issues_events',
  'job_events',
  'merge_requests_events',
  'note_events',
  'pipeline_events',
  'push_events',
  'tag_push_events',
  'wiki_page_events',
];

function resource(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' } } },
      spec,
    },
  };
}

const SCHEMAS: Record<string, Record<string, unknown>> = {
  'sources.knative.dev/v1alpha1/GitHubSource': resource({
    type: 'object',
    required: ['ownerAndRepository', 'eventTypes', 'accessToken', 'secretToken'],
    additionalProperties: false,
    properties: {
      ownerAndRepository: { type: 'string', pattern: '^[^/\\s]+(/[^/\\s]+)?$' },
      eventTypes: { type: 'array', minItems: 1, items: { enum: GITHUB_EVENT_TYPES } },
      accessToken: secretKeyRef,
      secretToken: secretKeyRef,
      githubAPIURL: { type: 'string' },
      serviceAccountName: { type: 'string' },
      ceOverrides: {
        type: 'object',
        required: ['extensions'],
        properties: { extensions: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } } },
      },
      sink,
    },
  }),
  'sources.knative.dev/v1alpha1/GitLabSource': resource({
    type: 'object',
    required: ['projectUrl', 'eventTypes', 'accessToken', 'secretToken', 'sink'],
    additionalProperties: false,
    properties: {
      projectUrl: { type: 'string', pattern: '^https?://' },
      eventTypes: { type: 'array', minItems: 1, items: { enum: GITLAB_EVENT_TYPES } },
      accessToken: secretKeyRef,
      secretToken: secretKeyRef,
      sslverify: { type: 'boolean' },
      serviceAccountName: { type: 'string' },
      sink,
    },
  }),
};

// deploy/'s monitoring and OpenShift kinds.
Object.assign(SCHEMAS, DEPLOY_SCHEMAS);
// Published CRDs kept whole (required lists included): __fixtures__/crds/*.crd.yaml. To refresh
// one, take the file named in its header from a newer commit and drop its `description` keys.
Object.assign(SCHEMAS, crdSchemasIn(path.join(__dirname, '__fixtures__', 'crds')));

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const compiled = new Map<string, ValidateFunction>();

/**
 * The problems of `object` against the schema of its CRD above, in the shape the generated
 * models report (`GitHubSource: data/spec/eventTypes/0 must be equal to one of the allowed
 * values`); `null` when no schema is kept here for its apiVersion and kind.
 */
export function crdProblems(object: Record<string, unknown>): string[] | null {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const schema = SCHEMAS[key];
  if (!schema) return null;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  const kind = String(object.kind);
  if (validate(object)) return [];
  return (validate.errors ?? []).map((error) => `${kind}: data${error.instancePath} ${error.message ?? 'is invalid'}`);
}
