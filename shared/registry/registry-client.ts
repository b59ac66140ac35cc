import { createHash } from 'node:crypto';
import { isIndex, LINUX_AMD64, MANIFEST_ACCEPT, pickPlatform, type Descriptor, type ImageManifest, type Platform } from './manifest';
import { formatImageReference, type ImageReference } from './reference';
import { BlobMissingError, ImageNotFoundError, RegistryError, RegistryNotAllowedError } from './errors';
import { parseWwwAuthenticate } from './www-authenticate';

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  /** Credentials for a registry host (`host:port`), or one set for every registry. */
  credentials?: RegistryCredentials | ((registry: string) => RegistryCredentials | undefined);
  /** Registries spoken to over plain http besides 127.0.0.1, localhost and ::1. */
  insecureRegistries?: string[];
  /**
   * Time limit of each request, in ms, 30 s by default: its answer and, for a body read after
   * it, the whole body (a blob not read to its end in time fails with `TimeoutError`).
   */
  timeoutMs?: number;
  /**
   * Registries (`host:port` or `host`, any case) this client may connect to; absent: any. A
   * reference to another registry, a token realm or a redirect to another host is refused with
   * {@link RegistryNotAllowedError} before any connection (a realm or redirect on the registry's
   * own host is fine).
   */
  allowedRegistries?: readonly string[];
}

/** One request of {@link RegistryClient.request}. */
export interface RegistryRequest {
  /** GET by default. */
  method?: 'GET' | 'HEAD' | 'PUT';
  /** From the registry's root, starting with `/`. */
  path: string;
  accept?: string;
  contentType?: string;
  body?: Buffer;
  /** What the request does to the repository, for a Bearer token's scope; `pull` by default. */
  actions?: 'pull' | 'pull,push';
}

/** What {@link RegistryClient} hands to fetch. */
interface Outgoing {
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Redirects followed per request (blob downloads are redirected to storage backends). */
const MAX_REDIRECTS = 5;

/** Largest manifest, config blob or token answer read into memory: the distribution spec's 4 MiB manifest bound, doubled. */
export const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

/**
 * The body of a response read into memory, at most `maxBytes` (a hostile registry's "manifest"
 * or config blob of gigabytes must not fill the process's memory); throws {@link RegistryError}
 * (status 413: not worth a retry) naming `what` beyond, after cancelling the rest.
 * @see https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-manifests
 */
export async function readBounded(response: Response, what: string, maxBytes = MAX_DOCUMENT_BYTES): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new RegistryError(`${what} is ${declared} bytes, over the ${maxBytes}-byte bound`, 413);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new RegistryError(`${what} is over the ${maxBytes}-byte bound`, 413);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

/** A resolved image manifest. */
export interface ResolvedManifest {
  manifest: ImageManifest;
  /** `sha256:…` of the image manifest (for an index: of the platform's manifest). */
  digest: string;
  /** The index digest when the reference named an index. */
  indexDigest?: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;

/**
 * A client of the OCI distribution API over `fetch`: manifests (OCI, Docker v2 schema 2, and
 * indexes resolved to one platform), blobs, and the registry's auth challenge (Bearer token or
 * Basic) with optional credentials. http for loopback and configured insecure registries,
 * https otherwise.
 * @see https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md
 */
export class RegistryClient {
  private readonly tokens = new Map<string, string>();

  constructor(private readonly options: RegistryClientOptions = {}) {}

  /** The time limit of each request, body included, in ms. */
  get timeoutMs(): number {
    return this.options.timeoutMs ?? 30_000;
  }

  /** `http://host:port` or `https://host`. */
  baseUrl(registry: string): string {
    const insecure = LOOPBACK.test(registry) || (this.options.insecureRegistries ?? []).includes(registry);
    return `${insecure ? 'http' : 'https'}://${registry}`;
  }

  /** Whether `registry` (`host:port` or `host`) is one this client may connect to. */
  allows(registry: string): boolean {
    const allowed = this.options.allowedRegistries;
    if (!allowed) return true;
    const wanted = registry.toLowerCase();
    return allowed.some((entry) => entry.toLowerCase() === wanted);
  }

  /** Throws {@link RegistryNotAllowedError} for a registry outside the allow-list. */
  checkAllowed(registry: string, what = 'registry'): void {
    if (!this.allows(registry)) throw new RegistryNotAllowedError(registry, what);
  }

  /**
   * A host a request may go to on behalf of `registry`: its own `host:port` exactly (another
   * port of the same host is another service), or an allowed registry.
   */
  private checkHost(url: URL, registry: string, what: string): void {
    if (url.host.toLowerCase() === registry.toLowerCase()) return;
    if (!this.allows(url.host)) throw new RegistryNotAllowedError(url.host, what);
  }

