#!/usr/bin/env bash
# This file is part of Pardon, a userspace OOM killer for Linux.
#
# Fuzzes one target (request | config) with AFL++ for a while, starting from fuzz/corpus/TARGET.
#   fuzz/run.sh request 600      # ten minutes on the pardon request parser
#   fuzz/run.sh config 600       # ten minutes on the configuration loader
# Needs afl++ (apt-get install afl++) and SharpFuzz's instrumenter
# (dotnet tool install --tool-path ~/.dotnet/tools SharpFuzz.CommandLine --version 2.3.0).
# Crashes land in $OUT/default/crashes: reproduce one with
#   dotnet $BUILD/Pardon.Fuzz.dll TARGET CRASH-FILE
# then fix the code and copy the file into fuzz/corpus/TARGET/ (the replay test keeps it fixed).
set -euo pipefail

target=${1:?usage: fuzz/run.sh request|config [SECONDS]}
seconds=${2:-600}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-/tmp/pardon-fuzz-build}
out=${OUT:-/tmp/pardon-fuzz-$target}
sharpfuzz=${SHARPFUZZ:-$(command -v sharpfuzz || echo "$HOME/.dotnet/tools/sharpfuzz")}

dotnet publish "$root/fuzz/Pardon.Fuzz" -c Release -o "$build" --nologo -v:q
# Instrument the code under test (not the runtime): the parsers live in these two assemblies.
for dll in Pardon.Daemon.dll Pardon.Core.dll; do
    "$sharpfuzz" "$build/$dll"
done

# dotnet itself is not instrumented (SharpFuzz reports coverage through AFL's shared memory), and the
# machine's core_pattern and CPU governor are not ours to change.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
rm -rf "$out"
timeout --preserve-status "$seconds" afl-fuzz -i "$root/fuzz/corpus/$target" -o "$out" -t 10000 -m none \
    -- dotnet "$build/Pardon.Fuzz.dll" "$target" || true
echo "findings: $out/default (crashes: $(find "$out/default/crashes" -type f ! -name README.txt 2>/dev/null | wc -l), hangs: $(find "$out/default/hangs" -type f 2>/dev/null | wc -l))"
