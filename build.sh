#!/usr/bin/env bash
# The one entry point: ./build.sh [--arch x64|arm64] [publish|test|demo|bench]
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

ARCH=x64
ACTION=publish
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH=$2; shift 2 ;;
    --arch=*) ARCH=${1#--arch=}; shift ;;
    publish|test|demo|bench) ACTION=$1; shift ;;
    -h|--help)
      echo "usage: ./build.sh [--arch x64|arm64] [publish|test|demo|bench]"
      echo "  publish (default)  out/linux-\$ARCH/containerd-shim-ecr-v2, one static Native-AOT binary"
      echo "  test               every test suite (publishes x64 and arm64 first)"
      echo "  demo               what the runtime can do on this host"
      echo "  bench              BenchmarkDotNet suite; results under benchmarks/"
      exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$ARCH" in x64|amd64|x86_64) ARCH=x64 ;; arm64|aarch64) ARCH=arm64 ;; *) echo "build.sh: unknown arch '$ARCH'" >&2; exit 2 ;; esac

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
TEST_PACKAGES=(qemu-system-x86 qemu-system-arm qemu-efi-aarch64 busybox-static cpio iproute2 kmod containerd runc
  golang-github-containerd-containerd-dev golang-github-containerd-ttrpc-dev golang-github-gogo-protobuf-dev golang-github-gogo-googleapis-dev)

publish() {
  local arch=$1 rid=linux-$1 out=$ROOT/out/linux-$1
  need_packages "${BUILD_PACKAGES[@]}"
  local extra=()
  if [ "$arch" = arm64 ] && [ "$(uname -m)" != aarch64 ]; then
    need_packages "${ARM64_PACKAGES[@]}"
    extra=(-p:SysRoot=/usr/aarch64-linux-gnu -p:CppCompilerAndLinker=clang -p:ObjCopyName=aarch64-linux-gnu-objcopy)
  fi
  local commit; commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  dotnet publish src/Shim/AotShim.Shim.csproj -c Release -r "$rid" -o "$out" --nologo -v:q \
    -p:SourceRevisionId="$commit" "${extra[@]}"
  rm -f "$out"/*.dbg "$out"/*.pdb
  ln -sf containerd-shim-ecr-v2 "$out/ecr-runtime"
  echo "$out/containerd-shim-ecr-v2: $(stat -c %s "$out/containerd-shim-ecr-v2") bytes, $(file -b "$out/containerd-shim-ecr-v2" | grep -o "static-pie linked" || echo "NOT static-pie")"
}

run_tests() {
  need_packages "${TEST_PACKAGES[@]}"
  publish x64
  publish arm64
  export ECR_TEST_BIN_X64=$ROOT/out/linux-x64/containerd-shim-ecr-v2
  export ECR_TEST_BIN_ARM64=$ROOT/out/linux-arm64/containerd-shim-ecr-v2
  export ECR_TEST_FIXTURES=${ECR_TEST_FIXTURES:-$ROOT/tests/fixtures}
  # The test guest: Debian's generic kernel (downloaded, never installed) and a busybox initrd.
  tests/guest/build-guest.sh x64 "$ROOT/out/guest/x64"
  export ECR_TEST_GUEST_X64=$ROOT/out/guest/x64
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
}

case "$ACTION" in
  publish) publish "$ARCH" ;;
  test) run_tests ;;
  demo) demo ;;
  bench) dotnet run -c Release --project benchmarks/AotShim.Benchmarks -- --filter '*' ;;
esac
