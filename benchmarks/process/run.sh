#!/usr/bin/env bash
# Whole-process shim benchmark, side by side: Debian's runc shim and, when it is published, ours.
# Extra arguments go to the harness (e.g. -n 20, --out results.md). Needs root, containerd, busybox-static.
set -euo pipefail
cd "$(dirname "$0")/../.."
args=(--shim /usr/bin/containerd-shim-runc-v2 --runtime io.containerd.runc.v2 --label runc-v2)
ecr=${ECR_SHIM:-out/linux-x64/containerd-shim-ecr-v2}
if [ -x "$ecr" ]; then
  # start-only: `ctr run` through the VM backend needs a guest kernel and configuration this harness does not set up.
  args+=(--shim "$ecr" --runtime io.containerd.ecr.v2 --label ecr-v2 --start-only)
fi
exec dotnet run -c Release --project benchmarks/process -- "${args[@]}" "$@"
