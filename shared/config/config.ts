import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ValidationError, type Issue } from '../errors/validation-error';
import { yaml } from '../lazy/packages';
import { loadMailSettings, type MailFileSettings, type MailSettings } from './mail-settings';
import { loadWebhookSettings } from '../webhooks/settings';
import { loadDispatchSettings, type DispatchFileSettings } from '../cascade/settings';
import type { DispatchSettings } from '../cascade/types';
import { loadScanSettings, type ScanFileSettings, type ScanSettings } from './scan-settings';
import { loadRegistrySettings, REGISTRY_ENV, type RegistryFileSettings } from './registry-settings';
import type { WebhookSettings } from '../webhooks/types';
import { loadBuilderSettings, type BuildahSettings, type BuilderFileSettings, type BuilderKind, type KubernetesBuildSettings } from './build-settings';
import { loadIndexLimits, type IndexLimitFileSettings, type IndexLimits } from '../index/limits';
import { loadSandboxSettings, type SandboxFileSettings } from '../sandbox/settings';
import type { SandboxSettings } from '../sandbox/types';
import { loadRuntimeSettings, type RuntimeSettings } from '../runtime/settings';
import { ATTESTATION, CORE, rawValue, read, SIGNING, STORE, type SettingSource } from './settings';
import type { ParentSignaturePolicy, RegistrySignatureMode } from './settings/signing';
import type { THRESHOLDS } from './settings/core';

