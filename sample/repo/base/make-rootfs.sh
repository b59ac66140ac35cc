#!/bin/sh
# Pre-build step: a busybox root filesystem packed as rootfs.tar, added by the Dockerfile.
set -eu
rm -rf rootfs rootfs.tar
mkdir -p rootfs/bin rootfs/etc rootfs/tmp rootfs/root
cp "$(command -v busybox)" rootfs/bin/busybox
for applet in sh ls cat echo mkdir rm cp mv grep sed wc; do ln -s busybox "rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > rootfs/etc/passwd
tar -C rootfs -cf rootfs.tar .
rm -rf rootfs
