#!/usr/bin/env python3
"""Joins package-benchmark's markdown output (p50 wall clock, microseconds) with dcap_qvl_bench.py's JSON."""
import json
import re
import sys


def swift_p50(path):
    """Returns {benchmark name: p50 µs} from `swift package benchmark --format markdown` output."""
    result, name = {}, None
    for line in open(path):
        heading = re.match(r"^#+\s*(.+?)\s*$", line)
        if heading:
            name = heading.group(1).strip()
            continue
        row = [c.strip() for c in line.strip().strip("|").split("|")]
        if name and row and row[0].startswith("Time (wall clock)") and len(row) > 4:
            # columns: metric, p0, p25, p50, ...
            try:
                result[name] = float(row[3].replace(",", ""))
            except ValueError:
                pass
    return result


def main():
    swift = swift_p50(sys.argv[1])
    qvl = json.load(open(sys.argv[2]))
    floor = next((v for k, v in swift.items() if k.startswith("floor")), None)
    print(f"dcap-qvl {qvl.get('dcap_qvl_version')} vs swift-attestation MAADCAP (median / p50 per quote, µs)")
    print(f"{'sample':6} {'case':12} {'swift':>10} {'dcap-qvl':>10} {'ratio':>7}")
    for tee in ("SGX", "TDX"):
        steady = next((v for k, v in swift.items() if k.startswith(f"{tee} steady")), None)
        from_bytes = next((v for k, v in swift.items() if k.startswith(f"{tee} from bytes")), None)
        for case, mine, theirs in (("steady", steady, qvl[tee]["steady_us"]), ("from bytes", from_bytes, qvl[tee]["from_bytes_us"])):
            ratio = f"{mine / theirs:.2f}x" if mine and theirs else "n/a"
            print(f"{tee:6} {case:12} {mine if mine is not None else float('nan'):10.1f} {theirs:10.1f} {ratio:>7}")
    if floor:
        print(f"floor: one P-256 verify = {floor:.1f} µs; steady state needs 2 (QE report, quote), from bytes ≥ 9")
    if not swift:
        print("could not parse the Swift benchmark output:", file=sys.stderr)
        print(open(sys.argv[1]).read()[-3000:], file=sys.stderr)


if __name__ == "__main__":
    main()
