export { fetchImage, type FetchImageOptions, type FetchedImage } from './fetch-image';
export { RegistryClient, type RegistryClientOptions, type RegistryCredentials, type ResolvedManifest } from '../../../shared/registry/registry-client';
export { parseImageReference, formatImageReference, type ImageReference } from '../../../shared/registry/reference';
export {
  ImageError,
  ImageNotFoundError,
  RegistryError,
  RegistryNotAllowedError,
  BlobMissingError,
  CorruptLayerError,
  ImageTooLargeError,
  TooManyFilesError,
  ImageTimeoutError,
  formatBytes,
  formatDuration,
} from '../../../shared/registry/errors';
export { resolveInRoot, cleanEntryPath, SymlinkLoopError } from '../../../shared/rootfs/safe-path';
export { applyLayer, finishDirectories, type UnpackState } from './unpack-layer';
export { MEDIA_TYPES, LINUX_AMD64, type Descriptor, type ImageManifest, type Platform } from '../../../shared/registry/manifest';
