#!/usr/bin/env python3
"""The peer for the JOSE benchmark: the official Python SDK (azure-security-attestation==1.0.0) validating the
same recorded token the way AttestationClient.attest_sgx_enclave does after each call:
AttestationToken(...), _validate_token(signers, ...), AttestationResult._from_generated(body).
Signers are built once from the recorded /certs, as the SDK caches them. Expiry is not checked (the token expired
in 2021; the SDK cannot validate as of a past time)."""
import json, os, sys, time
from azure.security.attestation import AttestationToken, AttestationSigner, AttestationResult
from azure.security.attestation._generated.models import AttestationResult as GeneratedAttestationResult, JSONWebKeySet

here = os.path.dirname(os.path.abspath(__file__))
fixture = json.load(open(os.path.join(here, "..", ".build", "jose-fixture.json")))
jwks = JSONWebKeySet.deserialize(json.loads(fixture["jwks"]))
signers = [AttestationSigner._from_generated(key) for key in jwks.keys]
compact = fixture["token"]

def once():
    token = AttestationToken(token=compact, body_type=GeneratedAttestationResult)
    token._validate_token(signers, validate_expiration=False, validate_not_before=False)
    return AttestationResult._from_generated(token._get_body())

once()
duration = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
count = 0
start = time.perf_counter()
cpu_start = time.process_time()
while time.perf_counter() - start < duration:
    for _ in range(100):
        once()
    count += 100
elapsed = time.perf_counter() - start
cpu = time.process_time() - cpu_start
print(f"python-sdk azure-security-attestation 1.0.0, full (parse + validate + AttestationResult): "
      f"{count / elapsed:,.0f} validations/s wall ({elapsed / count * 1e6:.1f} us each), "
      f"{cpu / count * 1e6:.1f} us CPU each")

# The validation alone, without building the AttestationResult model.
count = 0
cpu_start = time.process_time()
while time.process_time() - cpu_start < duration:
    for _ in range(100):
        token = AttestationToken(token=compact, body_type=GeneratedAttestationResult)
        token._validate_token(signers, validate_expiration=False, validate_not_before=False)
    count += 100
cpu = time.process_time() - cpu_start
print(f"python-sdk azure-security-attestation 1.0.0, validation only: {cpu / count * 1e6:.1f} us CPU each "
      f"({count / cpu:,.0f}/s of CPU)")
