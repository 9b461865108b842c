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

@Suite("Attest endpoints over loopback (real evidence)")
struct AttestEndpointTests {
    static func fixture() async throws -> ServerFixture {
        let collateral = CollateralStore()
        collateral.add(try VerifiedCollateral(try CollateralBundle(jsonBytes: try SharedData.bytes(
            "evidence/assembled-collateral/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin.run1.collateral.json"
        ))))
        return try await ServerFixture.make(
            evidence: EvidenceVerification(collateral: collateral, collateralTime: 1_738_752_225)
        )
    }

    /// The request body the Python SDK sends for `attest_open_enclave(report, runtime_data=…)`.
    static func sdkBody(dataType: String) throws -> String {
        let report = try SharedData.text("maa-data/sgx/open_enclave_report.b64url").trimmingCharacters(in: .whitespacesAndNewlines)
        let runtime = try SharedData.text("maa-data/sgx/runtime_data.b64url").trimmingCharacters(in: .whitespacesAndNewlines)
        return #"{"report": "\#(report)", "runtimeData": {"data": "\#(runtime)", "dataType": "\#(dataType)"}}"#
    }

    @Test(arguments: ["JSON", "Binary"])
    func openEnclaveAttestation(dataType: String) async throws {
        let fixture = try await Self.fixture()
        try await fixture.live { client in
            var fields = bearer(ServerFixture.readerToken)
            fields[.contentType] = "application/json"
            let response = try await client.execute(
                uri: "/aad1/attest/OpenEnclave?api-version=2020-10-01", method: .post, headers: fields,
                body: ByteBuffer(string: try Self.sdkBody(dataType: dataType))
            )
            #expect(response.status == .ok, "\(response.text)")
            let token = try AttestationToken(compact: try #require(response.json?["token"] as? String))
            let certs = try await client.execute(uri: "/aad1/certs", method: .get)
            let jwks = try JWKS(parsing: Array(certs.text.utf8))
            var options = TokenValidationOptions()
            options.issuer = "http://localhost:8080/aad1"
            options.currentTime = { Date(timeIntervalSince1970: 1_800_000_000) }
            try token.validate(signers: try AttestationSigner.signers(from: jwks), options: options)
            #expect(token.claims["x-ms-sgx-mrsigner"]?.stringValue == "2c1a44952ae8207135c6c29b75b8c029372ee94b677e15c20bd42340f10d41aa")
            if dataType == "JSON" {
                #expect(token.claims["x-ms-runtime"]?["jwk"]?["crv"]?.stringValue == "P-256")
            } else {
                #expect(token.claims["x-ms-sgx-ehd"]?.stringValue != nil)
            }
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.text.contains(#"maa_attestations_total{type="OpenEnclave",outcome="success"} 1"#)
                || metrics.text.contains(#"maa_attestations_total{outcome="success",type="OpenEnclave"} 1"#))
        }
    }

    @Test func strictInstanceRefusesWithClearError() async throws {
        let fixture = try await Self.fixture()
        try await fixture.service.createInstance(InstanceSpec(name: "strict", mode: .aad), caller: .localAdministrator)
        try await fixture.live { client in
            var fields = bearer(ServerFixture.readerToken)
            fields[.contentType] = "application/json"
            let response = try await client.execute(
                uri: "/strict/attest/OpenEnclave?api-version=2020-10-01", method: .post, headers: fields,
                body: ByteBuffer(string: try Self.sdkBody(dataType: "JSON"))
            )
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "InvalidParameter")
            #expect(response.text.contains("OutOfDate"))
        }
    }
}

@Suite("TPM endpoint over loopback")
struct TPMEndpointTests {
    @Test func initRoundTripsInTheSDKEnvelopeAndNeedsABearer() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            var fields = bearer(ServerFixture.readerToken)
            fields[.contentType] = "application/json"
            // The exact body the Python SDK sent in the recorded exchange.
            let body = #"{"data": "eyJwYXlsb2FkIjogeyJ0eXBlIjogImFpa2NlcnQifX0"}"#
            let response = try await client.execute(
                uri: "/aad1/attest/Tpm?api-version=2020-10-01", method: .post, headers: fields, body: ByteBuffer(string: body)
            )
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let data = try #require(response.json?["data"] as? String)
            let message = try JSONValue(parsing: try Base64.decode(data, alphabet: .url))
            #expect(try Base64.decode(try #require(message["payload"]?["challenge"]?.stringValue), alphabet: .url).count == 16)
            #expect(message["payload"]?["service_context"]?.stringValue != nil)

            var anonymous = HTTPFields()
            anonymous[.contentType] = "application/json"
            let refused = try await client.execute(
                uri: "/aad1/attest/Tpm?api-version=2020-10-01", method: .post, headers: anonymous, body: ByteBuffer(string: body)
            )
            #expect(refused.status == .unauthorized)
            #expect(refused.errorCode != nil)
        }
    }
}
