import Foundation
import MAAClient
import MAADCAP
import MAAJOSE
import MAAModels
import MAAService
import MAATesting
import MAAWire
import Testing

/// `AttestationClient.attestTdxVm` against this project's server over real loopback HTTP, with a real TDX quote and
/// its collateral at a pinned time; the client validates every secured token against the server's published keys.
@Suite struct TdxClientServerTests {
    static let mrtd = "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7"
    static var quote: [UInt8] { get throws { try SharedData.bytes("evidence/tdx/dcapqvl_tdx_quote.bin") } }

    static func evidence() throws -> EvidenceVerification {
        let collateral = CollateralStore()
        collateral.add(try VerifiedCollateral(try CollateralBundle(jsonBytes: try SharedData.bytes(
            "evidence/tdx/dcapqvl_tdx_quote_collateral.json"))))
        return EvidenceVerification(collateral: collateral, collateralTime: 1_752_919_234)
    }

    static func client(_ server: CompatibilityServer, apiVersion: APIVersion = .v2022_08_01) throws -> AttestationClient {
        var options = ClientServerCompatibilityTests.options()
        options.apiVersion = apiVersion
        return try AttestationClient(
            endpoint: "\(server.baseURL)/aad1", credential: StaticTokenCredential(CompatibilityServer.readerToken), options: options)
    }

    @Test func aTdxTokenRoundTripsAndValidatesAgainstThePublishedKeys() async throws {
        try await CompatibilityServer.run(evidence: try Self.evidence()) { server in
            let client = try Self.client(server)
            let response = try await client.attestTdxVm(quote: try Self.quote, nonce: "tdx-round-trip")
            let token = try #require(response.token)
            #expect(token.isUnsecured == false)
            #expect(response.value.issuer == client.endpoint)
            #expect(response.value.claims["x-ms-attestation-type"] == .string("tdxvm"))
            #expect(response.value.claims["tdx_mrtd"] == .string(Self.mrtd))
            #expect(response.value.claims["attester_tcb_status"] == .string("UpToDate"))
            #expect(response.value.claims["nonce"] == .string("tdx-round-trip"))

            // The signer that verified it is one of the instance's published signing certificates.
            let signer = try #require(response.signer)
            let published = try await client.getSigningCertificates().value
            #expect(published.contains { $0.keyID == signer.keyID && $0.keyID == token.keyID })
            // A relying party given only the token validates it the same way.
            let validated = try await client.validateToken(token.compact)
            #expect(validated.signer?.keyID == signer.keyID)
            // The same token with one claim changed does not validate.
            let parts = token.compact.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let claims = try JSONValue(parsing: try Base64.decode(parts[1], alphabet: .url))
            guard case .object(var object) = claims else { Issue.record("claims are not an object"); return }
            object["attester_tcb_status"] = "OutOfDate"
            let forged = [parts[0], Base64.urlEncoded(JSONValue.object(object).serializedBytes(.maa)), parts[2]].joined(separator: ".")
            await #expect(throws: AttestationClientError.self) { _ = try await client.validateToken(forged) }
        }
    }

    @Test func theAttestTdxCommandGetsAValidatedToken() async throws {
        try await CompatibilityServer.run(evidence: try Self.evidence()) { server in
            let quote = SharedData.url("evidence/tdx/dcapqvl_tdx_quote.bin").path
            let remote = RemoteCommandTests.remote(server, "aad1")
            let json = try await RemoteCommandTests.attest(
                ["tdx", "--quote", quote, "--nonce", "cli-nonce", "--json"] + remote, token: CompatibilityServer.readerToken)
            #expect(json.status == 0, "\(json.stderr)")
            #expect(json.json?["unsecured"] == .bool(false))
            #expect(json.json?["claims"]?["tdx_mrtd"]?.stringValue == Self.mrtd)
            #expect(json.json?["claims"]?["x-ms-attestation-type"]?.stringValue == "tdxvm")
            #expect(json.json?["claims"]?["nonce"]?.stringValue == "cli-nonce")
            // A tampered quote: the service refuses it, exit 1.
            var flipped = try Self.quote
            flipped[200] ^= 0x01
            let tampered = try await RemoteCommandTests.attest(
                ["tdx", "--quote", try RemoteCommandTests.file(flipped, ".bin")] + remote, token: CompatibilityServer.readerToken)
            #expect(tampered.status == 1, "\(tampered.stderr)")
            #expect(tampered.stderr.contains("InvalidParameter"))
        }
    }

    @Test func draftPoliciesAndRefusalsOverHTTP() async throws {
        try await CompatibilityServer.run(evidence: try Self.evidence()) { server in
            let client = try Self.client(server)
            let draft = #"version=1.0; authorizationrules{=> permit();}; issuancerules{ c:[type=="tdx_mrtd"] => issue(type="image", value=c.value); };"#
            let drafted = try await client.attestTdxVm(quote: try Self.quote, draftPolicy: draft)
            #expect(drafted.token?.isUnsecured == true)
            #expect(drafted.value.claims["image"] == .string(Self.mrtd))

            // Runtime data that the quote does not bind.
            let unbound = await #expect(throws: AttestationClientError.self) {
                _ = try await client.attestTdxVm(quote: try Self.quote, runtimeData: .json(Array(#"{"k":"v"}"#.utf8)))
            }
            #expect(unbound?.statusCode == 400)
            #expect(unbound?.serviceErrorCode == "InvalidParameter")

            // A denying draft policy: no token.
            let deny = #"version=1.0; authorizationrules{ [type=="tdx_td_attributes_debug", value==false] => deny(); }; issuancerules{};"#
            let denied = await #expect(throws: AttestationClientError.self) {
                _ = try await client.attestTdxVm(quote: try Self.quote, draftPolicy: deny)
            }
            #expect(denied?.serviceErrorCode == "PolicyEvaluationError")

            // A tampered quote.
            var flipped = try Self.quote
            flipped[200] ^= 0x01
            let tampered = await #expect(throws: AttestationClientError.self) {
                _ = try await client.attestTdxVm(quote: flipped)
            }
            #expect(tampered?.statusCode == 400)

            // Bytes that are not an SEV-SNP document are refused as invalid evidence.
            let snp = await #expect(throws: AttestationClientError.self) {
                _ = try await client.attestSevSnpVm(report: [1, 2, 3])
            }
            #expect(snp?.statusCode == 400)
        }
    }
}
