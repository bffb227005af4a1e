#!/usr/bin/env bash
# Measures what watching many scopes costs the daemon: idle CPU (the threads' schedstat) and RSS with 1, 50
# and 200 watched memory cgroups (each with a limit and one idle process), made under this shell's own
# memory cgroup and removed afterwards (see bench/scopes/bench.py).
#   bench/scopes.sh [--quick] [--seconds S] [--counts 1,50,200] [--jit]
# Run it under the e2e lock on shared machines: flock /work/coord/e2e.lock bench/scopes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out="${PARDON_BENCH_ARTIFACTS:-artifacts/bench}"
build="aot"
for a in "$@"; do [ "$a" = "--jit" ] && build="jit"; done
if [ "$build" = jit ]; then
  echo "building (JIT ReadyToRun)..." >&2
  dotnet publish src/Pardon.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/jit" --nologo -v:q >/dev/null
else
  echo "building (Native AOT)..." >&2
  ./scripts/publish "$out/aot" >/dev/null
fi
exec python3 bench/scopes/bench.py --pardon "$out/$build/pardon" --build "$build" "$@"
