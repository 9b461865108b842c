import Foundation
import MAAClient
import MAAJOSE
import MAAModels
import MAAService
import MAATesting
import MAAWire
import Testing

/// `AttestationClient.attestSevSnpVm` and `attest snp` against this project's server over real loopback HTTP with
/// the Milan evidence at its pinned time; the client validates the token against the server's published keys.
@Suite struct SevSnpClientServerTests {
    static func evidence() -> EvidenceVerification {
        EvidenceVerification(collateralTime: SevSnpTestPKI.milanVerifyTime)
    }

    @Test func aSevSnpTokenRoundTripsAndValidatesAgainstThePublishedKeys() async throws {
        try await CompatibilityServer.run(evidence: Self.evidence()) { server in
            let client = try TdxClientServerTests.client(server)
            let response = try await client.attestSevSnpVm(report: try SevSnpTestPKI.milanEvidenceDocument(), nonce: "snp-round-trip")
            let token = try #require(response.token)
            #expect(token.isUnsecured == false)
            #expect(response.value.issuer == client.endpoint)
            #expect(response.value.claims["x-ms-attestation-type"] == .string("sevsnpvm"))
            #expect(response.value.claims["x-ms-sevsnpvm-microcode-svn"] == .integer(115))
            #expect(response.value.claims["x-ms-sevsnpvm-smt-allowed"] == .bool(true))
            #expect(response.value.claims["nonce"] == .string("snp-round-trip"))
            let signer = try #require(response.signer)
            let published = try await client.getSigningCertificates().value
            #expect(published.contains { $0.keyID == signer.keyID && $0.keyID == token.keyID })
            let validated = try await client.validateToken(token.compact)
            #expect(validated.signer?.keyID == signer.keyID)

            // A tampered report: 400 InvalidParameter.
            var report = try SevSnpTestPKI.milanReport()
            report[0x90] ^= 0x01
            let tampered = await #expect(throws: AttestationClientError.self) {
                _ = try await client.attestSevSnpVm(report: SevSnpTestPKI.evidenceDocument(report: report, certificates: try SevSnpTestPKI.milanChain()))
            }
            #expect(tampered?.statusCode == 400)
            #expect(tampered?.serviceErrorCode == "InvalidParameter")
        }
    }

    @Test func theAttestSnpCommandGetsAValidatedToken() async throws {
        try await CompatibilityServer.run(evidence: Self.evidence()) { server in
            let file = try RemoteCommandTests.file(try SevSnpTestPKI.milanEvidenceDocument(), ".json")
            let remote = RemoteCommandTests.remote(server, "aad1")
            let json = try await RemoteCommandTests.attest(
                ["snp", "--report", file, "--nonce", "cli-snp", "--json"] + remote, token: CompatibilityServer.readerToken)
            #expect(json.status == 0, "\(json.stderr)")
            #expect(json.json?["unsecured"] == .bool(false))
            #expect(json.json?["claims"]?["x-ms-attestation-type"]?.stringValue == "sevsnpvm")
            #expect(json.json?["claims"]?["x-ms-sevsnpvm-bootloader-svn"]?.integerValue == 3)
            #expect(json.json?["claims"]?["nonce"]?.stringValue == "cli-snp")
        }
    }
}
