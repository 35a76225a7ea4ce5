#!/usr/bin/env bash
# Boots the test guest under QEMU TCG and checks it: ECR-GUEST-READY on the serial console, a 9p
# share mounted by the guest, and a TTRPC grpc.Health/Check answered SERVING by the guest agent over the
# agent.channel.0 virtio-serial port.
# usage: tests/guest/smoke.sh x64|arm64 OUTDIR [AGENT]  (builds OUTDIR first; a no-op when up to date;
#        AGENT or $ECR_GUEST_AGENT as for build-guest.sh, needed only when OUTDIR must be (re)built)
# env: SMOKE_KERNELS  kernel files in OUTDIR to boot, one boot each (default: vmlinuz, plus
#                     vmlinux on x64)
#      SMOKE_TIMEOUT  seconds to wait for ECR-GUEST-READY (default 60)
#      SMOKE_APPEND   extra kernel arguments (e.g. quiet)
#      SMOKE_ARM64_CPU  -cpu for arm64 (default max,pauth-impdef=on)
#      SMOKE_KEEP=1   keep the scratch folder (console-*.log)
# Exit status 0 only if every check passed; the last line is "smoke: N passed, N failed".
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
die() { echo "smoke: $*" >&2; exit 1; }

[ $# -eq 2 ] || [ $# -eq 3 ] || die "usage: $0 x64|arm64 OUTDIR [AGENT]"
case "$1" in
  x64|amd64|x86_64) ARCH=x64 ;;
  arm64|aarch64) ARCH=arm64 ;;
  *) die "unknown arch '$1' (x64|arm64)" ;;
esac
OUT=$2
TIMEOUT=${SMOKE_TIMEOUT:-60}

AGENT=${3:-${ECR_GUEST_AGENT:-}}
if [ -n "$AGENT" ]; then
  "$HERE/build-guest.sh" "$ARCH" "$OUT" "$AGENT"
else
  [ -f "$OUT/guest.env" ] || die "$OUT holds no guest and no agent binary was given: run ./build.sh guest"
fi

# QEMU for the guest arch and socat for the host end of the port; installed only when missing.
case $ARCH in
  x64)
    QEMU_PKG=qemu-system-x86
    QEMU=(qemu-system-x86_64 -machine "q35,accel=tcg")
    CONSOLE=ttyS0
    KERNELS=${SMOKE_KERNELS:-vmlinuz vmlinux} ;;
  arm64)
    QEMU_PKG=qemu-system-arm
    # Plain `-cpu max` emulates QARMA pointer authentication in TCG: boot ~16 s instead of ~4 s.
    QEMU=(qemu-system-aarch64 -machine "virt,accel=tcg,gic-version=3" -cpu "${SMOKE_ARM64_CPU:-max,pauth-impdef=on}")
    CONSOLE=ttyAMA0
    KERNELS=${SMOKE_KERNELS:-vmlinuz} ;;
