/**
 * Why an image could not be read: the base of every error the registry client throws on purpose, so
 * callers (the scan function, `ccp scan`) can tell "this image cannot be scanned" from a bug.
 * @see ../../README.md (Scans)
 */
export class ImageError extends Error {}

/** The registry has no such repository, tag or digest: the weekly scan reports the image "absent". */
export class ImageNotFoundError extends ImageError {
  override readonly name = 'ImageNotFoundError';
  constructor(
    readonly reference: string,
    detail: string,
  ) {
    super(`image ${reference} not found: ${detail}`);
  }
}

/** The registry answered wrongly, refused us, or could not be reached. */
export class RegistryError extends ImageError {
  override readonly name = 'RegistryError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * The manifest is there but a blob it names is not (HTTP 404 for a layer or the config): a
 * broken or half-deleted image, not an absent one.
 */
export class BlobMissingError extends ImageError {
  override readonly name = 'BlobMissingError';
  constructor(
    readonly digest: string,
    readonly registry: string,
  ) {
    super(`blob ${digest} missing from registry ${registry}`);
  }
}

/** A layer (or the config) is not what the manifest says: digest mismatch, bad compression, bad tar. */
export class CorruptLayerError extends ImageError {
  override readonly name = 'CorruptLayerError';
  constructor(
    readonly digest: string,
    detail: string,
  ) {
    super(`layer ${digest} is corrupt: ${detail}`);
  }
}

/** The image would not fit the disk bound; nothing is left on disk. */
export class ImageTooLargeError extends ImageError {
  override readonly name = 'ImageTooLargeError';
  constructor(
    message: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(message);
  }
}

/** The image has more tar entries than the file-count bound (`CCP_SCAN_MAX_FILES`); nothing is left on disk. */
export class TooManyFilesError extends ImageError {
  override readonly name = 'TooManyFilesError';
  constructor(
    message: string,
    readonly maxFiles: number,
  ) {
    super(message);
  }
}

/** A blob (layer or config) was not read to its end within the request time limit. */
export class ImageTimeoutError extends ImageError {
  override readonly name = 'ImageTimeoutError';
  constructor(
    readonly digest: string,
    readonly timeoutMs: number,
    what: 'layer' | 'config' = 'layer',
  ) {
    super(`${what} ${digest} timed out after ${formatDuration(timeoutMs)}`);
  }
}

/**
 * The registry is not one this process may read images from (`CCP_SCAN_ALLOWED_REGISTRIES` and
 * the pipeline's registry): refused before any connection is made.
 */
export class RegistryNotAllowedError extends ImageError {
  override readonly name = 'RegistryNotAllowedError';
  constructor(
    readonly registry: string,
    what = 'registry',
  ) {
    super(`${what} ${registry} is not allowed (only the pipeline's registry and CCP_SCAN_ALLOWED_REGISTRIES are read)`);
  }
}

/** Sizes for people: `1.2 GB`, `500 MB`, `12 kB` (decimal units, as registries show them). */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, unit] of units) if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  return `${bytes} B`;
}

/** Durations for people: `15 s`, `1.5 s`, `250 ms`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}
