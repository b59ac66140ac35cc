import type { RegistryAccess } from '../builds/builder-types';
import type { Config } from '../config/config';
import { RegistryClient, type RegistryClientOptions, type RegistryCredentials } from './registry-client';

const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/**
 * The pipeline's registry as the build backends see it: `config.registry` (`host:port`), its
 * login (`CCP_REGISTRY_USERNAME` / `CCP_REGISTRY_PASSWORD`) and whether TLS is verified
 * (`CCP_REGISTRY_TLS_VERIFY`; by default yes, except on the loopback address where the embedded
 * default's registry speaks plain HTTP). `null` without a configured registry.
 */
export function registryAccess(config: Pick<Config, 'registry' | 'registryAuth' | 'registryTlsVerify'>): RegistryAccess | null {
  if (!config.registry) return null;
  const host = config.registry.replace(/:\d+$/, '');
  const tlsVerify = config.registryTlsVerify ?? !LOOPBACK_HOST.test(host);
  return {
    address: config.registry,
    tlsVerify,
    ...(config.registryAuth ? { username: config.registryAuth.username, password: config.registryAuth.password } : {}),
  };
}

/**
 * The credentials lookup for {@link RegistryClient}: the configured login for the configured
 * registry (`host:port`, compared without case) and nothing for any other registry, so that a
 * base image on docker.io or a notification naming another host never receives the password.
 */
export function pipelineRegistryCredentials(config: Config): (registry: string) => RegistryCredentials | undefined {
  const auth = config.registryAuth;
  const address = config.registry.toLowerCase();
  return (registry) => (auth && address && registry.toLowerCase() === address ? { username: auth.username, password: auth.password } : undefined);
}

/**
 * The registries images are read from: the pipeline's own and `CCP_SCAN_ALLOWED_REGISTRIES`
 * (`scan.allowedRegistries`); every other one is refused before a connection is made, so an
 * event naming `169.254.169.254/x:y` reaches nothing.
 */
export function allowedRegistries(config: Config): string[] {
  return [...(config.registry ? [config.registry.toLowerCase()] : []), ...config.scan.allowedRegistries];
}

/**
 * The client options for the pipeline's registry: its credentials (for that registry only),
 * when `CCP_REGISTRY_TLS_VERIFY=false` the registry listed as insecure, which the client speaks
 * to over plain http (as it always does for loopback), the allowed registries
 * ({@link allowedRegistries}) and the scan's request time limit. Merged over `extra`.
 */
export function pipelineRegistryOptions(config: Config, extra: RegistryClientOptions = {}): RegistryClientOptions {
  const insecure = config.registry && config.registryTlsVerify === false ? [config.registry] : [];
  const insecureRegistries = [...(extra.insecureRegistries ?? []), ...insecure];
  return {
    allowedRegistries: allowedRegistries(config),
    ...(config.scan ? { timeoutMs: config.scan.requestTimeoutMs } : {}),
    ...extra,
    credentials: pipelineRegistryCredentials(config),
    ...(insecureRegistries.length > 0 ? { insecureRegistries } : {}),
  };
}

/**
 * A {@link RegistryClient} for every function that reads the pipeline's registry (scan, the
 * weekly rescan's presence check, the dispatcher's `image.pushed`): see
 * {@link pipelineRegistryOptions}. The allowed other registries are reached anonymously; any
 * other registry is refused with `RegistryNotAllowedError`.
 */
export function registryClientFor(config: Config, extra: RegistryClientOptions = {}): RegistryClient {
  return new RegistryClient(pipelineRegistryOptions(config, extra));
}
