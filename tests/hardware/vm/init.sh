#!/bin/busybox sh
# /init of the hardware-lab initramfs (built by tests/hardware/vm/image.ts; runs as PID 1 inside the VM).
#
# Loads the modules listed in /modules/order (virtio, 9p, hid, hid-generic, uhid), mounts the host's root read-only
# over virtio-9p at /newroot, mounts the checkout (share "veilrepo") at its own path and the host's writable run
# folder (share "veilout") at /tmp/veil-out, bind-mounts /dev /proc /sys, chroots and runs /tmp/veil-out/run.sh.
# The exit code is printed on the serial console as "VEIL-HW-EXIT <code>" and written to /tmp/veil-out/exit, then the
# VM powers off. Any failure before the test command prints "VEIL-HW-ERROR <what>" and exits with code 125.
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

fail() {
  echo "VEIL-HW-ERROR $*"
  echo "VEIL-HW-EXIT 125"
  sync
  poweroff -f
  sleep 5
}

mkdir -p /proc /sys /dev /newroot
mount -t proc proc /proc || fail "mount proc"
mount -t sysfs sysfs /sys || fail "mount sysfs"
if ! mount -t devtmpfs devtmpfs /dev 2>/dev/null; then
  # Kernel without devtmpfs: a tmpfs with the few nodes we need (uhid and hidraw nodes would then be missing, so
  # this only gets us as far as a clear error message from the tests).
  mount -t tmpfs tmpfs /dev || fail "mount /dev"
  mknod -m 600 /dev/console c 5 1
  mknod -m 666 /dev/null c 1 3
  mknod -m 666 /dev/zero c 1 5
  mknod -m 666 /dev/tty c 5 0
  mknod -m 644 /dev/urandom c 1 9
  mknod -m 600 /dev/uhid c 10 239
fi
echo "VEIL-HW-STAGE kernel-up $(cut -d' ' -f1 /proc/uptime)"

while read -r entry; do
  case "$entry" in
    '' | '#'*) continue ;;
    builtin:*) continue ;; # built into this kernel (modules.builtin): nothing to load
  esac
  insmod "/modules/$entry.ko" || fail "insmod $entry failed (module file /modules/$entry.ko)"
done < /modules/order
echo "VEIL-HW-STAGE modules-loaded $(cut -d' ' -f1 /proc/uptime)"

mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose root /newroot \
  || fail "mount of the host root over 9p (mount_tag root) failed"
mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp || fail "tmpfs on /tmp"
mount -t tmpfs -o mode=755 tmpfs /newroot/run || fail "tmpfs on /run"
mount --bind /dev /newroot/dev || fail "bind /dev"
mount --bind /proc /newroot/proc || fail "bind /proc"
mount --bind /sys /newroot/sys || fail "bind /sys"
mkdir -p /newroot/tmp/veil-out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 veilout /newroot/tmp/veil-out \
  || fail "mount of the run folder over 9p (mount_tag veilout) failed"
REPO=$(cat /newroot/tmp/veil-out/repo-path) || fail "no repo-path in the run folder"
mkdir -p "/newroot$REPO" 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose veilrepo "/newroot$REPO" \
  || fail "mount of the checkout over 9p (mount_tag veilrepo) at $REPO failed"
echo "VEIL-HW-STAGE chroot $(cut -d' ' -f1 /proc/uptime)"

chroot /newroot /bin/sh /tmp/veil-out/run.sh
code=$?
echo "$code" > /newroot/tmp/veil-out/exit
sync
echo "VEIL-HW-EXIT $code"
poweroff -f
sleep 5
