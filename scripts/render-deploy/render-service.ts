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
/**
 * The signing keys (docs/admin-guide.md, "Signed images"): the Secret that holds them, where the
 * build function sees them, each key's file and the setting that names it. Optional: without the
 * Secret the folder is empty and the build function signs nothing.
 */
export const SIGNING_SECRET = 'ccp-signing';
export const SIGNING_DIR = '/etc/ccp/signing';
export const SIGNING_FILES = [
  { key: 'signing-key.asc', env: 'CCP_SIGNING_KEY_FILE' },
  { key: 'signing-key-passphrase', env: 'CCP_SIGNING_KEY_PASSPHRASE_FILE' },
  { key: 'attestation-key.pem', env: 'CCP_ATTESTATION_KEY_FILE' },
] as const;
/**
 * Owner and group read: the files are root's, and the function runs as uid 1001 in group 0 (the
 * image's `USER 1001`; OpenShift's arbitrary uid, also group 0, with the SCC's fsGroup added);
 * 0400 would leave the key unreadable to it without a pod `fsGroup`, which Knative admits only
 * behind its `kubernetes.podspec-securitycontext` flag. Only the function container mounts it.
 */
export const SIGNING_FILE_MODE = 0o440;

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
 * `ccp-config` and only its own keys of the Secret `ccp-secrets` (and, for the build function
 * alone, the signing keys of `ccp-signing` as files), the health probes of the
 * function server, and no exposure outside the cluster unless it is public.
 * @see https://knative.dev/docs/serving/reference/serving-api/#serving.knative.dev/v1.Service
 * @see https://knative.dev/docs/serving/services/private-services/
 */
export function renderService(definition: FunctionDefinition, profile: ServiceProfile, image: string): Record<string, unknown> {
  const name = `${SERVICE_PREFIX}${definition.name}`;
  const labels = { ...PART_OF, 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': definition.name };
  // No port: Knative probes the container's one port through its queue-proxy.
  const probe = (path: string): Record<string, unknown> => ({ httpGet: { path } });
  const signing = profile.signingKeys === true;
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
            ...(signing
              ? [
                  {
                    name: 'signing-keys',
                    secret: {
                      secretName: SIGNING_SECRET,
                      optional: true,
                      defaultMode: SIGNING_FILE_MODE,
                      items: SIGNING_FILES.map(({ key }) => ({ key, path: key })),
                    },
                  },
                ]
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
                // Set here, not in ccp-config, so only this function names the files; a file the Secret lacks means that key is off.
                ...(signing ? SIGNING_FILES.map(({ key, env }) => ({ name: env, value: `${SIGNING_DIR}/${key}` })) : []),
              ],
              envFrom: [{ configMapRef: { name: CONFIG_MAP } }],
              // The cluster issuer's JWKS for sender identity (CCP_SENDER_AUTH=oidc); optional, so absent until an admin makes it.
              volumeMounts: [
                { name: 'oidc-jwks', mountPath: OIDC_JWKS_DIR, readOnly: true },
                ...(signing ? [{ name: 'signing-keys', mountPath: SIGNING_DIR, readOnly: true }] : []),
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
