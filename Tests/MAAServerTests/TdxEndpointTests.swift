import Foundation
import Hummingbird
import HummingbirdTesting
import MAADCAP
import MAAJOSE
import MAAServer
import MAAService
import MAATesting
import MAAWire
import Testing

@Suite("TDX attest endpoint over loopback (real evidence)")
struct TdxEndpointTests {
    static let quotePath = "evidence/tdx/dcapqvl_tdx_quote.bin"
    static let mrtd = "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7"

    static func fixture() async throws -> ServerFixture {
        let collateral = CollateralStore()
        collateral.add(try VerifiedCollateral(try CollateralBundle(jsonBytes: try SharedData.bytes(
            "evidence/tdx/dcapqvl_tdx_quote_collateral.json"
        ))))
        return try await ServerFixture.make(evidence: EvidenceVerification(collateral: collateral, collateralTime: 1_752_919_234))
    }

    static var quote: [UInt8] { get throws { try SharedData.bytes(quotePath) } }

    /// Posts `body` to `/aad1/attest/<type>` as the reader.
    static func post(
        _ client: any TestClientProtocol, _ body: String, type: String = "TdxVm", apiVersion: String = "2022-08-01"
    ) async throws -> TestResponse {
        var fields = bearer(ServerFixture.readerToken)
        fields[.contentType] = "application/json"
        return try await client.execute(
            uri: "/aad1/attest/\(type)?api-version=\(apiVersion)", method: .post, headers: fields, body: ByteBuffer(string: body)
        )
    }

    @Test func aTdxQuoteGivesASignedTdxToken() async throws {
        let fixture = try await Self.fixture()
        try await fixture.live { client in
            let body = #"{"quote":"\#(Base64.urlEncoded(try Self.quote))","nonce":"n-tdx"}"#
            let response = try await Self.post(client, body)
            #expect(response.status == .ok, "\(response.text)")
            let token = try AttestationToken(compact: try #require(response.json?["token"] as? String))
            let certs = try await client.execute(uri: "/aad1/certs", method: .get)
            var options = TokenValidationOptions()
            options.issuer = "http://localhost:8080/aad1"
            options.currentTime = { Date(timeIntervalSince1970: 1_800_000_000) }
            try token.validate(signers: try AttestationSigner.signers(from: try JWKS(parsing: Array(certs.text.utf8))), options: options)
            #expect(token.claims["x-ms-attestation-type"]?.stringValue == "tdxvm")
            #expect(token.claims["tdx_mrtd"]?.stringValue == Self.mrtd)
            #expect(token.claims["attester_tcb_status"]?.stringValue == "UpToDate")
            #expect(token.claims["nonce"]?.stringValue == "n-tdx")
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.text.contains(#"maa_attestations_total{type="TdxVm",outcome="success"} 1"#)
                || metrics.text.contains(#"maa_attestations_total{outcome="success",type="TdxVm"} 1"#))
        }
    }

    @Test func anOldApiVersionIsRefused() async throws {
        let fixture = try await Self.fixture()
        try await fixture.live { client in
            let body = #"{"quote":"\#(Base64.urlEncoded(try Self.quote))"}"#
            for type in ["TdxVm", "SevSnpVm"] {
                let response = try await Self.post(client, body, type: type, apiVersion: "2020-10-01")
                #expect(response.status == .badRequest, "\(type)")
                #expect(response.errorCode == "InvalidApiVersionParameter", "\(type)")
                #expect(response.text.contains("2022-08-01"), "\(type)")
            }
        }
    }

    @Test func sevSnpRefusesWhatIsNotAnSevSnpDocument() async throws {
        let fixture = try await Self.fixture()
        try await fixture.live { client in
            let response = try await Self.post(client, #"{"report":"AAAA"}"#, type: "SevSnpVm")
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "InvalidParameter")
            #expect(response.text.contains("envelopeMalformed"))
        }
    }

    @Test func badRequestsAreRefusedWithMAACodes() async throws {
        let fixture = try await Self.fixture()
        try await fixture.live { client in
            let encoded = Base64.urlEncoded(try Self.quote)
            // The member is `quote`, as for SgxEnclave.
            let report = try await Self.post(client, #"{"report":"\#(encoded)"}"#)
            #expect(report.status == .badRequest)
            #expect(report.errorCode == "InvalidParameter")
            let missing = try await Self.post(client, #"{"nonce":"x"}"#)
            #expect(missing.status == .badRequest)
            #expect(missing.text.contains("quote"))
            // A flipped byte in the TD report body breaks the quote signature.
            var flipped = try Self.quote
            flipped[300] ^= 0x80
            let tampered = try await Self.post(client, #"{"quote":"\#(Base64.urlEncoded(flipped))"}"#)
            #expect(tampered.status == .badRequest)
            #expect(tampered.errorCode == "InvalidParameter")
            // Runtime data whose SHA-256 is not in the report data.
            let runtime = Base64.urlEncoded(Array(#"{"k":1}"#.utf8))
            let unbound = try await Self.post(
                client, #"{"quote":"\#(encoded)","runtimeData":{"data":"\#(runtime)","dataType":"JSON"}}"#
            )
            #expect(unbound.status == .badRequest)
            #expect(unbound.errorCode == "InvalidParameter")
            #expect(unbound.text.contains("runtimeData"))
            // A draft policy that denies: no token, PolicyEvaluationError.
            let deny = #"version=1.0; authorizationrules{ [type==\"tdx_td_attributes_debug\", value==false] => deny(); }; issuancerules{};"#
            let denied = try await Self.post(client, #"{"quote":"\#(encoded)","draftPolicyForAttestation":"\#(deny)"}"#)
            #expect(denied.status == .badRequest)
            #expect(denied.errorCode == "PolicyEvaluationError")
            #expect(denied.json?["token"] == nil)
        }
    }
}
