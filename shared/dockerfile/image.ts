/** An image reference split into its parts. */
export interface ImageRef {
  /** Everything before the tag and digest, registry included. */
  image: string;
  tag: string | null;
  digest: string | null;
  registry: string | null;
}

/**
 * Splits `registry/path:tag@digest` the way Docker does: the first path component is a registry
 * when it has a `.` or a `:` or is `localhost`.
 * @see https://github.com/distribution/reference/blob/main/reference.go
 */
export function parseImageRef(reference: string): ImageRef {
  const at = reference.indexOf('@');
  const digest = at === -1 ? null : reference.slice(at + 1);
  const named = at === -1 ? reference : reference.slice(0, at);
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const image = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : null;
  const slash = image.indexOf('/');
  const first = slash === -1 ? '' : image.slice(0, slash);
  const registry = first && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : null;
  return { image, tag, digest, registry };
}