esac
missing=()
for p in "$QEMU_PKG" socat; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "smoke: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Socket paths must stay under 108 bytes: keep the scratch folder short.
TMP=$(mktemp -d /tmp/ecr-smoke.XXXXXX)
QEMU_PID="" AGENT_PID=""
stop_vm() {
  if [ -n "$AGENT_PID" ]; then kill "$AGENT_PID" 2>/dev/null || true; wait "$AGENT_PID" 2>/dev/null || true; fi
  if [ -n "$QEMU_PID" ]; then kill "$QEMU_PID" 2>/dev/null || true; wait "$QEMU_PID" 2>/dev/null || true; fi
  AGENT_PID="" QEMU_PID=""
}
cleanup() {
  stop_vm
  if [ "${SMOKE_KEEP:-0}" = 1 ]; then echo "smoke: kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
mkdir "$TMP/share"
TOKEN="hello-$$-$RANDOM"
echo "$TOKEN" >"$TMP/share/hello"

# grpc.Health/Check as a TTRPC request frame (10-byte header, then Request{service, method}) on stream N,
# and the response the agent must send: Response{status={}, payload=HealthCheckResponse{status=SERVING}}.
health_check() { printf '%b' "\\x00\\x00\\x00\\x14\\x00\\x00\\x00\\x$(printf %02x "$1")\\x01\\x00\\x0a\\x0bgrpc.Health\\x12\\x05Check"; }
serving() { printf '00000006000000%02x02000a0012020801' "$1"; }
# Reads one 16-byte response frame from the agent as hex (empty on timeout); FROM_AGENT is the coprocess's
# output duplicated, since bash does not hand coprocess descriptors to subshells.
read_reply() { timeout 10 head -c 16 <&"$FROM_AGENT" | od -An -tx1 | tr -d ' \n'; }

now() { date +%s%N; }
ms_since() { echo $(( ($(now) - $1) / 1000000 )); }
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

passed=0 failed=0
check() { # check NAME STATUS(0=ok) DETAIL
  if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "smoke $ARCH $KERNEL: ok   $1 $3"
  else failed=$((failed + 1)); echo "smoke $ARCH $KERNEL: FAIL $1 $3"; fi
}

# One boot of OUTDIR/$KERNEL with the agent port and a 9p share; times are from QEMU's exec.
boot() {
  local sock=$TMP/agent-$KERNEL.sock log=$TMP/console-$KERNEL.log ready=1 r reply t0 t1 t_ready t_pong
  local failed_before=$failed
  : >"$log"   # exists before the wait loop greps it
  t0=$(now)
  # stdin from /dev/null: -serial stdio must not grab the caller's terminal.
  "${QEMU[@]}" -m 512M -smp 1 -nographic -nodefaults -no-user-config -no-reboot \
    -serial stdio \
    -kernel "$OUT/$KERNEL" -initrd "$OUT/initrd.img" \
    -append "console=$CONSOLE panic=-1 ecr.test9p=1 ${SMOKE_APPEND:-}" \
    -device virtio-serial-pci \
    -chardev "socket,id=agent,path=$sock,server=on,wait=off" \
    -device virtserialport,chardev=agent,name=agent.channel.0 \
    -fsdev "local,id=fs0,path=$TMP/share,security_model=none" \
    -device virtio-9p-pci,fsdev=fs0,mount_tag=shared \
    -object rng-random,id=rng0,filename=/dev/urandom -device virtio-rng-pci,rng=rng0 \
    </dev/null >"$log" 2>&1 &
  QEMU_PID=$!

  # Wait for the ready marker, QEMU's death or the timeout, whichever comes first.
  while :; do
    if grep -q ECR-GUEST-READY "$log"; then ready=0; break; fi
    kill -0 "$QEMU_PID" 2>/dev/null || break
    [ "$(ms_since "$t0")" -lt $((TIMEOUT * 1000)) ] || break
    sleep 0.02
  done
  t_ready=$(ms_since "$t0")
  if [ $ready = 0 ]; then check boot 0 "ECR-GUEST-READY after $(secs "$t_ready") s"
  elif kill -0 "$QEMU_PID" 2>/dev/null; then check boot 1 "no ECR-GUEST-READY within $TIMEOUT s"
  else check boot 1 "QEMU exited after $(secs "$t_ready") s without ECR-GUEST-READY"; fi

  if [ $ready = 0 ]; then
    grep -q "ECR-9P-OK $TOKEN" "$log" && r=0 || r=1
    check 9p $r "$(grep -ao 'ECR-9P-[A-Z]*.*' "$log" | head -n1 | tr -d '\r')"

    # The host end of the agent port; the guest already holds its end open.
    coproc AGENT { exec socat -t 10 - "UNIX-CONNECT:$sock"; }
    exec {FROM_AGENT}<&"${AGENT[0]}"
    health_check 1 >&"${AGENT[1]}"
    reply=$(read_reply || true)
    t_pong=$(ms_since "$t0")
    [ "$reply" = "$(serving 1)" ] && r=0 || r=1
    check agent $r "Health.Check '$reply' after $(secs "$t_pong") s"

    # A second call on the warm connection: the round trip itself.
    t1=$(now)
    health_check 3 >&"${AGENT[1]}"
    reply=$(read_reply || true)
    [ "$reply" = "$(serving 3)" ] && r=0 || r=1
    check round-trip $r "$(( ($(now) - t1) / 1000 )) us"
    exec {FROM_AGENT}<&-
  fi

  if [ $failed -gt "$failed_before" ]; then
    echo "smoke $ARCH $KERNEL: console log:" >&2
    tail -n 40 "$log" >&2
  fi
  stop_vm
}

for KERNEL in $KERNELS; do
  [ -f "$OUT/$KERNEL" ] || die "$OUT/$KERNEL not found"
  boot
done
echo "smoke: $passed passed, $failed failed"
[ $failed = 0 ]
