#!/usr/bin/env bash
# Deterministic per-token instruction counts of the JOSE validation path (callgrind), independent of machine load.
# Usage (from the repository root): Benchmarks/scripts/jose-callgrind.sh [validate|decode|parse|verify ...]
#
# valgrind 3.19 crashes on Swift's async main (so on the package-benchmark runner), hence a small synchronous driver,
# scripts/jose_profile_harness.swift, linked against the release objects of the JOSEBenchmarks build. The driver and
# the Swift runtime libraries are debug-stripped copies (valgrind 3.19 cannot read their DWARF 5). Each mode runs with
# 10 and 10 + N iterations (so one-time costs such as lazy binding and metadata set-up cancel out); the script prints
# (Ir(10 + N) - Ir(10)) / N. KEEP=1 keeps the callgrind.out files in .build/cg/.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-500}
modes=("$@"); [ ${#modes[@]} -eq 0 ] && modes=(validate decode parse verify)
python3 scripts/extract-jose-fixture.py >/dev/null
swift build -c release --product JOSEBenchmarks 2>&1 | grep -E "error" || true
release=$(swift build -c release --show-bin-path)
cg=$PWD/.build/cg
mkdir -p "$cg"
for lib in $(ldd "$release/JOSEBenchmarks" | awk '/\/usr\/lib\/swift\//{print $3}'); do
    [ -f "$cg/$(basename "$lib")" ] || { cp "$lib" "$cg/" && strip --strip-debug "$cg/$(basename "$lib")"; }
done
grep -E "/(MAA|Crypto|CCrypto|_CryptoExtras|X509|SwiftASN1|_CertificateInternals|CryptoBoringWrapper)[^/]*\.build/" \
    "$release/JOSEBenchmarks.product/Objects.LinkFileList" > "$cg/objects.txt"
swiftc -O -I "$release/Modules" scripts/jose_profile_harness.swift @"$cg/objects.txt" -lstdc++ -o "$cg/harness"
strip --strip-debug "$cg/harness"
total() { # mode iterations -> total instructions
    local out=$cg/callgrind.$1.$2.out
    LD_LIBRARY_PATH=$cg valgrind --tool=callgrind --callgrind-out-file="$out" "$cg/harness" \
        "$PWD/.build/jose-fixture.json" "$1" "$2" >/dev/null 2>&1
    grep -E "^totals:" "$out" | awk '{print $2}'
    [ "${KEEP:-0}" = 1 ] || rm -f "$out"
}
for mode in "${modes[@]}"; do
    base=$(total "$mode" 10); full=$(total "$mode" $((N + 10)))
    echo "$mode: $(( (full - base) / N )) instructions per token"
done
