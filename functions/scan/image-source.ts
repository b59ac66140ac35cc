import type { ImageConfig } from '../../shared/reports/scanner-types';

/** An image unpacked for scanning; `remove` deletes its root filesystem. */
export interface FetchedImage {
  rootfs: string;
  config: ImageConfig;
  /** The manifest digest the registry served. */
  digest: string;
  remove(): Promise<void>;
}

export interface FetchRequest {
  /** `host:port/name:tag` (or without a tag). */
  ref: string;
  /** Fetch exactly this manifest when known. */
  digest?: string;
  /** Folder under which the root filesystem is made. */
  workDir: string;
  /** Uncompressed size above which the image is refused. */
  maxBytes: number;
  /** Tar entries over every layer above which the image is refused; no bound when absent. */
  maxFiles?: number;
  /** Stops the fetch (the delivery ran out of time); the abort reason is thrown. */
  signal?: AbortSignal;
}

/**
 * Fetches and unpacks an image. `null` when the registry does not have it (an expected miss:
 * the scan is aborted and says so); throws on every other failure (too large, too many files,
 * a layer past its time limit, a missing blob, a registry not allowed, a corrupt layer, registry
 * down), which the scan reports as its reason.
 */
export type ImageSource = (request: FetchRequest) => Promise<FetchedImage | null>;
