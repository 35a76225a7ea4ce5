#!/usr/bin/env bash
# The one entry point: ./build.sh [--arch x64|arm64] [publish|test|guest|demo|bench]
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

ARCH=""
ACTION=publish
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH=$2; shift 2 ;;
    --arch=*) ARCH=${1#--arch=}; shift ;;
    publish|test|guest|demo|bench) ACTION=$1; shift ;;
    -h|--help)
      echo "usage: ./build.sh [--arch x64|arm64] [publish|test|guest|demo|bench]"
      echo "  publish (default)  out/linux-\$ARCH/containerd-shim-ecr-v2, one static Native-AOT binary"
      echo "  test               every test suite (publishes x64 and arm64 and builds both test guests first)"
      echo "  guest              out/guest/\$ARCH: the test guest (kernel, initrd with ecr-guest-agent); both arches without --arch"
      echo "  demo               what the runtime can do on this host"
      echo "  bench              BenchmarkDotNet suite; results under benchmarks/"
      exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
# --arch picks one architecture; without it publish and demo use x64, guest builds both.
GUEST_ARCHES="x64 arm64"
case "$ARCH" in
  "") ARCH=x64 ;;
  x64|amd64|x86_64) ARCH=x64 GUEST_ARCHES=x64 ;;
  arm64|aarch64) ARCH=arm64 GUEST_ARCHES=arm64 ;;
  *) echo "build.sh: unknown arch '$ARCH'" >&2; exit 2 ;;
esac

# Debian packages each action needs; installed only when missing.
need_packages() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "build.sh: installing ${missing[*]}" >&2
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

BUILD_PACKAGES=(clang lld file)
ARM64_PACKAGES=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static)
# Real VMMs and the pieces of the test guest (kernels come from apt-get download, never installed).
TEST_PACKAGES=(qemu-system-x86 qemu-system-arm qemu-efi-aarch64 busybox-static cpio iproute2 iputils-ping kmod containerd runc
  golang-github-containerd-containerd-dev golang-github-containerd-ttrpc-dev golang-github-containerd-cgroups-dev golang-github-gogo-protobuf-dev golang-github-gogo-googleapis-dev)

# aot_publish PROJECT ARCH OUTDIR BINARY: a static Native-AOT binary; arm64 is cross-built with clang/lld.
aot_publish() {
  local project=$1 arch=$2 out=$3 binary=$4
  need_packages "${BUILD_PACKAGES[@]}"
  local extra=()
  if [ "$arch" = arm64 ] && [ "$(uname -m)" != aarch64 ]; then
    need_packages "${ARM64_PACKAGES[@]}"
    extra=(-p:SysRoot=/usr/aarch64-linux-gnu -p:CppCompilerAndLinker=clang -p:ObjCopyName=aarch64-linux-gnu-objcopy)
  fi
  local commit; commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  dotnet publish "$project" -c Release -r "linux-$arch" -o "$out" --nologo -v:q \
    -p:SourceRevisionId="$commit" "${extra[@]}"
  rm -f "$out"/*.dbg "$out"/*.pdb
  echo "$out/$binary: $(stat -c %s "$out/$binary") bytes, $(file -b "$out/$binary" | grep -o "static-pie linked" || echo "NOT static-pie")"
}

publish() {
  local out=$ROOT/out/linux-$1
  aot_publish src/Shim/AotShim.Shim.csproj "$1" "$out" containerd-shim-ecr-v2
  ln -sf containerd-shim-ecr-v2 "$out/ecr-runtime"
}

# The test guest of one arch: its agent (tests/GuestAgent, static AOT) in the initrd tests/guest/build-guest.sh makes.
guest() {
  local agent=$ROOT/out/guest-agent/linux-$1
  aot_publish tests/GuestAgent/AotShim.GuestAgent.csproj "$1" "$agent" ecr-guest-agent
  tests/guest/build-guest.sh "$1" "$ROOT/out/guest/$1" "$agent/ecr-guest-agent"
}

run_tests() {
  need_packages "${TEST_PACKAGES[@]}"
  publish x64
  publish arm64
  export ECR_TEST_BIN_X64=$ROOT/out/linux-x64/containerd-shim-ecr-v2
  export ECR_TEST_BIN_ARM64=$ROOT/out/linux-arm64/containerd-shim-ecr-v2
  export ECR_TEST_FIXTURES=${ECR_TEST_FIXTURES:-$ROOT/tests/fixtures}
  # The test guests: Debian's generic kernel (downloaded, never installed) and a busybox initrd with our agent.
  guest x64
  guest arm64
  export ECR_TEST_GUEST_X64=$ROOT/out/guest/x64
  export ECR_TEST_GUEST_ARM64=$ROOT/out/guest/arm64
  dotnet build AotShim.sln -c Release --nologo -v:q
  local failed=0
  for project in tests/*/*.Tests.csproj; do
    echo "== $(basename "$project" .csproj)"
    dotnet test --project "$project" -c Release --no-build || failed=1
  done
  return $failed
}

demo() {
  publish "$ARCH"
  local bin=$ROOT/out/linux-$ARCH/ecr-runtime
  echo "== ecr-runtime version"; "$bin" version
  echo "== ecr-runtime check --verbose (this host)"; "$bin" check --verbose --config tests/fixtures/kata-3.4.0-configuration-qemu-amd64.toml || true
  echo "== ecr-runtime env --config (seed arm64 configuration)"; "$bin" env --config tests/fixtures/seed-arm64-configuration.toml
  # A pod in a VM: private containerd -> containerd-shim-ecr-v2 -> QEMU (TCG here) -> test guest -> agent -> container.
  need_packages "${TEST_PACKAGES[@]}"
  guest x64
  echo "== ctr run --rm --runtime io.containerd.ecr.v2 (busybox image, x64 test guest under QEMU TCG, CNI-style network via tcfilter)"
  dotnet run -c Release --project benchmarks/pod -- --shim "$ROOT/out/linux-x64/containerd-shim-ecr-v2" -n 1 --no-warmup --network tcfilter \
    --command 'echo "hello from a container in a VM"; uname -srm; grep -m1 "model name" /proc/cpuinfo; ip -o -4 addr show eth0'
}

case "$ACTION" in
  publish) publish "$ARCH" ;;
  test) run_tests ;;
  guest) for a in $GUEST_ARCHES; do guest "$a"; done ;;
  demo) demo ;;
  bench) dotnet run -c Release --project benchmarks/AotShim.Benchmarks -- --filter '*' ;;
esac
