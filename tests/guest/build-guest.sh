#!/usr/bin/env bash
# Builds the test guest (Debian generic kernel + busybox initrd + our agent) that tests boot under QEMU TCG.
# usage: tests/guest/build-guest.sh x64|arm64 OUTDIR [AGENT]
#   AGENT              the static ecr-guest-agent of that arch (tests/GuestAgent; ./build.sh guest publishes
#                      it), or $ECR_GUEST_AGENT; it becomes /sbin/ecr-guest-agent
#   OUTDIR/vmlinuz     the Debian generic kernel (linux-image-<deb arch>), never installed
#   OUTDIR/initrd.img  newc cpio + gzip: busybox-static, /init, the agent, the virtio/9p/vsock/pmem/ext4 modules
#   OUTDIR/busybox     the initrd's busybox-static (guest arch), for tests that build a container rootfs
#   OUTDIR/guest.env   what it was built from (shell-sourceable KEY='value' lines)
#   OUTDIR/vmlinux     x64 only: the same kernel uncompressed (ELF with a PVH entry note). QEMU
#                      boots it directly, skipping SeaBIOS's real-mode path and the guest's own XZ
#                      decompression, which under TCG is ~3 s of the ~6.5 s boot.
# Downloads are cached in $ECR_GUEST_CACHE (default OUTDIR/../cache); ECR_GUEST_EXTRA_MODULES adds
# module names to the initrd. Re-running is a no-op while inputs and package versions are unchanged.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SCRIPT=$HERE/build-guest.sh
INIT=$HERE/init

die() { echo "build-guest: $*" >&2; exit 1; }
log() { echo "build-guest: $*" >&2; }

[ $# -eq 2 ] || [ $# -eq 3 ] || die "usage: $0 x64|arm64 OUTDIR [AGENT]"
case "$1" in
  x64|amd64|x86_64) ARCH=x64 DEBARCH=amd64 ;;
  arm64|aarch64) ARCH=arm64 DEBARCH=arm64 ;;
  *) die "unknown arch '$1' (x64|arm64)" ;;
esac
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
CACHE=${ECR_GUEST_CACHE:-$(dirname "$OUT")/cache}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
AGENT=${3:-${ECR_GUEST_AGENT:-}}
[ -n "$AGENT" ] || die "no agent binary: pass it as the third argument or ECR_GUEST_AGENT (./build.sh guest does)"
[ -f "$AGENT" ] || die "agent binary $AGENT not found (./build.sh guest publishes it)"
# ELF e_machine (bytes 18-19, little endian): 62 x86-64, 183 aarch64.
case "$ARCH:$(od -An -tu2 -j18 -N2 "$AGENT" | tr -d ' ')" in
  x64:62|arm64:183) ;;
  *) die "$AGENT is not an $ARCH executable" ;;
esac
AGENT_SUM=$(sha256sum "$AGENT" | cut -d' ' -f1)

# Modules the tests need; their dependencies come from modules.dep. Built-in ones are skipped.
# ext4 mounts block volumes; crc32c_generic is what its metadata_csum asks the crypto API for (no modprobe here).
MODULES=(virtio_pci virtio_console virtio_net virtio_blk virtio_scsi sd_mod virtio_rng
         9p 9pnet 9pnet_virtio vmw_vsock_virtio_transport nd_pmem virtio_pmem virtiofs
         ext4 crc32c_generic)
# shellcheck disable=SC2206 # word splitting of the extra list is intended
MODULES+=(${ECR_GUEST_EXTRA_MODULES:-})

# --- host tools: Debian packages, installed only when missing (we run as root) ----------------
APT_UPDATED=0
apt_update() {
  [ $APT_UPDATED = 1 ] && return 0
  log "apt-get update"
  apt-get update -qq || log "apt-get update failed (offline?)"
  APT_UPDATED=1
}
need_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  apt_update
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# arm64 guest packages come from the foreign architecture's package lists.
if [ "$DEBARCH" != "$(dpkg --print-architecture)" ] && ! dpkg --print-foreign-architectures | grep -qx "$DEBARCH"; then
  log "dpkg --add-architecture $DEBARCH"
  dpkg --add-architecture "$DEBARCH"
  apt_update
