#!/usr/bin/env bash
# Builds the libFuzzer targets (release, -sanitize=fuzzer,address) and runs each for SECONDS (default 60) at low
# priority on a seed corpus made from ../shared/evidence/. Crash inputs land in .build-fuzz/artifacts/.
# Usage: Fuzz/run.sh [SECONDS] [TARGET...]   (targets: QuoteFuzzer CollateralFuzzer)
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(QuoteFuzzer CollateralFuzzer)
evidence="${FUZZ_EVIDENCE:-$(cd ../.. && pwd)/shared/evidence}"
[ -d "$evidence" ] || { echo "no evidence directory at $evidence (set FUZZ_EVIDENCE)"; exit 2; }
scratch=.build-fuzz

nice -n 19 swift build -c release --scratch-path "$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >/dev/null
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"

# Seed corpus: the real quotes and reports; for the collateral target, one input per parser (first byte selects
# it): 0 bundle JSON, 1 TCB Info body, 2 QE Identity body, 3 CRL DER, 4 PCS-shaped signed response, 5 PCK SGX
# extension value.
python3 - "$evidence" "$scratch/corpus" <<'PY'
import glob, json, os, sys
evidence, out = sys.argv[1], sys.argv[2]
quotes = os.path.join(out, "QuoteFuzzer"); coll = os.path.join(out, "CollateralFuzzer")
os.makedirs(quotes, exist_ok=True); os.makedirs(coll, exist_ok=True)
for path in glob.glob(f"{evidence}/sgx-dcap/*.bin") + glob.glob(f"{evidence}/tdx/*.bin") + glob.glob(f"{evidence}/openenclave/*/*report*.bin"):
    open(os.path.join(quotes, os.path.basename(path)), "wb").write(open(path, "rb").read())
for i, path in enumerate(sorted(glob.glob(f"{evidence}/assembled-collateral/*/*.json"))):
    raw = open(path, "rb").read(); b = json.loads(raw)
    seeds = {
        "bundle": b"\x00" + raw,
        "tcb": b"\x01" + b["tcb_info"].encode(),
        "qe": b"\x02" + b["qe_identity"].encode(),
        "rootcrl": b"\x03" + bytes.fromhex(b["root_ca_crl"]),
        "pckcrl": b"\x03" + bytes.fromhex(b["pck_crl"]),
        "pcs": b"\x04" + ('{"tcbInfo":%s,"signature":"%s"}' % (b["tcb_info"], b["tcb_info_signature"])).encode(),
    }
    for name, data in seeds.items():
        open(os.path.join(coll, f"{i:02d}-{name}"), "wb").write(data)
# 5: the SGX extension value of each PCK certificate embedded in a quote (SEQUENCE 30 82 LL LL, then the PPID pair).
import base64, re
ppid = bytes.fromhex("301e060a2a864886f84d010d0101")
for path in glob.glob(f"{evidence}/sgx-dcap/*.bin") + glob.glob(f"{evidence}/tdx/*.bin"):
    raw = open(path, "rb").read()
    for j, block in enumerate(re.findall(rb"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", raw, re.S)):
        der = base64.b64decode(b"".join(block.split()))
        at = der.find(ppid)
        if at >= 4 and der[at - 4] == 0x30 and der[at - 3] == 0x82:
            length = der[at - 2] << 8 | der[at - 1]
            open(os.path.join(coll, f"pck-{os.path.basename(path)}-{j}"), "wb").write(b"\x05" + der[at - 4:at + length])
PY

mkdir -p "$scratch/artifacts"
for target in "${targets[@]}"; do
    case "$target" in
        QuoteFuzzer) max_len=16384 ;;
        *) max_len=65536 ;;
    esac
    mkdir -p "$scratch/work/$target"
    echo "== $target: ${seconds}s"
    FUZZ_EVIDENCE="$evidence" nice -n 19 "$bin/$target" "$scratch/work/$target" "$scratch/corpus/$target" \
        -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$scratch/artifacts/$target-" 2>"$scratch/$target.log" || {
        echo "$target: FAILED (see Fuzz/$scratch/$target.log and Fuzz/$scratch/artifacts/)"; tail -40 "$scratch/$target.log"; exit 1; }
    grep -E "^Done|stat::number_of_executed_units|stat::peak_rss_mb|cov:" "$scratch/$target.log" | tail -4
done
