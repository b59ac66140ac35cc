/** The registry has no such repository, tag or digest: the weekly scan reports the image "absent". */
export class ImageNotFoundError extends Error {
  override readonly name = 'ImageNotFoundError';
  constructor(readonly reference: string, detail: string) {
    super(`image ${reference} not found: ${detail}`);
  }
}

/** The registry answered wrongly, refused us, or could not be reached. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

/** A layer (or the config) is not what the manifest says: digest mismatch, bad compression, bad tar. */
export class CorruptLayerError extends Error {
  override readonly name = 'CorruptLayerError';
  constructor(readonly digest: string, detail: string) {
    super(`layer ${digest} is corrupt: ${detail}`);
  }
}

/** The image would not fit the disk bound; nothing is left on disk. */
export class ImageTooLargeError extends Error {
  override readonly name = 'ImageTooLargeError';
  constructor(message: string, readonly bytes: number, readonly maxBytes: number) {
    super(message);
  }
}

/** Sizes for people: `1.2 GB`, `500 MB`, `12 kB` (decimal units, as registries show them). */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [[1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']];
  for (const [size, unit] of units) if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  return `${bytes} B`;
}
