import { readFile } from 'node:fs/promises';
import { readEnv } from '../config/settings/api';
import { REGISTRY } from '../config/settings/registry';

/**
 * Where a SinkBinding puts the OIDC token for its sink's audience when Knative Eventing's sender
 * identity is on (a Secret kept fresh by the SinkBinding reconciler, mounted at `/oidc`).
 * `CCP_SINK_TOKEN_FILE` names another file (tests, a hand-mounted token).
 * @see https://github.com/knative/eventing/blob/main/pkg/apis/sources/v1/sinkbinding_lifecycle.go
 */
export const SINK_TOKEN_FILE = REGISTRY.sinkTokenFile.default;

/**
 * The `Authorization` header for events sent to `K_SINK`: `Bearer <token>` when the token file
 * exists, else none (sender identity off, or the embedded runtime). Read on every send, since
 * the reconciler replaces the token before it expires.
 * @see https://knative.dev/docs/eventing/features/sender-identity/
 */
export async function sinkAuthorization(env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  const file = readEnv(REGISTRY.sinkTokenFile, env);
  let token: string;
  try {
    token = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  return token ? { authorization: `Bearer ${token}` } : {};
}
