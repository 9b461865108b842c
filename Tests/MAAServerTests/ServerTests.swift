import Foundation
import Hummingbird
import HummingbirdTesting
import MAAServer
import MAAService
import Testing

@Suite("Server over loopback")
struct ServerTests {
    @Test func certsArePublicAndShapedLikeMAA() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            let response = try await client.execute(uri: "/aad1/certs", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let keys = try #require(response.json?["keys"] as? [[String: Any]])
            #expect(keys.count == 1)
            #expect(Set(keys[0].keys) == ["x5c", "kid", "kty"])
            #expect(keys[0]["kty"] as? String == "RSA")
            let x5c = try #require(keys[0]["x5c"] as? [String])
            #expect(x5c.count == 1 && x5c[0].hasSuffix("=") == (x5c[0].count % 4 == 0 && x5c[0].hasSuffix("=")))
        }
    }

    @Test func openIDMetadataNamesTheInstance() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            let response = try await client.execute(uri: "/aad1/.well-known/openid-configuration", method: .get)
            #expect(response.status == .ok)
            #expect(response.json?["issuer"] as? String == "http://localhost:8080/aad1")
            #expect(response.json?["jwks_uri"] as? String == "http://localhost:8080/aad1/certs")
            #expect(response.json?["response_types_supported"] as? [String] == ["token", "none"])
        }
    }

    @Test func hostNameRoutesToItsInstance() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.running { port in
            try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                let response = try await client.execute(
                    .init("/.well-known/openid-configuration", method: .get, authority: "contoso.attest.test:443")
                )
                #expect(response.status == .ok)
                let issuer = String(buffer: response.body ?? ByteBuffer())
                #expect(issuer.contains(#""issuer":"https://contoso.attest.test""#))
                // The path prefix reaches the same instance; another host falls back to path routing.
                let byPath = try await client.execute(
                    .init("/hosted/.well-known/openid-configuration", method: .get, authority: "127.0.0.1")
                )
                #expect(String(buffer: byPath.body ?? ByteBuffer()).contains(#""issuer":"https://contoso.attest.test""#))
                let unknownHost = try await client.execute(
                    .init("/.well-known/openid-configuration", method: .get, authority: "other.test")
                )
                #expect(unknownHost.status == .notFound)
            }
        }
    }

    @Test(arguments: [
        ("/aad1/policies/SgxEnclave", "MissingApiVersionParameter"),
        ("/aad1/policies/SgxEnclave?api-version=2019-01-01", "InvalidApiVersionParameter"),
        ("/aad1/policies/SgxEnclave?api-version=2020-10-01&api-version=2022-08-01", "InvalidApiVersionParameter"),
        ("/aad1/certificates?api-version=", "InvalidApiVersionParameter"),
    ])
    func apiVersionIsRequired(uri: String, code: String) async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            let response = try await client.execute(uri: uri, method: .get, headers: bearer(ServerFixture.readerToken))
            #expect(response.status == .badRequest)
            #expect(response.errorCode == code)
        }
    }

    @Test func missingOrBadCredentialsGive401() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            for fields in [HTTPFields(), bearer("not-a-token"), headers([("Authorization", "Basic YTpi")])] {
                let response = try await client.execute(
                    uri: "/aad1/policies/SgxEnclave?api-version=2020-10-01", method: .get, headers: fields
                )
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "Unauthorized")
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
            }
        }
    }

    @Test func clientRequestIDIsEchoed() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            let id = "6f0a5b2e-0c4c-4c1e-9a2a-0123456789ab"
            let response = try await client.execute(
                uri: "/aad1/certs", method: .get, headers: headers([("x-ms-client-request-id", id)])
            )
            #expect(response.headers[HTTPFields.Element.Name("x-ms-client-request-id")!] == id)
            #expect(response.headers[HTTPFields.Element.Name("x-ms-request-id")!]?.isEmpty == false)
        }
    }

    @Test func unknownPathsAndWrongMethods() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            for uri in ["/", "/nope/certs", "/aad1/attest/Foo", "/aad1/policies", "/aad1/x/y/z", "/aad1//certs"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .notFound, "\(uri)")
                #expect(response.errorCode == "NotFound", "\(uri)")
            }
            let wrong = try await client.execute(uri: "/aad1/certs", method: .post, body: ByteBuffer(string: "{}"))
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers[.allow] == "GET")
            #expect(wrong.errorCode == "MethodNotAllowed")
        }
    }

    @Test func healthReadyAndMetrics() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/ready", method: .get).status == .ok)
            _ = try await client.execute(uri: "/aad1/certs", method: .get)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("maa_http_requests_total"))
            #expect(metrics.text.contains(#"route="certs""#))
            #expect(metrics.text.contains("maa_http_request_duration_seconds"))
        }
    }

    @Test func sharedInstancePoliciesCannotChange() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            var fields = bearer(ServerFixture.adminToken)
            fields[.contentType] = "text/plain"
            let response = try await client.execute(
                uri: "/shared/policies/SgxEnclave?api-version=2020-10-01", method: .put, headers: fields,
                body: ByteBuffer(string: "eyJhbGciOiJub25lIn0.e30.")
            )
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "InvalidOperation")
        }
    }

    @Test func readersCannotChangePolicies() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            var fields = bearer(ServerFixture.readerToken)
            fields[.contentType] = "text/plain"
            let response = try await client.execute(
                uri: "/aad1/policies/SgxEnclave?api-version=2020-10-01", method: .put, headers: fields,
                body: ByteBuffer(string: "eyJhbGciOiJub25lIn0.e30.")
            )
            #expect(response.status == .forbidden)
            #expect(response.errorCode == "Forbidden")
        }
    }
}
