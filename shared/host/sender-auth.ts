import type { RequestHandler } from 'express';
import { ValidationError, type Issue } from '../errors/validation-error';
import { readEnv } from '../config/settings/api';
import { ISSUER_MESSAGE, SENDER_AUTH } from '../config/settings/registry';
import type { Logger } from '../log/logger';
import { JwksCache, KeysUnavailableError, TokenRejectedError, verifyJwt, type TokenExpectations } from './jwt';

/** The variables of sender authentication (read by the function host, outside the config file; declared in shared/config/settings/registry.ts). */
export const SENDER_AUTH_ENV = {
  mode: SENDER_AUTH.mode.env!,
  issuer: SENDER_AUTH.issuer.env!,
  jwks: SENDER_AUTH.jwks.env!,
  jwksTokenFile: SENDER_AUTH.jwksTokenFile.env!,
  audience: SENDER_AUTH.audience.env!,
  subjects: SENDER_AUTH.subjects.env!,
};

/** How CloudEvents posted to a function are authenticated; `null` settings: not at all. */
export interface SenderAuthSettings {
  expectations: TokenExpectations;
  jwks: { location: string; tokenFile?: string };
}

/** The identities of the Triggers in the namespace ccp: Knative names each `<trigger>-oidc-<group>-<kind>`. */
export const DEFAULT_SUBJECTS = SENDER_AUTH.subjects.default.join(',');

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
  const issues: Issue[] = [];
  const refuse = (): never => {
    throw new ValidationError('invalid sender authentication', issues.slice(0, 1));
  };
  if (readEnv(SENDER_AUTH.mode, env, issues) === 'off') return issues.length > 0 ? refuse() : null;
  const issuer = readEnv(SENDER_AUTH.issuer, env, issues);
  if (!issuer && issues.length === 0) issues.push({ field: SENDER_AUTH.issuer.env!, message: ISSUER_MESSAGE });
  const subjects = readEnv(SENDER_AUTH.subjects, env, issues);
  if (issues.length > 0 || !issuer) return refuse();
  const tokenFile = readEnv(SENDER_AUTH.jwksTokenFile, env);
  return {
    expectations: { issuer, audience: readEnv(SENDER_AUTH.audience, env) || `ccp-${functionName}`, subjects, leewaySeconds: 60 },
    jwks: { location: readEnv(SENDER_AUTH.jwks, env) || `${issuer.replace(/\/+$/, '')}${KUBERNETES_JWKS_PATH}`, ...(tokenFile ? { tokenFile } : {}) },
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