  private signal(signal: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  /** fetch, following redirects by hand so that each target's host is checked first. */
  private async fetchChecked(url: string, registry: string, request: Outgoing, signal: AbortSignal, what: string): Promise<Response> {
    let target = new URL(url);
    for (let hop = 0; ; hop += 1) {
      this.checkHost(target, registry, hop === 0 ? what : `redirect to`);
      // Credentials go to the registry's own host only, never to a storage backend it redirects to.
      const sameHost = target.host.toLowerCase() === registry.toLowerCase();
      const headers = sameHost ? request.headers : Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'authorization'));
      const response = await fetch(target, { method: request.method, headers, signal, redirect: 'manual', ...(request.body ? { body: request.body } : {}) });
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new RegistryError(`${url}: more than ${MAX_REDIRECTS} redirects`);
      target = new URL(location, target);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new RegistryError(`${url}: redirect to ${target.protocol} refused`);
    }
  }

  private credentialsFor(registry: string): RegistryCredentials | undefined {
    const { credentials } = this.options;
    return typeof credentials === 'function' ? credentials(registry) : credentials;
  }

  /**
   * GET `/v2/<repository>/<path>`, answering an auth challenge once: a Bearer challenge fetches a
   * token from its realm (with Basic credentials if any), a Basic one sends the credentials.
   * @see https://distribution.github.io/distribution/spec/auth/token/
   */
  async get(ref: ImageReference, suffix: string, accept?: string, signal?: AbortSignal): Promise<Response> {
    return this.request(ref, { path: `/v2/${ref.repository}/${suffix}`, ...(accept ? { accept } : {}) }, signal);
  }

  /**
   * `GET /v2/` without credentials, as containers/image pings a registry: the answer (200, or
   * 401 with its challenge) carries the headers by which a registry advertises extensions.
   * @see https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#determining-support
   */
  async ping(registry: string, signal?: AbortSignal): Promise<Response> {
    this.checkAllowed(registry);
    const url = `${this.baseUrl(registry)}/v2/`;
    try {
      return await this.fetchChecked(url, registry, { method: 'GET', headers: {} }, this.signal(signal), 'registry');
    } catch (error) {
      if (error instanceof RegistryNotAllowedError || error instanceof RegistryError) throw error;
      if (signal?.aborted) throw signal.reason;
      throw new RegistryError(`GET ${url}: ${describeFetchError(error)}`);
    }
  }

  /**
   * A request to `path` (from the registry's root: `/v2/…`, or an extension's `/extensions/v2/…`)
   * of `ref`'s registry, answering an auth challenge once as {@link get} does, with a token for
   * `actions` on the repository (`pull`, or `pull,push` for a write).
   * @see https://distribution.github.io/distribution/spec/auth/scope/
   */
  async request(ref: ImageReference, request: RegistryRequest, signal?: AbortSignal): Promise<Response> {
    this.checkAllowed(ref.registry);
    const method = request.method ?? 'GET';
    const url = `${this.baseUrl(ref.registry)}${request.path}`;
    const actions = request.actions ?? 'pull';
    const scopeKey = `${ref.registry}|repository:${ref.repository}:${actions}`;
    const send = async (authorization?: string): Promise<Response> => {
      const headers: Record<string, string> = {};
      if (request.accept) headers.accept = request.accept;
      if (request.contentType) headers['content-type'] = request.contentType;
      if (authorization) headers.authorization = authorization;
      try {
        return await this.fetchChecked(
          url,
          ref.registry,
          { method, headers, ...(request.body ? { body: request.body } : {}) },
          this.signal(signal),
          'registry',
        );
      } catch (error) {
        if (error instanceof RegistryNotAllowedError || error instanceof RegistryError) throw error;
        if (signal?.aborted) throw signal.reason;
        throw new RegistryError(`${method} ${url}: ${describeFetchError(error)}`);
      }
    };
    let response = await send(this.tokens.get(scopeKey));
    if (response.status !== 401) return response;
    const challenge = parseWwwAuthenticate(response.headers.get('www-authenticate') ?? '');
    await response.body?.cancel();
    const credentials = this.credentialsFor(ref.registry);
    let authorization: string;
    if (challenge?.scheme === 'bearer') {
      authorization = `Bearer ${await this.fetchToken(challenge.params, ref, credentials, actions)}`;
    } else if (challenge?.scheme === 'basic' && credentials) {
      authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    } else {
      throw new RegistryError(
        `${ref.registry} requires authentication${credentials ? '' : ' and no credentials are configured'} (${challenge?.scheme ?? 'no challenge'})`,
        401,
      );
    }
    this.tokens.set(scopeKey, authorization);
    response = await send(authorization);
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new RegistryError(`${ref.registry} refused the credentials for ${ref.repository} (HTTP ${response.status})`, response.status);
    }
    return response;
  }

