"""Drives this project's server with the unmodified official Python SDK (azure-security-attestation 1.0.0).

Run by Tests/Interop/run.sh, which starts `attest serve` on a fresh data directory with two instances:
an AAD-mode instance and an isolated instance (policy signer = ISOLATED_SIGNER_*), both accepting the
recorded quote's OutOfDate TCB status, with collateral judged as of the pinned collateral time.
Every token the SDK receives passes its default validation plus validate_issuer=True.
"""
import base64
import hashlib
import json
import os

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError
from azure.security.attestation import (
    AttestationAdministrationClient,
    AttestationClient,
    AttestationPolicyToken,
    AttestationType,
    CertificateModification,
    PolicyModification,
)

SHARED = os.environ["SHARED_DIR"]
AAD_URL = os.environ["ATTEST_AAD_URL"]
ISO_URL = os.environ["ATTEST_ISOLATED_URL"]
API_TOKEN = os.environ["ATTEST_API_TOKEN"]
ISO_KEY = open(os.environ["ISOLATED_SIGNER_KEY"]).read()
ISO_CERT = open(os.environ["ISOLATED_SIGNER_CERT"]).read()
OTHER_KEY = open(os.environ["OTHER_SIGNER_KEY"]).read()
OTHER_CERT = open(os.environ["OTHER_SIGNER_CERT"]).read()

QUOTE = open(os.path.join(SHARED, "maa-data/sgx/sgx_quote_v3.bin"), "rb").read()
REPORT = open(os.path.join(SHARED, "maa-data/sgx/open_enclave_report.bin"), "rb").read()
RUNTIME = open(os.path.join(SHARED, "maa-data/sgx/runtime_data.bin"), "rb").read()
MRENCLAVE = "b779202618becb636768e5d902f28d524222735fafb539ea9ba07c3fc171a1c2"
MRSIGNER = "2c1a44952ae8207135c6c29b75b8c029372ee94b677e15c20bd42340f10d41aa"
MINIMAL_POLICY = open(os.path.join(SHARED, "maa-data/policies/minimal_permit_all_policy.txt")).read()

# http on loopback: the SDK refuses to send a bearer token over http unless told per call.
CALL = {"enforce_https": False}


class StubCredential:
    def get_token(self, *scopes, **kwargs):
        assert scopes == ("https://attest.azure.net/.default",)
        return AccessToken(API_TOKEN, 2_000_000_000)


def attestation_client(url):
    return AttestationClient(url, StubCredential(), validate_issuer=True, issuer=url)


def admin_client(url):
    return AttestationAdministrationClient(url, StubCredential(), validate_issuer=True, issuer=url)


@pytest.mark.parametrize("url", [AAD_URL, ISO_URL])
def test_openid_metadata(url):
    metadata = attestation_client(url).get_open_id_metadata(**CALL)
    assert metadata["issuer"] == url
    assert metadata["jwks_uri"] == url + "/certs"
    assert metadata["response_types_supported"] is not None


@pytest.mark.parametrize("url", [AAD_URL, ISO_URL])
def test_signing_certificates(url):
    signers = attestation_client(url).get_signing_certificates(**CALL)
    assert len(signers) >= 1
    for signer in signers:
        assert signer.key_id
        assert signer.certificates[0].startswith("-----BEGIN CERTIFICATE-----")


def test_attest_sgx_binary_runtime_data():
    result, token = attestation_client(AAD_URL).attest_sgx_enclave(QUOTE, runtime_data=RUNTIME, **CALL)
    assert token.algorithm == "RS256"
    assert token.issuer == AAD_URL
    assert result.mr_enclave == MRENCLAVE
    assert result.mr_signer == MRSIGNER
    assert result.product_id == 1
    assert result.svn == 1
    assert result.is_debuggable is False
    assert result.enclave_held_data == RUNTIME
    assert result.sgx_collateral["quotehash"] == hashlib.sha256(QUOTE).hexdigest()


def test_attest_sgx_json_runtime_data():
    result, _ = attestation_client(AAD_URL).attest_sgx_enclave(QUOTE, runtime_json=RUNTIME, **CALL)
    assert result.runtime_claims == json.loads(RUNTIME)
    assert result.enclave_held_data is None


def test_attest_open_enclave():
    result, token = attestation_client(AAD_URL).attest_open_enclave(REPORT, runtime_data=RUNTIME, **CALL)
    assert result.mr_enclave == MRENCLAVE
    assert result.sgx_collateral["quotehash"] == hashlib.sha256(REPORT).hexdigest()


def test_attest_with_draft_policy_returns_unsecured_token():
    draft = "version=1.0; authorizationrules{=> permit();}; issuancerules{=> issue(type=\"draft\", value=true);};"
    result, token = attestation_client(AAD_URL).attest_open_enclave(
        REPORT, runtime_json=RUNTIME, draft_policy=draft, **CALL)
    assert token.algorithm == "none"
    expected = hashlib.sha256(base64.urlsafe_b64encode(draft.encode()).rstrip(b"=")).digest()
    assert result.policy_hash == expected


def test_runtime_data_binding_is_enforced():
    with pytest.raises(HttpResponseError) as error:
        attestation_client(AAD_URL).attest_sgx_enclave(QUOTE, runtime_data=RUNTIME + b" ", **CALL)
    assert error.value.status_code == 400


def expected_hash(policy, key=None, cert=None):
    token = AttestationPolicyToken(policy, signing_key=key, signing_certificate=cert)
    return hashlib.sha256(token.to_jwt_string().encode("ascii")).digest()


