#!/usr/bin/env bash
# Deterministic instruction counts of one in-process attestation (callgrind): verify the recorded SGX quote, bind
# runtime data, evaluate the default policy, build the claims and the token, sign it. Independent of machine load,
# so it shows what a change to the non-crypto work saves when wall-clock runs are too noisy to tell.
# Usage (from the repository root): Benchmarks/scripts/service-callgrind.sh
#
# Like dcap-callgrind.sh: a small driver (scripts/service_profile_harness.swift) linked against the release objects
# of the ServiceBenchmarks build (see scripts/callgrind-lib.sh), run with 10 and 10 + N
# attestations; prints (Ir(10 + N) - Ir(10)) / N. The RSA key is made outside the driver (a key made inside would make
# the two counts differ by its random prime search). OpenSSL's AVX-512 paths are masked
# (valgrind 3.19 cannot run them), so the RSA share differs from a real run; compare counts, not times.
# KEEP=1 keeps the callgrind output in Benchmarks/.build/cg-service/.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-40}
source scripts/callgrind-lib.sh
cg=$PWD/.build/cg-service
callgrind_build ServiceBenchmarks "scripts/service_profile_harness.swift scripts/profile_service.swift" "$cg" \
    -vE "/(ServiceBenchmarks|Benchmark|BenchmarkShared)[^/]*\.build/"
# The token key: KEY=FILE (a PEM RSA-2048 key) when comparing two trees, else a new one. The RSA share of the count
# depends on the key by ≈ 1 %; within one key, runs agree to ≈ ±13 K.
key=${KEY:-$cg/key.pem}
[ -n "${KEY:-}" ] || openssl genrsa -out "$key" 2048 2>/dev/null
shared=$(cd ../../shared && pwd)
# OpenSSL's AVX-512 paths masked (valgrind 3.19 cannot run them); one cooperative-pool thread.
export OPENSSL_ia32cap="~0x200000200000000" LIBDISPATCH_COOPERATIVE_POOL_STRICT=1
base=$(callgrind_total "$cg" 10 "$shared" "$key" 10)
full=$(callgrind_total "$cg" $((N + 10)) "$shared" "$key" $((N + 10)))
echo "in-process attestation: $(( (full - base) / N )) instructions"
