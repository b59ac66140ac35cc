import { ValidationError } from '../errors/validation-error';

/** A parsed image reference. */
export interface ImageReference {
  /** `host[:port]`, e.g. `127.0.0.1:5000` or `quay.io`. */
  registry: string;
  /** Repository path, e.g. `centos/centos`. */
  repository: string;
  tag?: string;
  /** `sha256:…`; wins over the tag when both are given. */
  digest?: string;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * Parses `host[:port]/name[:tag][@digest]` as the distribution reference grammar does. The first
 * component is a registry when it has a `.` or `:` or is `localhost`; otherwise `defaultRegistry`
 * is used (an error without one). No tag and no digest means `latest`.
 * @see https://github.com/distribution/reference/blob/main/reference.go
 */
export function parseImageReference(text: string, defaultRegistry?: string): ImageReference {
  const fail = (message: string): never => {
    throw new ValidationError(`invalid image reference ${JSON.stringify(text)}`, [{ field: 'image', message }]);
  };
  let rest = text.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(`digest ${digest} is not algorithm:hex`);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  let registry: string;
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    rest = rest.slice(slash + 1);
  } else if (defaultRegistry) {
    registry = defaultRegistry;
  } else {
    return fail('no registry host (write host:port/name:tag, or configure a registry)');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`tag ${tag} is not valid`);
  }
  if (!rest || !rest.split('/').every((component) => COMPONENT.test(component))) fail(`repository name ${JSON.stringify(rest)} is not valid`);
  return { registry, repository: rest, ...(tag || !digest ? { tag: tag ?? 'latest' } : {}), ...(digest ? { digest } : {}) };
}

/** `registry/repository[:tag][@digest]`. */
export function formatImageReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
