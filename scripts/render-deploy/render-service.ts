import type { FunctionDefinition } from '../../shared/function/types';
import { SERVICE_PREFIX } from '../../shared/runtime/load-triggers';
import { profileOf, type ServiceProfile } from './profiles';

/** Labels every object of the service carries; the PodMonitor selects pods by the first. */
export const PART_OF = { 'app.kubernetes.io/part-of': 'ccp' } as const;
export const CONFIG_MAP = 'ccp-config';
export const SECRET = 'ccp-secrets';
export const PORT = 8080;
/** The ConfigMap with the issuer's keys (`jwks.json`) and where each function sees it (docs/admin-guide.md, "Who may send events"). */
export const OIDC_JWKS_CONFIG_MAP = 'ccp-oidc-jwks';
export const OIDC_JWKS_DIR = '/etc/ccp/oidc';
/** Where a function sees the keys of `ccp-secrets` it reads as files (its profile's `secretFiles`). */
export const SECRET_FILES_DIR = '/etc/ccp/secrets';

/**
 * A function other clients reach from outside the cluster: only one whose profile says
 * `exposure: 'public'` (the gateway's webhooks). Every other Service is cluster-local.
 * @see https://knative.dev/docs/serving/services/private-services/
 */
export function isPublic(definition: FunctionDefinition): boolean {
  return profileOf(definition.name).exposure === 'public';
}

/**
 * The Knative Service `ccp-<name>` of one function: the one image with `FUNCTION=<name>`, scale
 * to zero, its profile's concurrency, resources and account, settings from the ConfigMap
 * `ccp-config` and only its own keys of the Secret `ccp-secrets`, the health probes of the
 * function server, and no exposure outside the cluster unless it is public.
 * @see https://knative.dev/docs/serving/reference/serving-api/#serving.knative.dev/v1.Service
 * @see https://knative.dev/docs/serving/services/private-services/
 */
export function renderService(definition: FunctionDefinition, profile: ServiceProfile, image: string): Record<string, unknown> {
  const name = `${SERVICE_PREFIX}${definition.name}`;
  const labels = { ...PART_OF, 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': definition.name };
  // No port: Knative probes the container's one port through its queue-proxy.
  const probe = (path: string): Record<string, unknown> => ({ httpGet: { path } });
  const secretFiles = profile.secretFiles ?? [];
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name,
      labels: profile.exposure === 'public' ? labels : { ...labels, 'networking.knative.dev/visibility': 'cluster-local' },
    },
    spec: {
      template: {
        metadata: {
          labels,
          annotations: {
            'autoscaling.knative.dev/min-scale': '0',
            'autoscaling.knative.dev/max-scale': String(profile.maxScale),
            'autoscaling.knative.dev/metric': 'concurrency',
            'autoscaling.knative.dev/target': String(profile.target),
          },
        },
        spec: {
          serviceAccountName: profile.serviceAccountName,
          containerConcurrency: profile.containerConcurrency,
          timeoutSeconds: profile.timeoutSeconds,
          volumes: [
            { name: 'oidc-jwks', configMap: { name: OIDC_JWKS_CONFIG_MAP, optional: true } },
            ...(secretFiles.length > 0
              ? [{ name: 'secret-files', secret: { secretName: SECRET, optional: true, items: secretFiles.map(({ key, path }) => ({ key, path })) } }]
              : []),
          ],
          containers: [
            {
              name: 'function',
              image,
              ports: [{ name: 'http1', containerPort: PORT }],
              env: [
                { name: 'FUNCTION', value: definition.name },
                ...profile.secrets.map((secret) => ({
                  name: secret.name,
                  valueFrom: { secretKeyRef: { name: SECRET, key: secret.name, ...(secret.optional ? { optional: true } : {}) } },
                })),
              ],
              envFrom: [{ configMapRef: { name: CONFIG_MAP } }],
              // The cluster issuer's JWKS for sender identity (CCP_SENDER_AUTH=oidc); optional, so absent until an admin makes it.
              volumeMounts: [
                { name: 'oidc-jwks', mountPath: OIDC_JWKS_DIR, readOnly: true },
                ...(secretFiles.length > 0 ? [{ name: 'secret-files', mountPath: SECRET_FILES_DIR, readOnly: true }] : []),
              ],
              resources: { requests: { ...profile.requests }, limits: { ...profile.limits } },
              livenessProbe: probe('/health/liveness'),
              readinessProbe: probe('/health/readiness'),
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
            },
          ],
        },
      },
    },
  };
}