fi

# --- which packages: the generic kernel the meta package points at, and busybox-static --------
# Sets KPKG, KVER (kernel package + version) and BBVER (busybox-static version) from apt's lists.
resolve_from_apt() {
  KPKG=$(apt-cache show --no-all-versions "linux-image-$DEBARCH:$DEBARCH" 2>/dev/null |
         sed -n 's/^Depends: \(linux-image-[0-9][^ ,]*\).*/\1/p' | head -n1)
  [ -n "$KPKG" ] || return 1
  KVER=$(apt-cache show --no-all-versions "$KPKG:$DEBARCH" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
  BBVER=$(apt-cache show --no-all-versions "busybox-static:$DEBARCH" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
  [ -n "$KVER" ] && [ -n "$BBVER" ]
}
# Offline fallback: the newest debs already in the cache.
resolve_from_cache() {
  local kdeb bbdeb
  # shellcheck disable=SC2012 # Debian file names are plain
  kdeb=$(ls "$CACHE"/linux-image-[0-9]*_"$DEBARCH".deb 2>/dev/null | sort -V | tail -n1)
  # shellcheck disable=SC2012
  bbdeb=$(ls "$CACHE"/busybox-static_*_"$DEBARCH".deb 2>/dev/null | sort -V | tail -n1)
  [ -n "$kdeb" ] && [ -n "$bbdeb" ] || return 1
  KPKG=$(dpkg-deb -f "$kdeb" Package) KVER=$(dpkg-deb -f "$kdeb" Version)
  BBVER=$(dpkg-deb -f "$bbdeb" Version)
  log "apt lists unusable: using cached $KPKG $KVER"
}
resolve() {
  resolve_from_apt || { apt_update; resolve_from_apt; } || resolve_from_cache ||
    die "cannot find linux-image-$DEBARCH / busybox-static:$DEBARCH in apt or in $CACHE"
}
resolve

# Inputs besides this script and init (outputs must be newer than those two files).
INPUTS="$KPKG=$KVER busybox-static=$BBVER modules=${MODULES[*]} agent=$AGENT_SUM"
if [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initrd.img" ] && [ -f "$OUT/busybox" ] && [ -f "$OUT/guest.env" ] &&
   { [ $ARCH != x64 ] || [ -f "$OUT/vmlinux" ]; } &&
   [ "$OUT/guest.env" -nt "$SCRIPT" ] && [ "$OUT/guest.env" -nt "$INIT" ] &&
   grep -qxF "ECR_GUEST_INPUTS='$INPUTS'" "$OUT/guest.env"; then
  log "$OUT is up to date ($KPKG $KVER)"
  exit 0
fi

need_packages cpio kmod gzip xz-utils

# --- downloads: apt-get download into the cache, kept until the version changes -------------
# Prints the cached .deb of PKG at VERSION, downloading it when absent.
fetch_deb() {
  local pkg=$1 ver=$2 f
  f="$CACHE/${pkg}_${ver//:/%3a}_$DEBARCH.deb"
  if [ ! -s "$f" ]; then
    log "apt-get download $pkg:$DEBARCH=$ver"
    # Root downloads unsandboxed: _apt may not be able to write the cache folder.
    (cd "$CACHE" && apt-get download -qq -o APT::Sandbox::User=root "$pkg:$DEBARCH=$ver" >&2) || return 1
    # Older versions of this package are no longer wanted.
    find "$CACHE" -maxdepth 1 -name "${pkg}_*_$DEBARCH.deb" ! -name "${f##*/}" -delete
  fi
  echo "$f"
}
# A stale package list may name versions the archive has dropped: refresh once and retry; with no
# archive reachable at all, build from what the cache holds.
fetch_both() { KDEB=$(fetch_deb "$KPKG" "$KVER") && BBDEB=$(fetch_deb busybox-static "$BBVER"); }
if ! fetch_both; then
  if [ $APT_UPDATED = 0 ]; then apt_update; resolve_from_apt || true; fi
  fetch_both || { resolve_from_cache && fetch_both; } || die "download failed and nothing usable in $CACHE"
fi
INPUTS="$KPKG=$KVER busybox-static=$BBVER modules=${MODULES[*]} agent=$AGENT_SUM"

# --- unpack (dpkg -x, never installed) into a scratch folder removed on exit -----------------
WORK=$(mktemp -d "$CACHE/work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
log "unpacking ${KDEB##*/}"
dpkg -x "$KDEB" "$WORK/kernel"
dpkg -x "$BBDEB" "$WORK/busybox"
KREL=$(ls "$WORK/kernel/lib/modules")
[ "$(echo "$KREL" | wc -l)" = 1 ] || die "expected one kernel release in $KDEB, got: $KREL"
MODDIR=$WORK/kernel/lib/modules/$KREL
# Debian generates modules.dep in postinst, which we never run: make it here.
depmod -b "$WORK/kernel" "$KREL"

# --- module closure in load order (dependencies first), from modules.dep ----------------------
declare -A DEPS=() PATHOF=() BUILTIN=() SEEN=()
ORDER=()
modname() { local n=${1##*/}; n=${n%%.ko*}; echo "${n//-/_}"; }
while IFS= read -r line; do
  mod=${line%%:*}
  DEPS[$mod]=${line#*:}
  n=${mod##*/}; n=${n%%.ko*}; PATHOF[${n//-/_}]=$mod
done <"$MODDIR/modules.dep"
while IFS= read -r mod; do
  n=${mod##*/}; n=${n%%.ko*}; BUILTIN[${n//-/_}]=1
done <"$MODDIR/modules.builtin"
# Depth-first, post-order: every module comes after all of its dependencies.
visit() {
  local m=$1 d
  [ -n "${SEEN[$m]:-}" ] && return 0
  SEEN[$m]=1
  for d in ${DEPS[$m]}; do visit "$d"; done
  ORDER+=("$m")
}
for name in "${MODULES[@]}"; do
  name=${name//-/_}
  if [ -n "${PATHOF[$name]:-}" ]; then
    visit "${PATHOF[$name]}"
  elif [ -n "${BUILTIN[$name]:-}" ]; then
    log "$name is built into $KREL"
  else
    die "module $name is neither a module nor built into $KREL"
  fi
done

# --- initrd tree ------------------------------------------------------------------------------
ROOT=$WORK/initrd
mkdir -p "$ROOT"/{bin,sbin,dev,proc,sys,mnt,tmp,run,etc,lib/modules}
install -m 0755 "$WORK/busybox/bin/busybox" "$ROOT/bin/busybox"
ln -s busybox "$ROOT/bin/sh"
install -m 0755 "$INIT" "$ROOT/init"
install -m 0755 "$AGENT" "$ROOT/sbin/ecr-guest-agent"
# The kernel opens /dev/console for PID 1 before devtmpfs is mounted.
mknod -m 0600 "$ROOT/dev/console" c 5 1
: >"$ROOT/lib/modules/load.list"
LOADED=()
for mod in "${ORDER[@]}"; do
  base=${mod##*/}; ko=${base%%.ko*}.ko
  # busybox insmod takes plain ELF: decompress at build time if the kernel ships compressed modules.
  case "$base" in
    *.ko) cp "$MODDIR/$mod" "$ROOT/lib/modules/$ko" ;;
    *.ko.xz) need_packages xz-utils; xz -dc "$MODDIR/$mod" >"$ROOT/lib/modules/$ko" ;;
    *.ko.zst) need_packages zstd; zstd -qdc "$MODDIR/$mod" >"$ROOT/lib/modules/$ko" ;;
    *.ko.gz) gzip -dc "$MODDIR/$mod" >"$ROOT/lib/modules/$ko" ;;
    *) die "unexpected module file $mod" ;;
  esac
  echo "$ko" >>"$ROOT/lib/modules/load.list"
  LOADED+=("$(modname "$mod")")
done

case $ARCH in
  x64) CONSOLE=ttyS0 QEMU=qemu-system-x86_64 MACHINE=q35 CPU= ;;
  arm64) CONSOLE=ttyAMA0 QEMU=qemu-system-aarch64 MACHINE=virt,gic-version=3 CPU=max,pauth-impdef=on ;;
esac

# x64: unpack the bzImage payload (Debian: CONFIG_KERNEL_XZ) into the ELF vmlinux for PVH boot.
if [ $ARCH = x64 ]; then
  grep -qx CONFIG_KERNEL_XZ=y "$WORK/kernel/boot/config-$KREL" || die "$KREL bzImage is not XZ-compressed"
  found=0
  # The first XZ stream magic that decompresses to an ELF file is the kernel (as extract-vmlinux).
  # shellcheck disable=SC2013 # offsets are numbers
  for off in $(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$WORK/kernel/boot/vmlinuz-$KREL" | cut -d: -f1); do
    # Process substitution, not a pipe: xz stops reading at the stream's end and tail would fail.
    xz -dcq --single-stream < <(tail -c +$((off + 1)) "$WORK/kernel/boot/vmlinuz-$KREL") >"$WORK/vmlinux" 2>/dev/null || continue
    [ "$(head -c 4 "$WORK/vmlinux")" = $'\x7fELF' ] && { found=1; break; }
  done
  [ $found = 1 ] || die "no XZ-compressed ELF payload in vmlinuz-$KREL"
fi

ENV_TMP=$WORK/guest.env
cat >"$ENV_TMP" <<EOF
ECR_GUEST_ARCH='$ARCH'
ECR_GUEST_DEB_ARCH='$DEBARCH'
ECR_GUEST_KERNEL_PACKAGE='$KPKG'
ECR_GUEST_KERNEL_PACKAGE_VERSION='$KVER'
ECR_GUEST_KERNEL_RELEASE='$KREL'
ECR_GUEST_BUSYBOX_VERSION='$BBVER'
ECR_GUEST_MODULES='${LOADED[*]}'
ECR_GUEST_CONSOLE='$CONSOLE'
ECR_GUEST_QEMU='$QEMU'
ECR_GUEST_MACHINE='$MACHINE'
ECR_GUEST_CPU='$CPU'
ECR_GUEST_VMLINUX='$([ $ARCH = x64 ] && echo vmlinux)'
ECR_GUEST_AGENT_SHA256='$AGENT_SUM'
ECR_GUEST_INPUTS='$INPUTS'
EOF
cp "$ENV_TMP" "$ROOT/etc/guest.env"

# Reproducible archive: fixed mtimes and owners, sorted names, no gzip timestamp.
find "$ROOT" -exec touch -h -d @0 {} +
(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
  cpio --null --create --format=newc --reproducible --owner=0:0 --quiet) | gzip -9n >"$WORK/initrd.img"

# Publish: guest.env last, since its presence and mtime mark a complete build.
rm -f "$OUT/guest.env"
cp "$WORK/kernel/boot/vmlinuz-$KREL" "$OUT/vmlinuz"
mv "$WORK/initrd.img" "$OUT/initrd.img"
install -m 0755 "$WORK/busybox/bin/busybox" "$OUT/busybox"
if [ $ARCH = x64 ]; then mv "$WORK/vmlinux" "$OUT/vmlinux"; else rm -f "$OUT/vmlinux"; fi
mv "$ENV_TMP" "$OUT/guest.env"
log "$OUT: vmlinuz $(stat -c %s "$OUT/vmlinuz") bytes,$([ $ARCH = x64 ] && echo " vmlinux $(stat -c %s "$OUT/vmlinux") bytes,") initrd.img $(stat -c %s "$OUT/initrd.img") bytes," \
    "$KPKG $KVER ($KREL), ${#LOADED[@]} modules, agent $(stat -c %s "$AGENT") bytes"
