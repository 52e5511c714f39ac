#!/usr/bin/env bash
# Installs what Veil's demo and tests need on a Debian machine: Chromium and libusb from Debian (when root), and the
# npm dependencies. Electron's runtime is not downloaded here: browser mode and the tests do not need it, and
# `npm start` fetches it on machines with internet.
set -euo pipefail
cd "$(dirname "$0")/.."

need_debs=()
[ -x /usr/bin/chromium ] || need_debs+=(chromium)
ldconfig -p 2>/dev/null | grep -q 'libusb-1.0.so.0' || need_debs+=(libusb-1.0-0)
command -v pdftoppm >/dev/null || need_debs+=(poppler-utils)
# The core suites also run against a throw-away PostgreSQL server (tests/helpers/postgresCluster.ts, issue 13).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need_debs+=(postgresql)
if [ ${#need_debs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages: ${need_debs[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_debs[@]}" >&2
  else
    echo "Veil's tests need these Debian packages; run: sudo apt-get install -y ${need_debs[*]}" >&2
    exit 1
  fi
fi

# The hardware lab's packages (QEMU, busybox, cpio, kmod) for tests/hardware.
bash scripts/hardware/ensure-debs.sh >&2

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm dependencies (npm ci)" >&2
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund >&2
fi
