import type { RequestHandler } from 'express';
import { ValidationError } from '../errors/validation-error';
import type { Logger } from '../log/logger';
import { JwksCache, KeysUnavailableError, TokenRejectedError, verifyJwt, type TokenExpectations } from './jwt';

/** The variables of sender authentication (read by the function host, outside the config file). */
export const SENDER_AUTH_ENV = {
  mode: 'CCP_SENDER_AUTH',
  issuer: 'CCP_OIDC_ISSUER',
  jwks: 'CCP_OIDC_JWKS',
  jwksTokenFile: 'CCP_OIDC_JWKS_TOKEN_FILE',
  audience: 'CCP_OIDC_AUDIENCE',
  subjects: 'CCP_OIDC_SUBJECTS',
} as const;

/** How CloudEvents posted to a function are authenticated; `null` settings: not at all. */
export interface SenderAuthSettings {
  expectations: TokenExpectations;
  jwks: { location: string; tokenFile?: string };
}

/** The identities of the Triggers in the namespace ccp: Knative names each `<trigger>-oidc-<group>-<kind>`. */
export const DEFAULT_SUBJECTS = 'system:serviceaccount:ccp:*-oidc-eventing.knative.dev-trigger';

/** Where Kubernetes serves its service-account issuer's keys, relative to the issuer. */
const KUBERNETES_JWKS_PATH = '/openid/v1/jwks';

/**
 * Reads sender authentication from the environment: `CCP_SENDER_AUTH=oidc` turns it on (default
 * `off`). The token must be issued by `CCP_OIDC_ISSUER` (the cluster's service-account issuer,
 * e.g. `https://kubernetes.default.svc`), signed by a key of `CCP_OIDC_JWKS` (a URL or a file;
 * default `<issuer>/openid/v1/jwks`, with the bearer token of `CCP_OIDC_JWKS_TOKEN_FILE` when
 * set), for the audience `CCP_OIDC_AUDIENCE` (default `ccp-<function>`, what the Triggers set as
 * `subscriber.audience`), from a subject of `CCP_OIDC_SUBJECTS` (comma-separated, `*` matches any
 * run of characters; default {@link DEFAULT_SUBJECTS}: the OIDC ServiceAccounts Knative makes for
 * the Triggers of the namespace ccp, `<trigger>-oidc-eventing.knative.dev-trigger`). Throws a ValidationError naming a bad variable.
 * @see https://knative.dev/docs/eventing/features/sender-identity/
 */
export function senderAuthFromEnv(env: NodeJS.ProcessEnv, functionName: string): SenderAuthSettings | null {
  const mode = (env[SENDER_AUTH_ENV.mode] ?? 'off').trim() || 'off';
  if (mode === 'off') return null;
  if (mode !== 'oidc') throw new ValidationError('invalid sender authentication', [{ field: SENDER_AUTH_ENV.mode, message: `"${mode}" is neither off nor oidc` }]);
  const issuer = env[SENDER_AUTH_ENV.issuer]?.trim();
  if (!issuer || !URL.canParse(issuer)) throw new ValidationError('invalid sender authentication', [{ field: SENDER_AUTH_ENV.issuer, message: 'must be the URL of the cluster\'s service-account issuer (`kubectl get --raw /.well-known/openid-configuration`)' }]);
  const subjects = (env[SENDER_AUTH_ENV.subjects] ?? DEFAULT_SUBJECTS).split(',').map((subject) => subject.trim()).filter(Boolean);
  if (subjects.length === 0 || subjects.includes('*')) throw new ValidationError('invalid sender authentication', [{ field: SENDER_AUTH_ENV.subjects, message: 'must name the senders (a bare * would take any ServiceAccount of the cluster)' }]);
  const tokenFile = env[SENDER_AUTH_ENV.jwksTokenFile]?.trim();
  return {
    expectations: { issuer, audience: env[SENDER_AUTH_ENV.audience]?.trim() || `ccp-${functionName}`, subjects, leewaySeconds: 60 },
    jwks: { location: env[SENDER_AUTH_ENV.jwks]?.trim() || `${issuer.replace(/\/+$/, '')}${KUBERNETES_JWKS_PATH}`, ...(tokenFile ? { tokenFile } : {}) },
  };
}

/**
 * An express handler to put before a function's `POST /`: with Knative Eventing's sender
 * identity (`authentication-oidc: enabled`) the Broker sends each Trigger's events with
 * `Authorization: Bearer <JWT>`, a service-account token of the Trigger's own identity for the
 * subscriber's audience; Knative Serving passes it on unchecked, so the function checks it.
 * A missing or bad token is 401 (`WWW-Authenticate: Bearer`; logged with the failed check, never
 * the token), unreadable keys 503 (the broker retries). Health, metrics and the gateway's
 * webhooks are other routes and stay as they are.
 * @see https://knative.dev/docs/eventing/features/sender-identity/
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function senderAuth(settings: SenderAuthSettings, log: Logger, now: () => number = Date.now): RequestHandler {
  const keys = new JwksCache(settings.jwks, now);
  return (request, response, next) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const refuse = (status: number, reason: string): void => {
      log.warn('sender refused', { status, reason, path: request.path });
      if (status === 401) response.setHeader('WWW-Authenticate', `Bearer error="invalid_token", error_description="${reason.replace(/"/g, "'")}"`);
      response.status(status).json({ error: reason });
    };
    if (!match) {
      refuse(401, 'a bearer token of the Broker is required (Knative Eventing sender identity)');
      return;
    }
    verifyJwt(match[1]!, keys, settings.expectations, Math.floor(now() / 1000)).then(
      (token) => {
        log.debug('sender authenticated', { subject: token.subject });
        next();
      },
      (error: unknown) => {
        if (error instanceof TokenRejectedError) refuse(401, error.message);
        else if (error instanceof KeysUnavailableError) refuse(503, error.message);
        else next(error);
      },
    );
  };
}
