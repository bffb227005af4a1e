#!/usr/bin/env bash
# Measures the daemon as a whole, side by side in one run (see bench/daemon/bench.py for what and how):
#   1. reaction: from the level being crossed to the victim's exit (median/worst of the events' latency_ms),
#   2. the fastest allocation rate at which the daemon still beats the kernel's memcg OOM killer every time,
#   3. idle RSS and CPU over 60 s: Pardon (JIT and Native AOT builds) next to earlyoom and nohang.
# Memory pressure is created only inside memory cgroups (≤ 512 MiB) made under this shell's own cgroup.
#   bench/daemon.sh [--quick] [--trials N] [--idle-seconds S] [--idle-only]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup bench
out="${PARDON_BENCH_ARTIFACTS:-artifacts/bench}"
echo "building (JIT ReadyToRun, Native AOT, memhog)..." >&2
dotnet publish src/Pardon.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$out/jit" --nologo -v:q >/dev/null
./scripts/publish "$out/aot" >/dev/null
cc -O2 -Wall -o "$out/memhog" tests/Pardon.EndToEnd.Tests/helpers/memhog.c
exec python3 bench/daemon/bench.py --jit "$out/jit/pardon" --aot "$out/aot/pardon" --memhog "$out/memhog" "$@"
