import { imageName, parseImageName } from './types';

/** A `depends-on` value, read. */
export type DependencyRef =
  /** An image of this index (`ns/name:tag`); it must resolve to an entry or be declared external. */
  | { kind: 'index'; name: string; tagDefaulted: boolean }
  /** A full reference with a registry host: built elsewhere by construction, never resolved. */
  | { kind: 'external'; name: string };

/**
 * `registry.centos.org/centos/centos:7`, `localhost:5000/x/y`, `quay.io/a/b@sha256:…`: the first
 * component holds a dot or a port, or is `localhost`, which is how Docker tells a registry host
 * from a namespace.
 * @see https://github.com/distribution/reference/blob/main/normalize.go
 */
const FULL_REFERENCE =
  /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?|[a-z0-9-]+:\d+|localhost)\/[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@[a-z0-9]+:[a-f0-9]{32,})?$/i;

/**
 * Reads one `depends-on` value: an index image `ns/name:tag` (a missing tag means `latest`), or
 * a fully qualified reference with a registry host, which names an image built elsewhere.
 * `null` when it is neither.
 * @see https://github.com/CentOS/container-index#the-indexd-files
 */
export function parseDependencyRef(text: string): DependencyRef | null {
  const value = text.trim();
  if (FULL_REFERENCE.test(value)) return { kind: 'external', name: value };
  if (value.includes('@')) return null;
  const ref = parseImageName(value);
  if (!ref) return null;
  return { kind: 'index', name: imageName(ref), tagDefaulted: !/:[^/]+$/.test(value) };
}
