import type { Issue } from '../errors/validation-error';

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
  registryUsername: 'CCP_REGISTRY_USERNAME',
  registryPassword: 'CCP_REGISTRY_PASSWORD',
  registryTlsVerify: 'CCP_REGISTRY_TLS_VERIFY',
  registryNotifyToken: 'CCP_REGISTRY_NOTIFY_TOKEN',
  ingressToken: 'CCP_INGRESS_TOKEN',
} as const;

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
  const username = nonEmpty(env[REGISTRY_ENV.registryUsername]) ?? nonEmpty(file.registryAuth?.username);
  const password = nonEmpty(env[REGISTRY_ENV.registryPassword]) ?? nonEmpty(file.registryAuth?.password);
  if (username && !password) bad('registryAuth.password', `required with registryAuth.username (or set ${REGISTRY_ENV.registryPassword})`);
  if (password && !username) bad('registryAuth.username', `required with registryAuth.password (or set ${REGISTRY_ENV.registryUsername})`);

  const tlsText = nonEmpty(env[REGISTRY_ENV.registryTlsVerify]) ?? (typeof file.registryTlsVerify === 'boolean' ? String(file.registryTlsVerify) : nonEmpty(file.registryTlsVerify));
  let registryTlsVerify: boolean | undefined;
  if (tlsText !== undefined) {
    const lower = tlsText.toLowerCase();
    if (lower === 'true' || lower === 'false') registryTlsVerify = lower === 'true';
    else bad('registryTlsVerify', `must be true or false (${REGISTRY_ENV.registryTlsVerify}), not "${tlsText}"`);
  }
  const registryNotifyToken = nonEmpty(env[REGISTRY_ENV.registryNotifyToken]) ?? nonEmpty(file.registryNotifyToken);
  const ingressToken = nonEmpty(env[REGISTRY_ENV.ingressToken]) ?? nonEmpty(file.ingressToken);
  // A Bearer token is one word; a short one is guessed by anything that can reach 127.0.0.1.
  if (ingressToken !== undefined && !/^[\x21-\x7e]{16,}$/.test(ingressToken)) bad('ingressToken', `must be 16 or more printable characters without spaces (${REGISTRY_ENV.ingressToken})`);
  return {
    ...(username && password ? { registryAuth: { username, password } } : {}),
    ...(registryTlsVerify !== undefined ? { registryTlsVerify } : {}),
    ...(registryNotifyToken ? { registryNotifyToken } : {}),
    ...(ingressToken ? { ingressToken } : {}),
  };
}

function nonEmpty(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  return text === '' ? undefined : text;
}