  private async fetchToken(
    params: Record<string, string>,
    ref: ImageReference,
    credentials: RegistryCredentials | undefined,
    actions: RegistryRequest['actions'] = 'pull',
  ): Promise<string> {
    if (!params.realm) throw new RegistryError(`${ref.registry} sent a Bearer challenge without a realm`, 401);
    if (!URL.canParse(params.realm)) throw new RegistryError(`${ref.registry} sent a Bearer realm that is not a URL`, 401);
    const url = new URL(params.realm);
    // The realm is the registry's word: an attacker's registry would send us anywhere (a cloud
    // metadata address, an internal service), so only its own host or an allowed one.
    this.checkHost(url, ref.registry, 'token realm');
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? `repository:${ref.repository}:${actions}`);
    const headers: Record<string, string> = {};
    if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    let response: Response;
    try {
      response = await this.fetchChecked(url.href, ref.registry, { method: 'GET', headers }, this.signal(undefined), 'token realm');
    } catch (error) {
      if (error instanceof RegistryNotAllowedError || error instanceof RegistryError) throw error;
      throw new RegistryError(`token request to ${url.origin}${url.pathname}: ${describeFetchError(error)}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new RegistryError(`token request to ${url.origin}${url.pathname} answered HTTP ${response.status}`, response.status);
    }
    let body: { token?: string; access_token?: string } = {};
    try {
      body = JSON.parse((await readBounded(response, `token answer of ${url.origin}`, 1024 * 1024)).toString('utf8')) as typeof body;
    } catch (error) {
      if (error instanceof RegistryError) throw error;
    }
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`token request to ${url.origin}${url.pathname} returned no token`);
    return token;
  }

  /**
   * Resolves a reference to an image manifest: by digest when it has one (and checks it), else by
   * tag; an index or manifest list is resolved to `platform` (linux/amd64 by default).
   * Throws {@link ImageNotFoundError} on a 404, {@link RegistryError} otherwise.
   * @see https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-manifests
   */
  async resolveManifest(ref: ImageReference, platform: Platform = LINUX_AMD64): Promise<ResolvedManifest> {
    const top = await this.fetchManifest(ref, ref.digest ?? ref.tag ?? 'latest');
    if (!isIndex(top.mediaType, top.document)) return { manifest: asImageManifest(top.document, ref), digest: top.digest };
    const entry = pickPlatform((top.document.manifests as Descriptor[]) ?? [], platform);
    if (!entry) throw new ImageNotFoundError(formatImageReference(ref), `the index has no ${platform.os}/${platform.architecture} image`);
    const child = await this.fetchManifest(ref, entry.digest);
    return { manifest: asImageManifest(child.document, ref), digest: child.digest, indexDigest: top.digest };
  }

  private async fetchManifest(ref: ImageReference, reference: string): Promise<{ document: Record<string, unknown>; mediaType?: string; digest: string }> {
    const response = await this.get(ref, `manifests/${reference}`, MANIFEST_ACCEPT);
    if (response.status === 404) {
      await response.body?.cancel();
      throw new ImageNotFoundError(formatImageReference(ref), `${ref.registry} has no manifest ${ref.repository}:${reference}`);
    }
    if (!response.ok) {
      const text = (await readBounded(response, 'error answer', 64 * 1024).catch(() => Buffer.alloc(0))).toString('utf8');
      throw new RegistryError(
        `GET manifest ${ref.repository}:${reference} from ${ref.registry}: HTTP ${response.status} ${text.slice(0, 200)}`,
        response.status,
      );
    }
    let body: Buffer;
    try {
      body = await readBounded(response, `manifest ${ref.repository}:${reference} from ${ref.registry}`);
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw new RegistryError(`GET manifest ${ref.repository}:${reference} from ${ref.registry}: ${describeFetchError(error)}`);
    }
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (reference.startsWith('sha256:') && reference !== digest) throw new RegistryError(`manifest ${reference} from ${ref.registry} has digest ${digest}`);
    let document: Record<string, unknown>;
    try {
      document = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new RegistryError(`manifest ${ref.repository}:${reference} from ${ref.registry} is not JSON`);
    }
    const mediaType = (document.mediaType as string | undefined) ?? response.headers.get('content-type')?.split(';')[0];
    return { document, mediaType, digest };
  }

  /** The body of a blob, streamed; the caller checks its digest. */
  async blob(ref: ImageReference, digest: string, signal?: AbortSignal): Promise<Response> {
    const response = await this.get(ref, `blobs/${digest}`, undefined, signal);
    if (response.status === 404) {
      await response.body?.cancel();
      throw new BlobMissingError(digest, ref.registry);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new RegistryError(`GET blob ${digest} from ${ref.registry}: HTTP ${response.status}`, response.status);
    }
    return response;
  }
}

function asImageManifest(document: Record<string, unknown>, ref: ImageReference): ImageManifest {
  if (document.schemaVersion !== 2 || typeof document.config !== 'object' || !Array.isArray(document.layers)) {
    throw new RegistryError(
      `${formatImageReference(ref)}: unsupported manifest (schemaVersion ${String(document.schemaVersion)}; only OCI and Docker v2 schema 2 are read)`,
    );
  }
  return document as unknown as ImageManifest;
}

/** The reason fetch gives (ECONNREFUSED, ENOTFOUND, a timeout) rather than "fetch failed". */
export function describeFetchError(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  if (err.name === 'AbortError') return 'aborted';
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
