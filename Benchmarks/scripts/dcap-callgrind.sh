#!/usr/bin/env bash
# Deterministic per-quote instruction counts of DCAP verification (callgrind), independent of machine load.
# Usage (from the repository root): Benchmarks/scripts/dcap-callgrind.sh [sgx|tdx|sgx-steady|tdx-steady ...]
#
# Like jose-callgrind.sh: a small synchronous driver (scripts/dcap_profile_harness.swift) linked against the release
# objects of the DCAPBenchmarks build, debug-stripped (valgrind 3.19 cannot read DWARF 5), run with 10 and 10 + N
# iterations; prints (Ir(10 + N) - Ir(10)) / N. `sgx`/`tdx` = everything from bytes (b); `-steady` = (a).
# KEEP=1 keeps the callgrind.out files in Benchmarks/.build/cg-dcap/ (inspect with callgrind_annotate).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-40}
modes=("$@"); [ ${#modes[@]} -eq 0 ] && modes=(sgx tdx)
cg=$PWD/.build/cg-dcap
mkdir -p "$cg"
swift build -c release --product DCAPBenchmarks >"$cg/build.log" 2>&1 || { tail -30 "$cg/build.log"; exit 1; }
release=$(swift build -c release --show-bin-path)
for lib in $(ldd "$release/DCAPBenchmarks" | awk '/\/usr\/lib\/swift\//{print $3}'); do
    [ -f "$cg/$(basename "$lib")" ] || { cp "$lib" "$cg/" && strip --strip-debug "$cg/$(basename "$lib")"; }
done
grep -E "/(MAA|Crypto|CCrypto|_CryptoExtras|X509|SwiftASN1|_CertificateInternals|CryptoBoringWrapper)[^/]*\.build/" \
    "$release/DCAPBenchmarks.product/Objects.LinkFileList" > "$cg/objects.txt"
swiftc -O -I "$release/Modules" scripts/dcap_profile_harness.swift @"$cg/objects.txt" -lstdc++ -o "$cg/harness"
strip --strip-debug "$cg/harness"
evidence=$(cd ../../shared/evidence && pwd)
total() { # mode iterations -> total instructions
    local out=$cg/callgrind.$1.$2.out
    LD_LIBRARY_PATH=$cg valgrind --tool=callgrind --callgrind-out-file="$out" "$cg/harness" "$evidence" "$1" "$2" \
        >/dev/null 2>&1
    grep -E "^totals:" "$out" | awk '{print $2}'
    [ "${KEEP:-0}" = 1 ] || rm -f "$out"
}
for mode in "${modes[@]}"; do
    base=$(total "$mode" 10); full=$(total "$mode" $((N + 10)))
    echo "$mode: $(( (full - base) / N )) instructions per quote"
done
