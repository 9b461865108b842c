import Foundation
import Hummingbird
import HummingbirdTesting
import MAAJOSE
import MAAServer
import MAAService
import MAATesting
import MAAWire
import Testing

@Suite("SEV-SNP attest endpoint over loopback (real evidence)")
struct SevSnpEndpointTests {
    static func fixture() async throws -> ServerFixture {
        try await ServerFixture.make(evidence: EvidenceVerification(collateralTime: SevSnpTestPKI.milanVerifyTime))
    }

    static func post(_ client: any TestClientProtocol, _ body: String) async throws -> TestResponse {
        try await TdxEndpointTests.post(client, body, type: "SevSnpVm")
    }

    @Test func theMilanReportGivesASignedSevSnpToken() async throws {
        let fixture = try await Self.fixture()
        try await fixture.live { client in
            let document = try SevSnpTestPKI.milanEvidenceDocument()
            let response = try await Self.post(client, #"{"report":"\#(Base64.urlEncoded(document))","nonce":"n-snp"}"#)
            #expect(response.status == .ok, "\(response.text)")
            let token = try AttestationToken(compact: try #require(response.json?["token"] as? String))
            let certs = try await client.execute(uri: "/aad1/certs", method: .get)
            var options = TokenValidationOptions()
            options.issuer = "http://localhost:8080/aad1"
            options.currentTime = { Date(timeIntervalSince1970: 1_800_000_000) }
            try token.validate(signers: try AttestationSigner.signers(from: try JWKS(parsing: Array(certs.text.utf8))), options: options)
            #expect(token.claims["x-ms-attestation-type"]?.stringValue == "sevsnpvm")
            #expect(token.claims["x-ms-sevsnpvm-snpfw-svn"] == .integer(8))
            #expect(token.claims["x-ms-sevsnpvm-is-debuggable"] == .bool(false))
            #expect(token.claims["nonce"]?.stringValue == "n-snp")
            // The standard alphabet with padding is accepted for SevSnpVm's `report`.
            let standard = try await Self.post(client, #"{"report":"\#(Base64.standardEncoded(document))"}"#)
            #expect(standard.status == .ok, "\(standard.text)")
        }
    }

    @Test func badEvidenceIsRefusedWithMAAErrorBodies() async throws {
        let fixture = try await Self.fixture()
        try await fixture.live { client in
            var report = try SevSnpTestPKI.milanReport()
            report[21] ^= 0x01
            let tampered = SevSnpTestPKI.evidenceDocument(report: report, certificates: try SevSnpTestPKI.milanChain())
            let flipped = try await Self.post(client, #"{"report":"\#(Base64.urlEncoded(tampered))"}"#)
            #expect(flipped.status == .badRequest)
            #expect(flipped.errorCode == "InvalidParameter")
            #expect(flipped.text.contains("reportSignatureInvalid"))

            let encoded = Base64.urlEncoded(try SevSnpTestPKI.milanEvidenceDocument())
            let runtime = Base64.urlEncoded(Array(#"{"k":1}"#.utf8))
            let unbound = try await Self.post(client, #"{"report":"\#(encoded)","runtimeData":{"data":"\#(runtime)","dataType":"JSON"}}"#)
            #expect(unbound.status == .badRequest)
            #expect(unbound.errorCode == "InvalidParameter")
            #expect(unbound.text.contains("runtimeData"))

            let deny = #"version=1.0; authorizationrules{ [type==\"x-ms-sevsnpvm-smt-allowed\", value==true] => deny(); }; issuancerules{};"#
            let denied = try await Self.post(client, #"{"report":"\#(encoded)","draftPolicyForAttestation":"\#(deny)"}"#)
            #expect(denied.status == .badRequest)
            #expect(denied.errorCode == "PolicyEvaluationError")
            #expect(denied.json?["token"] == nil)

            let quote = try await Self.post(client, #"{"quote":"\#(encoded)"}"#)
            #expect(quote.status == .badRequest)
            let notJSON = try await Self.post(client, #"{"report":"\#(Base64.urlEncoded(Array("not json".utf8)))"}"#)
            #expect(notJSON.status == .badRequest)
            #expect(notJSON.text.contains("envelopeMalformed"))
        }
    }
}
