#!/usr/bin/env bash
# Token validation: this project's JOSE layer vs the official Python SDK, both pinned to one core, same token.
# Usage (from the repository root): Benchmarks/scripts/jose-compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
pip install -q "azure-security-attestation==1.0.0" six pyyaml >/dev/null 2>&1 || true
python3 scripts/extract-jose-fixture.py >/dev/null
echo "== Swift (package-benchmark, taskset -c 0) =="
taskset -c 0 swift package benchmark --target JOSEBenchmarks --no-progress --time-units nanoseconds 2>&1 | grep -v "^Build\|^\[" 
echo "== Python SDK (taskset -c 0) =="
taskset -c 0 python3 scripts/jose_python_sdk_peer.py 5
