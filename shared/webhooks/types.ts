import type { IncomingHttpHeaders } from 'node:http';
import type { GitPushData } from '../events/types';

/** The senders the gateway takes webhooks from; each is a plug-in under `providers/<name>/`. */
export type WebhookProviderName = 'github' | 'gitlab' | 'generic';

/** How the webhook gateway is configured (`webhooks:` in the config file, `CCP_WEBHOOK_*`). */
export interface WebhookSettings {
  /** Secret of every repository without its own; unset: only repositories listed in `secrets` are accepted. */
  secret?: string;
  /**
   * Per-repository secrets, by key: a {@link normalizeRepoUrl} key (`github.com/a/b`) or a
   * host-less path key (`a/b`, `group/sub/repo`), lower case without `.git`.
   */
  secrets: ReadonlyMap<string, string>;
  /** Largest webhook body in bytes (HTTP 413 beyond); 1 MiB by default. */
  bodyLimit: number;
  /**
   * Seconds a signed timestamp (the generic webhook's `X-Ccp-Timestamp`) may be off the
   * gateway's clock, either way; older deliveries are refused as replays (`CCP_WEBHOOK_TIMESTAMP_TOLERANCE`, default 300).
   */
  timestampTolerance: number;
}

/** One webhook delivery as it arrived: its headers and the raw bytes the signature covers. */
export interface WebhookRequest {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What a delivery asks of the gateway once it is authenticated. */
export type WebhookOutcome = { kind: 'push'; data: GitPushData } | { kind: 'ping' } | { kind: 'ignored'; reason: string };

/**
 * A webhook sender. The gateway authenticates each delivery with the provider's credential
 * header against the secret of the repository it names, then asks what the delivery means.
 */
export interface WebhookProvider {
  name: WebhookProviderName;
  /** The header carrying the signature or token (lower case); a delivery without it is refused with 401. */
  credentialHeader: string;
  /** The JSON payload; throws a ValidationError (HTTP 400) when the body is not one. */
  readPayload(request: WebhookRequest): unknown;
  /** The URLs of the repository the payload names, to find its secret; empty when it names none. */
  repoUrls(payload: unknown): string[];
  /** True when the credential header proves the sender holds `secret`; constant time. */
  verify(request: WebhookRequest, secret: string): boolean;
  /**
   * The signed timestamp of the delivery as sent (Unix seconds, covered by the signature), or
   * undefined when the sender signed none; providers whose senders never sign one leave it out.
   */
  signedTimestamp?(request: WebhookRequest): string | undefined;
  /** The sender's delivery id (a redelivery repeats it), else a digest of the body. */
  deliveryId(request: WebhookRequest): string;
  /** What the delivery asks for; throws a ValidationError (HTTP 400) when a push lacks a field. */
  interpret(request: WebhookRequest, payload: unknown): WebhookOutcome;
}
