/**
 * Schemas for the kinds of deploy/ that no generated model covers: the Prometheus Operator's
 * PrometheusRule and PodMonitor (`monitoring.coreos.com/v1`). OpenShift's Route and
 * SecurityContextConstraints are checked against their published CRDs (`__fixtures__/crds/`).
 * These restate the required fields and shapes of each CRD's openAPIV3Schema that our manifests
 * use; `crdProblems` reads them.
 * @see https://github.com/prometheus-operator/prometheus-operator/blob/main/Documentation/api.md
 */
const DNS_1123 = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const metadata = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: DNS_1123 }, namespace: { type: 'string', pattern: DNS_1123 } },
};
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const DURATION = '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$';

function object(required: string[], properties: Record<string, unknown>, closed = true): Record<string, unknown> {
  return { type: 'object', required, properties, ...(closed ? { additionalProperties: false } : {}) };
}

const rule = {
  type: 'object',
  required: ['expr'],
  oneOf: [{ required: ['alert'] }, { required: ['record'] }],
  additionalProperties: false,
  properties: {
    alert: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' },
    record: { type: 'string', pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' },
    expr: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer' }] },
    for: { type: 'string', pattern: DURATION },
    keep_firing_for: { type: 'string', pattern: DURATION },
    labels: stringMap,
    annotations: stringMap,
  },
};

export const DEPLOY_SCHEMAS: Record<string, Record<string, unknown>> = {
  'monitoring.coreos.com/v1/PrometheusRule': object(['apiVersion', 'kind', 'metadata', 'spec'], {
    apiVersion: {},
    kind: {},
    metadata,
    spec: object(['groups'], {
      groups: {
        type: 'array',
        minItems: 1,
        items: object(['name', 'rules'], {
          name: { type: 'string', minLength: 1 },
          interval: { type: 'string', pattern: DURATION },
          rules: { type: 'array', minItems: 1, items: rule },
        }),
      },
    }),
  }),
  'monitoring.coreos.com/v1/PodMonitor': object(['apiVersion', 'kind', 'metadata', 'spec'], {
    apiVersion: {},
    kind: {},
    metadata,
    spec: object(['selector', 'podMetricsEndpoints'], {
      selector: object([], { matchLabels: stringMap, matchExpressions: { type: 'array' } }),
      namespaceSelector: { type: 'object' },
      podMetricsEndpoints: {
        type: 'array',
        minItems: 1,
        items: object([], {
          port: { type: 'string', minLength: 1 },
          path: { type: 'string', pattern: '^/' },
          interval: { type: 'string', pattern: DURATION },
          scheme: { enum: ['http', 'https'] },
        }),
      },
    }),
  }),
};
