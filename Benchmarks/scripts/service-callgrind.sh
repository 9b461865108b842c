#!/usr/bin/env bash
# Deterministic instruction counts of one in-process attestation (callgrind): verify the recorded SGX quote, bind
# runtime data, evaluate the default policy, build the claims and the token, sign it. Independent of machine load,
# so it shows what a change to the non-crypto work saves when wall-clock runs are too noisy to tell.
# Usage (from the repository root): Benchmarks/scripts/service-callgrind.sh
#
# Like dcap-callgrind.sh: a small driver (scripts/service_profile_harness.swift) linked against the release objects
# of the ServiceBenchmarks build, debug-stripped (valgrind 3.19 cannot read DWARF 5), run with 10 and 10 + N
# attestations; prints (Ir(10 + N) - Ir(10)) / N. The RSA key is generated once per run of this script (a key made
# inside the driver would make the two counts differ by its random prime search). OpenSSL's AVX-512 paths are masked
# (valgrind 3.19 cannot run them), so the RSA share differs from a real run; compare counts, not times.
# KEEP=1 keeps the callgrind.out files in Benchmarks/.build/cg-service/ (inspect with callgrind_annotate).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-40}
cg=$PWD/.build/cg-service
mkdir -p "$cg"
swift build -c release --product ServiceBenchmarks >"$cg/build.log" 2>&1 || { tail -30 "$cg/build.log"; exit 1; }
release=$(swift build -c release --show-bin-path)
for lib in $(ldd "$release/ServiceBenchmarks" | awk '/\/usr\/lib\/swift\/|\/opt\/swift\//{print $3}'); do
    [ -f "$cg/$(basename "$lib")" ] || { cp "$lib" "$cg/" && strip --strip-debug "$cg/$(basename "$lib")"; }
done
grep -vE "/(ServiceBenchmarks|Benchmark|BenchmarkShared)[^/]*\.build/" "$release/ServiceBenchmarks.product/Objects.LinkFileList" \
    > "$cg/objects.txt"
swiftc -O -I "$release/Modules" scripts/service_profile_harness.swift @"$cg/objects.txt" -lstdc++ -lz -o "$cg/harness"
strip --strip-debug "$cg/harness"
openssl genrsa -out "$cg/key.pem" 2048 2>/dev/null
shared=$(cd ../../shared && pwd)
total() { # iterations -> total instructions
    local out=$cg/callgrind.$1.out
    LD_LIBRARY_PATH=$cg OPENSSL_ia32cap="~0x200000200000000" LIBDISPATCH_COOPERATIVE_POOL_STRICT=1 \
        valgrind --tool=callgrind --callgrind-out-file="$out" "$cg/harness" "$shared" "$cg/key.pem" "$1" >/dev/null 2>&1
    grep -E "^totals:" "$out" | awk '{print $2}'
    [ "${KEEP:-0}" = 1 ] || rm -f "$out"
}
base=$(total 10); full=$(total $((N + 10)))
echo "in-process attestation: $(( (full - base) / N )) instructions"
