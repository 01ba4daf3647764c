#!/bin/sh
# The offline route's base: a Debian bookworm root filesystem with the image's Debian
# packages, built with debootstrap from a Debian mirror (no container registry needed).
# Usage: rootfs-base.sh ROOTFS MIRROR PACKAGES_FILE   (as root)
set -eu
ROOTFS=$1
MIRROR=$2
# Debian's python3 (3.11 on bookworm, the wheelhouse's Python) and its venv module.
PACKAGES="python3 python3-venv $(grep -v '^#' "$3" | tr '\n' ' ')"

debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >"$ROOTFS.debootstrap.log" 2>&1 \
  || { tail -n 30 "$ROOTFS.debootstrap.log" >&2; exit 1; }

cat > "$ROOTFS/etc/apt/sources.list" <<LIST
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${MIRROR%/debian}/debian-security bookworm-security main
LIST
# No service may start inside the chroot while packages install.
printf '#!/bin/sh\nexit 101\n' > "$ROOTFS/usr/sbin/policy-rc.d"
chmod +x "$ROOTFS/usr/sbin/policy-rc.d"
mount -t proc proc "$ROOTFS/proc"
trap 'umount "$ROOTFS/proc" 2>/dev/null || true' EXIT

chroot "$ROOTFS" apt-get update -qq
chroot "$ROOTFS" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
chroot "$ROOTFS" apt-get clean

rm -f "$ROOTFS/usr/sbin/policy-rc.d"
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/* "$ROOTFS"/usr/share/doc \
  "$ROOTFS"/usr/share/man "$ROOTFS"/usr/share/info "$ROOTFS"/var/log/*.log
