/**
 * How each function's Knative Service is sized and what it may read. A function not listed
 * gets {@link DEFAULT_PROFILE}, so a new function deploys with `npm run render:deploy` alone;
 * list it here when it needs more (CPU, memory, a secret, the builder's account).
 * @see https://knative.dev/docs/serving/autoscaling/
 */
export interface ServiceProfile {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  /** Requests one pod takes at once (`containerConcurrency`); 1 for work that fills a pod. */
  containerConcurrency: number;
  /** The autoscaler's target of requests in flight per pod (`autoscaling.knative.dev/target`). */
  target: number;
  /** Most pods at once (`autoscaling.knative.dev/max-scale`). */
  maxScale: number;
  /** Longest request, seconds (`timeoutSeconds`); Knative's default cap is 600. */
  timeoutSeconds: number;
  serviceAccountName: string;
  /** Keys of the Secret `ccp-secrets` the function gets as variables; `optional` ones may be absent. */
  secrets: ReadonlyArray<{ name: string; optional: boolean }>;
  /**
   * Whether the function gets the signing keys of the Secret `ccp-signing` as files (gpg imports a
   * file) and the settings naming them (render-service.ts, `SIGNING_FILES`): the build function
   * alone, which signs after the push, outside the build step and its pods.
   */
  signingKeys?: boolean;
  /**
   * Who may reach the Service: `cluster-local` (the Broker and other pods only) unless the
   * function is a door from outside. Serving plain HTTP routes is no reason to be public: the
   * build function's `/registry/notifications` is posted by the in-cluster registry.
   */
  exposure: 'public' | 'cluster-local';
}

/** Every function talks to the object store. */
const STORE_SECRETS = [
  { name: 'CCP_S3_ACCESS_KEY_ID', optional: false },
  { name: 'CCP_S3_SECRET_ACCESS_KEY', optional: false },
] as const;

/**
 * The login of the pipeline's registry, for the functions that read it (scan, weekly-scan,
 * dispatch) and the build function's local backend; optional: an open registry needs none. The
 * kubernetes backend's build pods use the dockerconfigjson Secret (CCP_K8S_REGISTRY_CREDENTIALS) instead.
 */
const REGISTRY_SECRETS = [...STORE_SECRETS, { name: 'CCP_REGISTRY_PASSWORD', optional: true }] as const;

export const DEFAULT_PROFILE: ServiceProfile = {
  requests: { cpu: '100m', memory: '256Mi' },
  limits: { cpu: '1', memory: '512Mi' },
  containerConcurrency: 8,
  target: 4,
  maxScale: 5,
  timeoutSeconds: 300,
  serviceAccountName: 'ccp-functions',
  secrets: STORE_SECRETS,
  exposure: 'cluster-local',
};

/** What differs from {@link DEFAULT_PROFILE}, by function name. */
export const PROFILES: Readonly<Record<string, Partial<ServiceProfile>>> = {
  // Clones the project and runs ShellCheck over every RUN line.
  lint: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' }, containerConcurrency: 4, target: 2, maxScale: 10 },
  // Submits build Jobs and follows them (the local backend builds in the pod: then it needs far more).
  build: {
    requests: { cpu: '500m', memory: '512Mi' },
    limits: { cpu: '2', memory: '2Gi' },
    containerConcurrency: 2,
    target: 2,
    maxScale: 10,
    timeoutSeconds: 600,
    serviceAccountName: 'ccp-builder',
    // The Bearer token the registry's push notifications carry (its endpoint `headers`); absent:
    // /registry/notifications refuses every notification.
    secrets: [...REGISTRY_SECRETS, { name: 'CCP_REGISTRY_NOTIFY_TOKEN', optional: true }],
    // The GPG signing key, its passphrase and the ECDSA attestation key (docs/admin-guide.md,
    // "Signed images"), from the optional Secret ccp-signing: each is on once the Secret has it.
    signingKeys: true,
  },
  // Unpacks whole images and reads their package databases: one scan per pod.
  scan: {
    requests: { cpu: '500m', memory: '1Gi' },
    limits: { cpu: '2', memory: '4Gi' },
    containerConcurrency: 1,
    target: 1,
    maxScale: 10,
    timeoutSeconds: 600,
    secrets: REGISTRY_SECRETS,
  },
  // Ask the registry whether images exist (weekly rescan) and who pushed an image (dispatch).
  'weekly-scan': { secrets: REGISTRY_SECRETS },
  dispatch: { secrets: REGISTRY_SECRETS },
  notify: { secrets: [...STORE_SECRETS, { name: 'CCP_SMTP_PASSWORD', optional: true }] },
  // The only door from outside: git forges post their webhooks to it.
  gateway: {
    exposure: 'public',
    containerConcurrency: 50,
    target: 20,
    timeoutSeconds: 60,
    secrets: [...STORE_SECRETS, { name: 'CCP_WEBHOOK_SECRET', optional: true }],
  },
  'dead-letter': { containerConcurrency: 20, target: 10, maxScale: 2, timeoutSeconds: 60 },
  // Read-only pages over the store; a followed build log holds its request open (Server-Sent
  // Events, resumed by the browser after the timeout), so many requests at once and the longest timeout.
  // Its one write, "send again" of a dead letter, is on only with the admin token (absent: off).
  dashboard: {
    containerConcurrency: 50,
    target: 20,
    maxScale: 3,
    timeoutSeconds: 600,
    secrets: [...STORE_SECRETS, { name: 'CCP_DASHBOARD_ADMIN_TOKEN', optional: true }],
  },
};

/** The profile of `name`: its entry over the default. */
export function profileOf(name: string): ServiceProfile {
  return { ...DEFAULT_PROFILE, ...PROFILES[name] };
}