/** Settings of the S3-compatible object store. */
export interface S3Settings {
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

/** Lint severity threshold, as hadolint's `failure-threshold`. */
export type FailureThreshold = (typeof THRESHOLDS)[number];

/** Everything the functions and the CLI are configured with. */
export interface Config {
  /** Root of the embedded default's state: object store, registry storage, caches. */
  dataDir: string;
  /** `host:port` of the image registry; empty means the embedded default starts one. */
  registry: string;
  /** The registry's login (`CCP_REGISTRY_USERNAME`, `CCP_REGISTRY_PASSWORD`); unset: no login. */
  registryAuth?: { username: string; password: string };
  /** `CCP_REGISTRY_TLS_VERIFY`; unset: verified except on loopback (see shared/registry/pipeline-registry.ts). */
  registryTlsVerify?: boolean;
  /** `CCP_REGISTRY_NOTIFY_TOKEN`: the Bearer token the registry's push notifications must carry. */
  registryNotifyToken?: string;
  /** `CCP_INGRESS_TOKEN`: the Bearer token `POST /` of the embedded runtime's door requires; unset: `<data-dir>/ingress-token`. */
  ingressToken?: string;
  /** `CCP_DASHBOARD_ADMIN_TOKEN`: turns on the dashboard's "send again" of dead letters; unset: off. */
  dashboardAdminToken?: string;
  store: { kind: 'fs' } | { kind: 's3'; s3: S3Settings };
  /** Where functions look up index entries that an event names only by reference. */
  index?: { location: string; branch?: string };
  /** How much of an index is read: bytes per file and in all, files, projects (`index.max*`, `CCP_INDEX_MAX_*`). */
  indexLimits: IndexLimits;
  lint: { failureThreshold: FailureThreshold; shellcheck: boolean };
  /** Directory for git checkouts and other scratch work. */
  workDir: string;
  /** SMTP, sender, Cc, report links and quiet policies of the notify function. */
  mail: MailSettings;
  /** Secrets and body limit of the webhook gateway (`webhooks:`, `CCP_WEBHOOK_*`). */
  webhooks: WebhookSettings;
  /** Builds of different images running at once in one build function (`CCP_BUILD_CONCURRENCY`, default 2). */
  build: { concurrency: number };
  /** Package registries, URL rewrites, disk bound and time limits of the scan function (`scan:`, `CCP_SCAN_*`). */
  scan: ScanSettings;
  /** Push coalescing window and builds per cascade at once of the dispatcher (`dispatch:`, `CCP_DISPATCH_*`). */
  dispatch: DispatchSettings;
  /** Pace of the weekly rescan: images whose scan starts per minute (`CCP_WEEKLY_SCAN_RATE`, default 60). */
  weekly: { scanRate: number };
  /** Build backend (`CCP_BUILDER`, default `local`); see functions/build/builders/readme.md. */
  builder: BuilderKind;
  /** The local backend's storage (`buildah:`, `CCP_BUILDAH_*`), under the data dir by default. */
  buildah: BuildahSettings;
  /** The kubernetes backend's namespace, images, service account and registry Secret (`kubernetes:`, `CCP_K8S_*`). */
  kubernetes: KubernetesBuildSettings;
  /** The local backend's prebuild sandbox: network off, isolated or host, output limit (`prebuild:`, `CCP_PREBUILD_*`). */
  prebuild: SandboxSettings;
  /** The embedded runtime: rebuild interrupted builds, and the broker's test mode (`runtime:`, `CCP_RETRY_INTERRUPTED`, `CCP_CHAOS`). */
  runtime: RuntimeSettings;
  /** Simple signing of pushed images (`signing:`, `CCP_SIGNING_*`); absent: nothing is signed. */
  signing?: SigningSettings;
  /** Cosign-format signing and SLSA provenance (`CCP_ATTESTATION_*`); absent: nothing is attested. */
  attestation?: { keyFile: string; builderId?: string };
  /** Whether parents ccp built are verified before children build on them and when scanned (`CCP_PARENT_SIGNATURES`, default `off`). */
  parentSignatures: ParentSignatureSettings;
}

/** The global options every `ccp` command takes. */
export interface GlobalOptions {
  dataDir?: string;
  registry?: string;
  config?: string;
}

/**
 * The environment variable behind each core setting, from the declarations (shared/config/settings).
 * A flag beats the variable, the variable beats the config file, the file beats the default.
 */
export const ENV = {
  dataDir: CORE.dataDir.env!,
  registry: CORE.registry.env!,
  ...REGISTRY_ENV,
  config: CORE.config.env!,
  store: STORE.kind.env!,
  s3Endpoint: STORE.s3Endpoint.env!,
  s3Bucket: STORE.s3Bucket.env!,
  s3Region: STORE.s3Region.env!,
  s3AccessKeyId: STORE.s3AccessKeyId.env!,
  s3SecretAccessKey: STORE.s3SecretAccessKey.env!,
  s3ForcePathStyle: STORE.s3ForcePathStyle.env!,
  index: STORE.index.env!,
  indexBranch: STORE.indexBranch.env!,
  failureThreshold: CORE.failureThreshold.env!,
  shellcheck: CORE.shellcheck.env!,
  buildConcurrency: CORE.buildConcurrency.env!,
  weeklyScanRate: CORE.weeklyScanRate.env!,
};

/** The shape of the YAML file given by `--config` / `CCP_CONFIG`. */
interface ConfigFile extends RegistryFileSettings {
  dataDir?: string;
  registry?: string;
  store?: { kind?: string; s3?: Partial<S3Settings> };
  index?: { location?: string; branch?: string } & IndexLimitFileSettings;
  lint?: { failureThreshold?: string; shellcheck?: boolean };
  workDir?: string;
  mail?: MailFileSettings;
  webhooks?: unknown;
  build?: { concurrency?: number | string };
  scan?: ScanFileSettings;
  dispatch?: DispatchFileSettings;
  weekly?: { scanRate?: number | string };
  dashboard?: { adminToken?: string };
  builder?: BuilderFileSettings['builder'];
  buildah?: BuilderFileSettings['buildah'];
  kubernetes?: BuilderFileSettings['kubernetes'];
  prebuild?: SandboxFileSettings;
  runtime?: { retryInterrupted?: boolean; chaos?: string };
}

/**
 * Resolves the configuration from flags, `CCP_*` environment variables, an optional YAML file
 * and defaults. Throws a {@link ValidationError} naming the file and field of a bad setting.
 */
export function loadConfig(options: GlobalOptions = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const configPath = options.config ?? (rawValue(CORE.config, { env, file: undefined }) as string | undefined);
  const file = configPath ? readConfigFile(configPath) : {};
  const issues: Issue[] = [];
  const where = configPath ? { file: configPath } : {};
  const source: SettingSource = { env, file, where, issues };

  const dataDir = path.resolve(options.dataDir ?? read(CORE.dataDir, source));
  const registry = options.registry ?? read(CORE.registry, source);
  const registrySettings = loadRegistrySettings(file, env, where, issues);

  let store: Config['store'] = { kind: 'fs' };
  if (read(STORE.kind, source) === 's3') {
    const bucket = read(STORE.s3Bucket, source);
    if (!bucket) issues.push({ ...where, field: STORE.s3Bucket.key!, message: `required when the store is s3 (or set ${STORE.s3Bucket.env})` });
    store = {
      kind: 's3',
      s3: {
        endpoint: read(STORE.s3Endpoint, source),
        bucket: bucket ?? '',
        region: read(STORE.s3Region, source),
        accessKeyId: read(STORE.s3AccessKeyId, source),
        secretAccessKey: read(STORE.s3SecretAccessKey, source),
        forcePathStyle: read(STORE.s3ForcePathStyle, source),
      },
    };
  }

  const indexLocation = read(STORE.index, source);
  const mail = loadMailSettings(file.mail, env, where, issues);
  const webhooks = loadWebhookSettings(file.webhooks, env, where, issues);
  mail.secrets = [...new Set([...mail.secrets, webhooks.secret ?? '', ...webhooks.secrets.values()])].filter(Boolean);
  if (registrySettings.registryAuth) mail.secrets = [...new Set([...mail.secrets, registrySettings.registryAuth.password])];
  // The access key id is no secret (AWS): every presigned report link carries it, and must keep it.
  if (store.kind === 's3') mail.secrets = [...new Set([...mail.secrets, store.s3.secretAccessKey ?? ''])].filter(Boolean);
  const lint = { failureThreshold: read(CORE.failureThreshold, source), shellcheck: read(CORE.shellcheck, source) };
  const build = { concurrency: read(CORE.buildConcurrency, source) };
  const scan = loadScanSettings(file.scan, env, where, issues);
  const dispatch = loadDispatchSettings(file.dispatch, env, where, issues);
  const weekly = { scanRate: read(CORE.weeklyScanRate, source) };
  const dashboardAdminToken = read(CORE.dashboardAdminToken, source);
  const builders = loadBuilderSettings(file, env, dataDir, where, issues);
  const indexLimits = loadIndexLimits(file.index, env, where, issues);
  const prebuild = loadSandboxSettings(file.prebuild, env, where, issues);
  const runtime = loadRuntimeSettings(file.runtime, env, where, issues);
  const signing = loadSigningSettings(source);
  const attestationKeyFile = read(ATTESTATION.keyFile, source);
  const builderId = read(ATTESTATION.builderId, source);
  const parentSignatures = loadParentSignatureSettings(source);
  if (issues.length > 0) throw new ValidationError('invalid configuration', issues);

  return {
    dataDir,
    registry,
    ...registrySettings,
    ...(dashboardAdminToken ? { dashboardAdminToken } : {}),
    store,
    index: indexLocation ? { location: indexLocation, branch: read(STORE.indexBranch, source) } : undefined,
    indexLimits,
    lint,
    workDir: path.resolve(read(CORE.workDir, source) ?? path.join(dataDir, 'work')),
    mail,
    webhooks,
    build,
    scan,
    dispatch,
    weekly,
    ...builders,
    prebuild,
    runtime,
    ...(signing ? { signing } : {}),
    ...(attestationKeyFile ? { attestation: { keyFile: attestationKeyFile, ...(builderId ? { builderId } : {}) } } : {}),
    parentSignatures,
  };
}

function readConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ValidationError('cannot read the configuration file', [{ file, field: 'file', message: (error as NodeJS.ErrnoException).code ?? 'unreadable' }]);
  }
  // Loaded only with a file: a function started from CCP_* variables alone does not load yaml (~30 ms).
  const parsed: unknown = yaml().parse(text);
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ValidationError('invalid configuration', [{ file, field: '', message: 'must be a YAML mapping' }]);
  }
  return parsed as ConfigFile;
}

