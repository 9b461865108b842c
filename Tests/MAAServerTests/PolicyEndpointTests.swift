import Foundation
import Hummingbird
import HummingbirdTesting
import MAAJOSE
import MAAServer
import MAAService
import MAAWire
import Testing

@Suite("Policy and certificate endpoints over loopback")
struct PolicyEndpointTests {
    static let minimal = "version=1.0; authorizationrules{=> permit();}; issuancerules{};"

    static func claims(_ response: TestResponse) throws -> JSONObject {
        let token = try #require(response.json?["token"] as? String)
        return try AttestationToken(compact: token).claims
    }

    @Test func putGetResetRoundTrip() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            let jws = try PolicyTokens.setPolicy(Self.minimal, signer: nil).compact
            var fields = bearer(ServerFixture.contributorToken)
            fields[.contentType] = "text/plain"
            let put = try await client.execute(
                uri: "/aad1/policies/OpenEnclave?api-version=2022-08-01", method: .put, headers: fields,
                body: ByteBuffer(string: jws)
            )
            #expect(put.status == .ok, "\(put.text)")
            #expect(try Self.claims(put)["x-ms-policy-result"]?.stringValue == "Updated")

            let get = try await client.execute(
                uri: "/aad1/policies/OpenEnclave?api-version=2020-10-01", method: .get,
                headers: bearer(ServerFixture.readerToken)
            )
            #expect(get.status == .ok)
            #expect(try Self.claims(get)["x-ms-policy"]?.stringValue == jws)

            let reset = try await client.execute(
                uri: "/aad1/policies/OpenEnclave:reset?api-version=2020-10-01", method: .post, headers: fields,
                body: ByteBuffer(string: "eyJhbGciOiJub25lIn0..")
            )
            #expect(reset.status == .ok)
            #expect(try Self.claims(reset)["x-ms-policy-result"]?.stringValue == "Removed")

            let bad = try await client.execute(
                uri: "/aad1/policies/OpenEnclave?api-version=2020-10-01", method: .put, headers: fields,
                body: ByteBuffer(string: try PolicyTokens.setPolicy("version=1.0; nonsense", signer: nil).compact)
            )
            #expect(bad.status == .badRequest)
            #expect(bad.errorCode == "PolicyParsingError")
        }
    }

    @Test func certificatesAddTakesAJSONStringLiteral() async throws {
        let fixture = try await ServerFixture.make()
        let signer = try PolicyTokenSigner(
            key: JWSSigningKey(rsa: ServerFixture.rsaKey), certificateChainDER: [ServerFixture.signerCertificate]
        )
        let other = try SigningKeyFactory.make(instanceURL: "https://other.test", now: 1_700_000_000, key: ServerFixture.rsaKey)
        let jws = try PolicyTokens.policyCertificate(other.certificateDER, signer: signer).compact
        try await fixture.live { client in
            var fields = bearer(ServerFixture.contributorToken)
            fields[.contentType] = "application/json"
            let add = try await client.execute(
                uri: "/iso/certificates:add?api-version=2020-10-01", method: .post, headers: fields,
                body: ByteBuffer(string: "\"\(jws)\"")
            )
            #expect(add.status == .ok, "\(add.text)")
            #expect(try Self.claims(add)["x-ms-policycertificates-result"]?.stringValue == "IsPresent")
            #expect(try Self.claims(add)["x-ms-certificate-thumbprint"]?.stringValue == PolicySigner.thumbprint(of: other.certificateDER))
            let list = try await client.execute(
                uri: "/iso/certificates?api-version=2020-10-01", method: .get, headers: bearer(ServerFixture.readerToken)
            )
            #expect(try Self.claims(list)["x-ms-policy-certificates"]?["keys"]?.arrayValue?.count == 2)
            let aad = try await client.execute(
                uri: "/aad1/certificates?api-version=2020-10-01", method: .get, headers: bearer(ServerFixture.readerToken)
            )
            #expect(try Self.claims(aad)["x-ms-policy-certificates"]?["keys"]?.arrayValue?.isEmpty == true)
        }
    }
}
