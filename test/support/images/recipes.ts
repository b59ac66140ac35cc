import type { ImageRecipe } from './types';

/** The plain busybox base image tests and the sample build on. */
export const BUSYBOX_IMAGE: ImageRecipe = {
  rootfs: { kind: 'busybox' },
  config: { cmd: ['/bin/sh'], labels: { 'org.opencontainers.image.title': 'busybox base (ccp test image)' } },
};
