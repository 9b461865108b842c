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
source scripts/callgrind-lib.sh
cg=$PWD/.build/cg-dcap
callgrind_build DCAPBenchmarks scripts/dcap_profile_harness.swift "$cg" \
    -E "/(MAA|Crypto|CCrypto|_CryptoExtras|X509|SwiftASN1|_CertificateInternals|CryptoBoringWrapper)[^/]*\.build/"
evidence=$(cd ../../shared/evidence && pwd)
for mode in "${modes[@]}"; do
    base=$(callgrind_total "$cg" "$mode.10" "$evidence" "$mode" 10)
    full=$(callgrind_total "$cg" "$mode.$((N + 10))" "$evidence" "$mode" $((N + 10)))
    echo "$mode: $(( (full - base) / N )) instructions per quote"
done
