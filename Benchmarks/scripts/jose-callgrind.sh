#!/usr/bin/env bash
# Deterministic per-token instruction counts of the JOSE validation path (callgrind), independent of machine load.
# Usage (from the repository root): Benchmarks/scripts/jose-callgrind.sh [validate|decode|parse|verify ...]
#
# A small synchronous driver, scripts/jose_profile_harness.swift, linked against the release objects of the
# JOSEBenchmarks build (scripts/callgrind-lib.sh says why a driver and stripped copies). Each mode runs with
# 10 and 10 + N iterations (so one-time costs such as lazy binding and metadata set-up cancel out); the script prints
# (Ir(10 + N) - Ir(10)) / N. KEEP=1 keeps the callgrind.out files in .build/cg/.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-500}
modes=("$@"); [ ${#modes[@]} -eq 0 ] && modes=(validate decode parse verify)
python3 scripts/extract-jose-fixture.py >/dev/null
source scripts/callgrind-lib.sh
cg=$PWD/.build/cg
callgrind_build JOSEBenchmarks scripts/jose_profile_harness.swift "$cg" \
    -E "/(MAA|Crypto|CCrypto|_CryptoExtras|X509|SwiftASN1|_CertificateInternals|CryptoBoringWrapper)[^/]*\.build/"
for mode in "${modes[@]}"; do
    base=$(callgrind_total "$cg" "$mode.10" "$PWD/.build/jose-fixture.json" "$mode" 10)
    full=$(callgrind_total "$cg" "$mode.$((N + 10))" "$PWD/.build/jose-fixture.json" "$mode" $((N + 10)))
    echo "$mode: $(( (full - base) / N )) instructions per token"
done
