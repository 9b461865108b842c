#!/usr/bin/env bash
# Deterministic instruction counts of one POST /attest/SgxEnclave over loopback HTTP (callgrind): the application as
# `attest serve` builds it (Hummingbird, request turns, routing, static-token authentication, body reading, the
# attestation, the response), every thread of the server process. The user-space part of what the load benchmark
# measures, without its noise; the kernel's share is not counted.
# Usage (from the repository root): Benchmarks/scripts/service-http-callgrind.sh
#
# Like service-callgrind.sh (see scripts/callgrind-lib.sh): a driver (scripts/http_profile_harness.swift) linked
# against the release objects of the `attest` product minus its command-line target, run with 10 and 10 + N requests;
# prints (Ir(10 + N) - Ir(10)) / N. KEY=FILE fixes the RSA key (counts differ by ≈ 1 % between keys); OpenSSL's
# AVX-512 paths are masked (valgrind 3.19 cannot run them). KEEP=1 keeps the callgrind output in .build/cg-http/.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-40}
source Benchmarks/scripts/callgrind-lib.sh
cg=$PWD/.build/cg-http
callgrind_build attest "Benchmarks/scripts/http_profile_harness.swift Benchmarks/scripts/profile_service.swift" "$cg" -v "/AttestCLI.build/"
key=${KEY:-$cg/key.pem}
[ -n "${KEY:-}" ] || openssl genrsa -out "$key" 2048 2>/dev/null
shared=$(cd ../shared && pwd)
export OPENSSL_ia32cap="~0x200000200000000" LIBDISPATCH_COOPERATIVE_POOL_STRICT=1
base=$(callgrind_total "$cg" 10 "$shared" "$key" 10)
full=$(callgrind_total "$cg" $((N + 10)) "$shared" "$key" $((N + 10)))
echo "POST /attest/SgxEnclave over HTTP: $(( (full - base) / N )) instructions"
