import Foundation
import MAAClient
import MAAJOSE
import MAAModels
import MAATesting
import MAAWire
import Testing
import X509

/// MAAClient against this project's own server over real loopback connections (AsyncHTTPClient ↔ Hummingbird):
/// every token the server issues must validate under the client's secure defaults, with the issuer being the
/// instance URL the client was given.
@Suite struct ClientServerCompatibilityTests {
    static func options() -> AttestationClientOptions {
        var options = AttestationClientOptions()
        options.unsafeAllowInsecureHTTP = true  // loopback only
        options.retryPolicy = .none
        options.tokenValidation = .at(Date(timeIntervalSince1970: Double(CompatibilityServer.now + 5)))
        return options
    }

    static func attestationClient(_ server: CompatibilityServer, _ instance: String, token: String = CompatibilityServer.readerToken) throws -> AttestationClient {
        try AttestationClient(endpoint: "\(server.baseURL)/\(instance)", credential: StaticTokenCredential(token), options: options())
    }

    static func adminClient(_ server: CompatibilityServer, _ instance: String) throws -> AttestationAdministrationClient {
        try AttestationAdministrationClient(
            endpoint: "\(server.baseURL)/\(instance)", credential: StaticTokenCredential(CompatibilityServer.adminToken),
            options: options())
    }

    static var report: [UInt8] { get throws { try SharedData.bytes("maa-data/sgx/open_enclave_report.bin") } }
    static var runtime: [UInt8] { get throws { try SharedData.bytes("maa-data/sgx/runtime_data.bin") } }
    static let mrSigner = "2c1a44952ae8207135c6c29b75b8c029372ee94b677e15c20bd42340f10d41aa"

    @Test func metadataAndSignersDescribeTheInstance() async throws {
        try await CompatibilityServer.run { server in
            let client = try Self.attestationClient(server, "aad1")
            let metadata = try await client.getOpenIDMetadata().value
            #expect(metadata.issuer == client.endpoint)
            #expect(metadata.jwksURI == client.endpoint + "/certs")
            let signers = try await client.getSigningCertificates().value
            #expect(!signers.isEmpty)
            #expect(signers.allSatisfy { $0.keyID != nil && !$0.certificates.isEmpty })
        }
    }

    @Test(arguments: [AttestationData.DataType.binary, .json])
    func openEnclaveAndSGXAttestationValidate(_ dataType: AttestationData.DataType) async throws {
        try await CompatibilityServer.run { server in
            let client = try Self.attestationClient(server, "aad1")
            let report = try Self.report
            let runtime = AttestationData(bytes: try Self.runtime, dataType: dataType)
            let oe = try await client.attestOpenEnclave(report: report, runtimeData: runtime, nonce: "compat-nonce")
            #expect(oe.value.sgxMrSigner.map(Hex.encode) == Self.mrSigner)
            #expect(oe.value.issuer == client.endpoint)
            #expect(oe.signer?.keyID == oe.token?.keyID)
            if dataType == .binary {
                #expect(oe.value.enclaveHeldData == runtime.bytes)
            } else {
                #expect(oe.value.runtimeClaims?["jwk"]?["crv"]?.stringValue == "P-256")
            }
            let sgx = try await client.attestSgxEnclave(quote: Array(report.dropFirst(16)), runtimeData: runtime)
            #expect(sgx.value.sgxMrSigner.map(Hex.encode) == Self.mrSigner)
            #expect(sgx.token?.isUnsecured == false)
        }
    }

    @Test func aDraftPolicyGivesAnUnsecuredTokenOnlyForThatCall() async throws {
        try await CompatibilityServer.run { server in
            let client = try Self.attestationClient(server, "aad1")
            let draft = "version=1.0; authorizationrules{=>permit();}; issuancerules{ => issue(type=\"compat\", value=true); };"
            let response = try await client.attestOpenEnclave(
                report: try Self.report, runtimeData: .binary(try Self.runtime), draftPolicy: draft)
            #expect(response.token?.isUnsecured == true)
            #expect(response.value.claims["compat"] == .bool(true))
        }
    }

