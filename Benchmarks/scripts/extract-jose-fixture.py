#!/usr/bin/env python3
"""Writes Benchmarks/.build/jose-fixture.json: the first recorded RS256 SgxEnclave attestation token and the
/certs JWKS of its instance, taken from ../shared/maa-data/recordings (the same input for both benchmarks)."""
import json, os, sys
import yaml

here = os.path.dirname(os.path.abspath(__file__))
rec = os.path.join(here, "..", "..", "..", "shared", "maa-data", "recordings", "test_attestation.test_attest_sgx_enclave.yaml")
data = yaml.safe_load(open(rec))["interactions"]
token = json.loads(data[0]["response"]["body"]["string"])["token"]
jwks = data[1]["response"]["body"]["string"]
out = os.path.join(here, "..", ".build", "jose-fixture.json")
os.makedirs(os.path.dirname(out), exist_ok=True)
json.dump({"token": token, "jwks": jwks}, open(out, "w"))
print(out)
