#!/bin/sh
# Side-by-side DCAP verification benchmark: this package's DCAPBenchmarks (release, package-benchmark) and
# dcap-qvl (pip install dcap-qvl) on the same quotes and collateral. Run from anywhere:
#   Benchmarks/scripts/dcap-compare.sh
# Prints the Swift p50 wall-clock times, dcap-qvl's medians and the ratios.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
python3 -c "import dcap_qvl" 2>/dev/null || { echo "dcap-qvl missing: pip install dcap-qvl" >&2; exit 1; }
swift_out=$(mktemp)
py_out=$(mktemp)
trap 'rm -f "$swift_out" "$py_out"' EXIT
swift package benchmark --target DCAPBenchmarks --metric wallClock --format markdown --no-progress >"$swift_out" 2>&1
python3 "$here/dcap_qvl_bench.py" >"$py_out"
python3 "$here/dcap_compare_report.py" "$swift_out" "$py_out"
