#!/usr/bin/env python3
"""Times dcap-qvl (PyPI, Rust verifier with Python bindings) on the same SGX and TDX quotes and collateral
as the Swift DCAPBenchmarks target, and prints median per-quote times in microseconds as JSON.

(a) steady state: the collateral object is built once, verify() per quote (dcap-qvl still parses CRLs,
    certificates and TCB JSON inside every verify call; it has no verified-collateral cache).
(b) from bytes: QuoteCollateralV3.from_json(text) + verify() per quote.
"""
import json
import os
import statistics
import sys
import time

import dcap_qvl

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "evidence")
SAMPLES = [
    ("SGX", "sgx-dcap/dcapqvl_sgx_quote.bin", "sgx-dcap/dcapqvl_sgx_quote_collateral.json", 1752919277),
    ("TDX", "tdx/dcapqvl_tdx_quote.bin", "tdx/dcapqvl_tdx_quote_collateral.json", 1752919234),
]


def median_us(fn, seconds=3.0, max_iterations=20000):
    times = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and len(times) < max_iterations:
        start = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - start) / 1000.0)
    return statistics.median(times), len(times)


def main():
    out = {"dcap_qvl_version": getattr(dcap_qvl, "__version__", None) or "0.7.0"}
    for name, quote_path, collateral_path, now in SAMPLES:
        quote = open(os.path.join(ROOT, quote_path), "rb").read()
        text = open(os.path.join(ROOT, collateral_path)).read()
        collateral = dcap_qvl.QuoteCollateralV3.from_json(text)
        result = dcap_qvl.verify(quote, collateral, now)
        steady, n1 = median_us(lambda: dcap_qvl.verify(quote, collateral, now))
        from_bytes, n2 = median_us(lambda: dcap_qvl.verify(quote, dcap_qvl.QuoteCollateralV3.from_json(text), now))
        out[name] = {"status": result.status, "steady_us": steady, "from_bytes_us": from_bytes, "iterations": [n1, n2]}
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
