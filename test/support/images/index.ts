export { busyboxRootfs, addFiles, BUSYBOX_BINARY } from './busybox-rootfs';
export { buildRpm } from './rpm-build';
export { rpmRootfs, type RpmRootfsOptions } from './rpm-rootfs';
export { makeImage, pushBaseImage, defaultImageCacheDir, recipeKey, splitRef, type BaseImageOptions } from './make-image';
export { writeOciImage, readOciImage, type Descriptor } from './oci-layout';
export { pushOciLayout, RegistryPushError } from './registry-push';
export { BUSYBOX_IMAGE } from './recipes';
export type { FileSpec, RpmSpec, ImageConfig, RootfsRecipe, ImageRecipe, ImageTarget, PushedImage } from './types';
