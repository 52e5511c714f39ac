#!/usr/bin/env bash
# Installs the Debian packages the hardware lab (npm run test:hardware) needs on the host: QEMU for the VM, the
# static busybox, cpio and kmod for the initramfs. The kernel itself is fetched by the lab with `apt-get download`
# into tests/hardware/.cache (nothing is installed into /boot).
#
# Root: installs what is missing (apt-get update first). Not root: says what is missing and how to install it, and
# fails when something is. Safe to run again: does nothing when everything is there.
set -euo pipefail

declare -A BIN_OF=(
  [qemu-system-x86]=qemu-system-x86_64
  [busybox-static]=
  [cpio]=cpio
  [kmod]=modinfo
)
missing=()
for pkg in qemu-system-x86 busybox-static cpio kmod; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  elif [ -n "${BIN_OF[$pkg]}" ] && ! command -v "${BIN_OF[$pkg]}" >/dev/null; then
    missing+=("$pkg")
  fi
done

# The lab fetches the kernel with apt-get download: apt's package lists must know linux-image-amd64.
lists_ok() { apt-cache depends linux-image-amd64 2>/dev/null | grep -q 'Depends: linux-image-'; }

if [ ${#missing[@]} -eq 0 ]; then
  if ! lists_ok; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "hardware lab: apt's package lists do not know linux-image-amd64; run as root: apt-get update" >&2
      exit 1
    fi
    apt-get update -q
  fi
  echo "hardware lab: host packages present (qemu-system-x86 busybox-static cpio kmod)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "hardware lab: missing Debian packages: ${missing[*]}" >&2
  echo "  install as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "hardware lab: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
