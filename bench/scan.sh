#!/usr/bin/env bash
# Measures one full scan and ranking of the live machine (ProcessTable.Scan over /proc, then
# VictimSelector.Rank) with BenchmarkDotNet in Release, and prints a one-paragraph summary: ns per process,
# bytes allocated per scan (live, and in the steady state), and the process count.
#   bench/scan.sh            full BenchmarkDotNet run (about a minute and a half)
#   bench/scan.sh --quick    fewer iterations, for a smoke check
# Build output goes to $PARDON_BENCH_ARTIFACTS (default: artifacts/bench, apart from the main build's).
# The other benchmarks (parsers, SystemMemoryReader): dotnet run -c Release --project bench/Pardon.Benchmarks -- --filter '*'
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts="${PARDON_BENCH_ARTIFACTS:-artifacts/bench}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet build bench/Pardon.Benchmarks/Pardon.Benchmarks.csproj -c Release --artifacts-path "$artifacts" --nologo -v:q >/dev/null
dotnet "$artifacts/bin/Pardon.Benchmarks/release/Pardon.Benchmarks.dll" scan "$@" | tee "$log" | grep -E '^\| |^ +(Method|ScanAndRank|Scan|Rank)' || true
echo
grep '^SUMMARY:' "$log" | sed 's/^SUMMARY: //'