/** What the build function signs with and where signatures are served; see shared/signing/readme.md. */
export interface SigningSettings {
  keyFile: string;
  passphraseFile?: string;
  identity?: string;
  lookasideUrl?: string;
  /** Whether signatures also go to the registry's signatures API extension when it advertises one; absent: `auto`. */
  registryApi?: RegistrySignatureMode;
}

/** The signing settings, or `undefined` without a key file (nothing is signed). */
function loadSigningSettings(source: SettingSource): SigningSettings | undefined {
  const keyFile = read(SIGNING.keyFile, source);
  if (!keyFile) return undefined;
  const lookasideUrl = read(SIGNING.lookasideUrl, source);
  const passphraseFile = read(SIGNING.passphraseFile, source);
  const identity = read(SIGNING.identity, source);
  return {
    keyFile,
    ...(passphraseFile ? { passphraseFile } : {}),
    ...(identity ? { identity } : {}),
    ...(lookasideUrl ? { lookasideUrl } : {}),
    registryApi: read(SIGNING.registryApi, source),
  };
}

/** How parent images ccp built are verified (shared/signing/parent-signatures.ts). */
export interface ParentSignatureSettings {
  policy: ParentSignaturePolicy;
  /** Armored GPG public key: simple signing, fetched from `lookasideUrl`. */
  publicKeyFile?: string;
  /** PEM ECDSA P-256 public key: the cosign `.sig` in the registry. */
  cosignPublicKeyFile?: string;
  lookasideUrl?: string;
  identity?: string;
  /** Whether simple signatures are read from the registry's signatures API extension when it advertises one; absent: `auto`. */
  registryApi?: RegistrySignatureMode;
}