def test_aad_get_set_reset_unsigned():
    admin = admin_client(AAD_URL)
    policy, _ = admin.get_policy(AttestationType.SGX_ENCLAVE, **CALL)
    assert "version=" in policy
    result, _ = admin.set_policy(AttestationType.SGX_ENCLAVE, MINIMAL_POLICY, **CALL)
    assert result.policy_resolution == PolicyModification.UPDATED
    assert result.policy_token_hash == expected_hash(MINIMAL_POLICY)
    policy, _ = admin.get_policy(AttestationType.SGX_ENCLAVE, **CALL)
    assert policy == MINIMAL_POLICY
    result, _ = admin.reset_policy(AttestationType.SGX_ENCLAVE, **CALL)
    assert result.policy_resolution == PolicyModification.REMOVED
    assert result.policy_token_hash is None


def test_aad_set_signed():
    admin = admin_client(AAD_URL)
    result, _ = admin.set_policy(AttestationType.OPEN_ENCLAVE, MINIMAL_POLICY,
                                 signing_key=OTHER_KEY, signing_certificate=OTHER_CERT, **CALL)
    assert result.policy_token_hash == expected_hash(MINIMAL_POLICY, OTHER_KEY, OTHER_CERT)
    assert result.policy_signer.certificates[0].strip() == OTHER_CERT.strip()
    admin.reset_policy(AttestationType.OPEN_ENCLAVE, signing_key=OTHER_KEY, signing_certificate=OTHER_CERT, **CALL)


def test_isolated_signed_set_and_attest():
    admin = admin_client(ISO_URL)
    result, _ = admin.set_policy(AttestationType.SGX_ENCLAVE, MINIMAL_POLICY,
                                 signing_key=ISO_KEY, signing_certificate=ISO_CERT, **CALL)
    assert result.policy_token_hash == expected_hash(MINIMAL_POLICY, ISO_KEY, ISO_CERT)
    policy, _ = admin.get_policy(AttestationType.SGX_ENCLAVE, **CALL)
    assert policy == MINIMAL_POLICY
    attest_result, token = attestation_client(ISO_URL).attest_sgx_enclave(QUOTE, runtime_data=RUNTIME, **CALL)
    assert token.issuer == ISO_URL
    assert attest_result.mr_enclave == MRENCLAVE
    admin.reset_policy(AttestationType.SGX_ENCLAVE, signing_key=ISO_KEY, signing_certificate=ISO_CERT, **CALL)


def test_isolated_refuses_unsigned_policy():
    with pytest.raises(HttpResponseError) as error:
        admin_client(ISO_URL).set_policy(AttestationType.SGX_ENCLAVE, MINIMAL_POLICY, **CALL)
    assert error.value.status_code == 400


def test_isolated_refuses_untrusted_signer():
    with pytest.raises(HttpResponseError) as error:
        admin_client(ISO_URL).set_policy(AttestationType.SGX_ENCLAVE, MINIMAL_POLICY,
                                         signing_key=OTHER_KEY, signing_certificate=OTHER_CERT, **CALL)
    assert error.value.status_code == 400


def test_isolated_policy_management_certificates():
    admin = admin_client(ISO_URL)
    certificates, _ = admin.get_policy_management_certificates(**CALL)
    assert any(c[0].strip() == ISO_CERT.strip() for c in certificates)
    result, _ = admin.add_policy_management_certificate(OTHER_CERT, signing_key=ISO_KEY,
                                                        signing_certificate=ISO_CERT, **CALL)
    assert result.certificate_resolution == CertificateModification.IS_PRESENT
    der = base64.b64decode("".join(l for l in OTHER_CERT.splitlines() if "-----" not in l))
    assert result.certificate_thumbprint == hashlib.sha1(der).hexdigest().upper()
    again, _ = admin.add_policy_management_certificate(OTHER_CERT, signing_key=ISO_KEY,
                                                       signing_certificate=ISO_CERT, **CALL)
    assert again.certificate_resolution == CertificateModification.IS_PRESENT
    certificates, _ = admin.get_policy_management_certificates(**CALL)
    assert any(c[0].strip() == OTHER_CERT.strip() for c in certificates)
    result, _ = admin.remove_policy_management_certificate(OTHER_CERT, signing_key=ISO_KEY,
                                                           signing_certificate=ISO_CERT, **CALL)
    assert result.certificate_resolution == CertificateModification.IS_ABSENT
    again, _ = admin.remove_policy_management_certificate(OTHER_CERT, signing_key=ISO_KEY,
                                                          signing_certificate=ISO_CERT, **CALL)
    assert again.certificate_resolution == CertificateModification.IS_ABSENT


def test_tpm_first_round():
    # As the SDK's own test: a TPM policy must be set first, then the init message gets a challenge.
    admin = admin_client(AAD_URL)
    tpm_policy = "version=1.2; authorizationrules { => permit(); }; issuancerules { };"
    result, _ = admin.set_policy(AttestationType.TPM, tpm_policy, **CALL)
    assert result.policy_resolution == PolicyModification.UPDATED
    reply = attestation_client(AAD_URL).attest_tpm('{"payload": {"type": "aikcert"}}', **CALL)
    payload = json.loads(reply)["payload"]
    assert len(base64.urlsafe_b64decode(payload["challenge"] + "==")) == 16
    context = json.loads(base64.urlsafe_b64decode(payload["service_context"] + "=" * (-len(payload["service_context"]) % 4)))
    assert len(context["ProtectionKeyName"]) == 64
    assert context["ProtectedContext"]
