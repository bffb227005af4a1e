#!/usr/bin/env bash
# The memory-stall (PSI) benchmark: a cgroup that thrashes — through swap, and through its own mapped
# executable pages without swap — next to a stable bystander, with Pardon, nohang (PSI mode) and earlyoom in
# turn, in one run. For each: seconds of stall endured before the stall ended, who was killed, kernel OOM
# kills. See bench/stall/bench.py for what and how.
#   bench/stall.sh [--cap SECONDS] [--runs N]
# Turns swap on for the whole machine (a 1 GiB file, always removed): the measurement runs under the shared
# end-to-end lock where there is one (the build before it does not).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup bench
out="${PARDON_BENCH_ARTIFACTS:-artifacts/bench}"
mkdir -p "$out"
echo "building (pardon JIT ReadyToRun, thrasher, memhog)..." >&2
dotnet publish src/Pardon.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$out/jit" --nologo -v:q >/dev/null
cc -O2 -Wall -o "$out/thrasher" tests/Pardon.EndToEnd.Tests/helpers/thrasher.c
cc -O2 -Wall -o "$out/memhog" tests/Pardon.EndToEnd.Tests/helpers/memhog.c
lock=()
[ -e /work/coord/e2e.lock ] && lock=(flock /work/coord/e2e.lock)
exec "${lock[@]}" python3 bench/stall/bench.py --pardon "$out/jit/pardon" --thrasher "$out/thrasher" --memhog "$out/memhog" --out "$out" "$@"
