import { cp, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FetchRequest, ImageSource } from '../../functions/scan/image-source';
import type { ImageConfig } from '../../shared/reports/scanner-types';

/** An image a {@link folderImageSource} serves: a root filesystem folder, its config and digest. */
export interface FolderImage {
  rootfs: string;
  config: ImageConfig;
  digest: string;
}

/**
 * An image source over folders, for handler tests that are about the function rather than the
 * registry: each fetch copies the folder into the request's work folder (so removal is
 * observable), `null` for a reference it does not have. `requests` records what was asked.
 */
export function folderImageSource(images: Record<string, FolderImage>): ImageSource & { requests: FetchRequest[]; removed: string[] } {
  const requests: FetchRequest[] = [];
  const removed: string[] = [];
  const source = async (request: FetchRequest) => {
    requests.push(request);
    const image = images[request.ref];
    if (!image) return null;
    const rootfs = await mkdtemp(path.join(request.workDir, 'rootfs-'));
    await cp(image.rootfs, rootfs, { recursive: true, verbatimSymlinks: true });
    return {
      rootfs,
      config: image.config,
      digest: image.digest,
      remove: async () => {
        removed.push(rootfs);
        await rm(rootfs, { recursive: true, force: true });
      },
    };
  };
  return Object.assign(source, { requests, removed });
}