    @Test func badEvidenceIsAServiceErrorWithMAACode() async throws {
        try await CompatibilityServer.run { server in
            let client = try Self.attestationClient(server, "aad1")
            var report = try Self.report
            report[100] ^= 0xff
            let error = await #expect(throws: AttestationClientError.self) {
                _ = try await client.attestOpenEnclave(report: report, runtimeData: .binary(try Self.runtime))
            }
            #expect(error?.code == .serviceError)
            #expect(error?.statusCode == 400)
            #expect(error?.serviceErrorCode != nil)
        }
    }

    @Test func authenticationAndNotFoundMapToTheirCodes() async throws {
        try await CompatibilityServer.run { server in
            let wrong = try Self.attestationClient(server, "aad1", token: "not-a-valid-token-0123456789")
            await #expect(throws: AttestationClientError.authenticationFailed) {
                _ = try await wrong.attestOpenEnclave(report: try Self.report)
            }
            let missing = try Self.attestationClient(server, "nosuchinstance")
            await #expect(throws: AttestationClientError.notFound) {
                _ = try await missing.attestOpenEnclave(report: try Self.report)
            }
        }
    }

    @Test func tpmProtocolFirstRoundAndServiceContextChecks() async throws {
        try await CompatibilityServer.run { server in
            let admin = try Self.adminClient(server, "aad1")
            let set = try await admin.setPolicy("version=1.2; authorizationrules { => permit(); }; issuancerules { };", for: .tpm)
            #expect(set.value.outcome == .updated)
            let client = try Self.attestationClient(server, "aad1")
            let reply = try await client.attestTpm(Array(#"{"payload": {"type": "aikcert"}}"#.utf8))
            #expect(reply.token == nil)
            let payload = try #require(try JSONValue(parsing: reply.value)["payload"]?.objectValue)
            #expect(try Base64.decode(try #require(payload["challenge"]?.stringValue), alphabet: .url).count == 16)
            // A round-2 request whose JWS does not parse is refused with MAA's error body.
            let error = await #expect(throws: AttestationClientError.self) {
                _ = try await client.attestTpm(Array(#"{"payload":{"request":"not.a-jws"}}"#.utf8))
            }
            #expect(error?.statusCode == 400)
            #expect(error?.serviceErrorCode == "InvalidParameter")
        }
    }

    @Test func unsignedPoliciesRoundTripOnAnAADInstance() async throws {
        try await CompatibilityServer.run { server in
            let admin = try Self.adminClient(server, "aad1")
            let policy = "version=1.0; authorizationrules{=>permit();}; issuancerules{ => issue(type=\"compat\", value=1); };"
            // The client checks x-ms-policy-token-hash against the exact token it sent.
            let set = try await admin.setPolicy(policy, for: .openEnclave)
            #expect(set.value.outcome == .updated)
            #expect(set.value.confirmsReceipt(of: try admin.policyToken(policy, signer: nil)))
            let got = try await admin.getPolicy(for: .openEnclave)
            #expect(try got.value.policyText() == policy)
            #expect(got.value.policyToken?.compact == (try admin.policyToken(policy, signer: nil)).compact)

            let client = try Self.attestationClient(server, "aad1")
            let attested = try await client.attestOpenEnclave(report: try Self.report, runtimeData: .binary(try Self.runtime))
            #expect(attested.value.claims["compat"] == .integer(1))

            let reset = try await admin.resetPolicy(for: .openEnclave)
            #expect(reset.value.outcome == .removed)
            #expect(try await admin.getPolicy(for: .openEnclave).value.policyText() != policy)
        }
    }

    @Test func signedPoliciesAndPolicySignersOnAnIsolatedInstance() async throws {
        try await CompatibilityServer.run { server in
            let admin = try Self.adminClient(server, "iso")
            let (key, der) = try CompatibilityServer.policySigner.get()
            let signer = try PolicyTokenSigner(key: JWSSigningKey(rsa: key), certificateChainDER: [der])
            let policy = "version=1.0; authorizationrules{=>permit();}; issuancerules{};"

            // An isolated instance refuses unsigned policies.
            await #expect(throws: AttestationClientError.self) { _ = try await admin.setPolicy(policy, for: .sgxEnclave) }

            let set = try await admin.setPolicy(policy, for: .sgxEnclave, signer: signer)
            #expect(set.value.outcome == .updated)
            #expect(try set.value.policySigner?.certificateChainDER().first == der)
            #expect(try await admin.getPolicy(for: .sgxEnclave).value.policyText() == policy)
            _ = try await admin.resetPolicy(for: .sgxEnclave, signer: signer)

            // Policy-management certificates: list, add (idempotent), remove.
            let initial = try await admin.getPolicyManagementCertificates().value.certificates.keys
            #expect(try initial.map { try $0.certificateChainDER().first } == [der])
            let extra = try TestPKI.p256Signer(commonName: "second policy signer")
            let added = try await admin.addPolicyManagementCertificate(extra.der, signer: signer)
            #expect(added.value.outcome == .isPresent)
            #expect(try await admin.addPolicyManagementCertificate(extra.der, signer: signer).value.outcome == .isPresent)
            #expect(try await admin.getPolicyManagementCertificates().value.certificates.keys.count == 2)

            // The new signer (EC) can now sign policies.
            let ecSigner = try PolicyTokenSigner(key: JWSSigningKey(p256: extra.key), certificateChainDER: [extra.der])
            _ = try await admin.setPolicy(policy, for: .openEnclave, signer: ecSigner)

            let removed = try await admin.removePolicyManagementCertificate(extra.der, signer: signer)
            #expect(removed.value.outcome == .isAbsent)
            #expect(try await admin.getPolicyManagementCertificates().value.certificates.keys.count == 1)
        }
    }
}
