import type { Issue } from '../errors/validation-error';
import { read, REGISTRY } from './settings';

/** The login and TLS mode of the pipeline's own registry (`CCP_REGISTRY`). */
export interface RegistrySettings {
  /** Basic credentials; unset: the registry is used without a login. */
  registryAuth?: { username: string; password: string };
  /** `true`/`false` when configured; unset: TLS is verified except on loopback. */
  registryTlsVerify?: boolean;
  /**
   * `CCP_REGISTRY_NOTIFY_TOKEN`: the bearer token the registry sends with its push notifications
   * (its endpoint's `headers`); unset: `/registry/notifications` refuses every request.
   */
  registryNotifyToken?: string;
  /**
   * `CCP_INGRESS_TOKEN`: the bearer token `POST /` of the embedded runtime's door (`ccp serve`,
   * `ccp run`) requires; unset: a random one kept in `<data-dir>/ingress-token`.
   */
  ingressToken?: string;
}

/** The file's `registryAuth:` mapping and `registryTlsVerify` key. */
export interface RegistryFileSettings {
  registryAuth?: { username?: string; password?: string };
  registryTlsVerify?: boolean | string;
  registryNotifyToken?: string;
  ingressToken?: string;
}

export const REGISTRY_ENV = {
  registryUsername: REGISTRY.username.env!,
  registryPassword: REGISTRY.password.env!,
  registryTlsVerify: REGISTRY.tlsVerify.env!,
  registryNotifyToken: REGISTRY.notifyToken.env!,
  ingressToken: REGISTRY.ingressToken.env!,
};

/**
 * Reads the registry login (`CCP_REGISTRY_USERNAME`, `CCP_REGISTRY_PASSWORD` or the file's
 * `registryAuth.{username,password}`) and `CCP_REGISTRY_TLS_VERIFY` / `registryTlsVerify`
 * (`true` or `false`), and the door tokens `CCP_REGISTRY_NOTIFY_TOKEN` / `registryNotifyToken` and
 * `CCP_INGRESS_TOKEN` / `ingressToken`; a variable beats the file, and an empty value counts as unset (func.yaml
 * and empty Secret keys give those). A username without a password, or the reverse, and a TLS
 * mode other than true/false, and an ingress token shorter than 16 characters or with spaces are
 * pushed into `issues` with their field.
 */
export function loadRegistrySettings(file: RegistryFileSettings, env: NodeJS.ProcessEnv, where: { file?: string }, issues: Issue[]): RegistrySettings {
  const bad = (field: string, message: string): void => {
    issues.push({ ...where, field, message });
  };
  const source = { env, file, where, issues };
  const username = read(REGISTRY.username, source);
  const password = read(REGISTRY.password, source);
  if (username && !password) bad(REGISTRY.password.key!, `required with ${REGISTRY.username.key} (or set ${REGISTRY.password.env})`);
  if (password && !username) bad(REGISTRY.username.key!, `required with ${REGISTRY.password.key} (or set ${REGISTRY.username.env})`);
  const registryTlsVerify = read(REGISTRY.tlsVerify, source);
  const registryNotifyToken = read(REGISTRY.notifyToken, source);
  const ingressToken = read(REGISTRY.ingressToken, source);
  return {
    ...(username && password ? { registryAuth: { username, password } } : {}),
    ...(registryTlsVerify !== undefined ? { registryTlsVerify } : {}),
    ...(registryNotifyToken ? { registryNotifyToken } : {}),
    ...(ingressToken ? { ingressToken } : {}),
  };
}