/**
 * The parent-signature settings; a policy other than `off` needs a key, and a GPG key needs the
 * lookaside URL unless the registry's signatures API may be read (`CCP_SIGNING_REGISTRY_API=auto`).
 */
function loadParentSignatureSettings(source: SettingSource): ParentSignatureSettings {
  const policy = read(SIGNING.parents, source);
  const publicKeyFile = read(SIGNING.publicKeyFile, source);
  const cosignPublicKeyFile = read(SIGNING.cosignPublicKeyFile, source);
  const lookasideUrl = read(SIGNING.lookasideUrl, source);
  const identity = read(SIGNING.identity, source);
  const registryApi = read(SIGNING.registryApi, source);
  const field = SIGNING.parents.key!;
  if (policy !== 'off' && !publicKeyFile && !cosignPublicKeyFile) {
    source.issues.push({
      ...source.where,
      field,
      message: `${policy} needs a public key to verify with (${SIGNING.publicKeyFile.env} or ${SIGNING.cosignPublicKeyFile.env})`,
    });
  }
  if (policy !== 'off' && publicKeyFile && !lookasideUrl && registryApi === 'off') {
    source.issues.push({
      ...source.where,
      field: SIGNING.lookasideUrl.key!,
      message: `${SIGNING.publicKeyFile.env} needs the lookaside URL signatures are fetched from (or ${SIGNING.registryApi.env}=auto and a registry with the signatures API)`,
    });
  }
  return {
    policy,
    ...(publicKeyFile ? { publicKeyFile } : {}),
    ...(cosignPublicKeyFile ? { cosignPublicKeyFile } : {}),
    ...(lookasideUrl ? { lookasideUrl } : {}),
    ...(identity ? { identity } : {}),
    registryApi,
  };
}
