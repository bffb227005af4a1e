#!/usr/bin/env bash
# Prediction fidelity against real memcg OOMs: randomized trees of memory cgroups (nested limits, siblings,
# zombie-leader threads, oom_score_adj values, forked ties, near-ties), `pardon rank` predicts, the kernel's OOM
# fires, and its own record (/dev/kmsg "oom-kill:" lines, memory.oom_control counters) says whether the
# predicted memcg and victim were the ones. Prints one line per trial and a SUMMARY (see bench/fidelity/fidelity.py).
#   bench/fidelity.sh [--trials N] [--seed S]
# Memory pressure only inside memory cgroups of at most 512 MiB under this shell's own, held under the shared
# e2e lock; everything is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${PARDON_BENCH_ARTIFACTS:-artifacts/bench}"
mkdir -p "$out"
dotnet build src/Pardon.Cli -c Release --nologo -v:q >/dev/null
cc -O2 -Wall -Werror -pthread -o "$out/memhog" tests/Pardon.EndToEnd.Tests/helpers/memhog.c
lock=/work/coord/e2e.lock
if [ -e "$lock" ] && [ -z "${PARDON_FIDELITY_LOCKED:-}" ]; then
  exec env PARDON_FIDELITY_LOCKED=1 flock "$lock" python3 bench/fidelity/fidelity.py --pardon artifacts/bin/Pardon.Cli/release/pardon --memhog "$out/memhog" "$@"
fi
exec python3 bench/fidelity/fidelity.py --pardon artifacts/bin/Pardon.Cli/release/pardon --memhog "$out/memhog" "$@"
