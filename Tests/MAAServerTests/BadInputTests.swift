import MAAModels
import MAADCAP
import Foundation
import Hummingbird
import HummingbirdTesting
import MAAServer
import MAAService
import MAAWire
import Testing

/// Hundreds of malformed requests over a real loopback connection: each must get a 4xx with MAA's error body,
/// the server must stay up, and no stored state may change.
@Suite("Bad input")
struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var uri: String
        var headers: HTTPFields
        var body: [UInt8]?
        var description: String { "\(method) \(uri) [\(body?.count ?? 0) bytes]" }
    }

    static let limit = 64 * 1024

    static func cases() -> [Case] {
        var cases: [Case] = []
        let v = "?api-version=2020-10-01"
        func json(_ token: String = ServerFixture.readerToken) -> HTTPFields {
            var fields = bearer(token)
            fields[.contentType] = "application/json"
            return fields
        }
        func text(_ token: String = ServerFixture.contributorToken) -> HTTPFields {
            var fields = bearer(token)
            fields[.contentType] = "text/plain"
            return fields
        }

        // 1. Bad JSON and wrong shapes on both enclave attest endpoints.
        let badJSON = [
            "", "{", "}", "[]", "null", "1", "\"quote\"", "{\"quote\":", "{\"quote\":1}", "{\"quote\":null}",
            "{\"quote\":[]}", "{\"quote\":{}}", "{\"report\":\"AAAA\",\"quote\":\"AAAA\"}", "{}",
            "{\"quote\":\"\"}", "{\"report\":\"\"}", "{'quote':'AAAA'}", "{\"quote\":\"AAAA\",}",
            "{\"quote\":\"AAAA\"} trailing", "\u{FEFF}{\"quote\":\"AAAA\"", "{\"runtimeData\":{}}",
            "{\"quote\":\"AAAA\",\"runtimeData\":{\"data\":\"AAAA\"}}",
            "{\"quote\":\"AAAA\",\"runtimeData\":{\"data\":\"AAAA\",\"dataType\":\"Text\"}}",
            "{\"quote\":\"AAAA\",\"runtimeData\":{\"dataType\":\"Binary\"}}",
            "{\"quote\":\"AAAA\",\"runtimeData\":{\"data\":\"A+/=\",\"dataType\":\"Binary\"}}",
            "{\"quote\":\"AAAA\",\"initTimeData\":{\"data\":7,\"dataType\":\"JSON\"}}",
            "{\"quote\":\"AAAA\",\"nonce\":\"\(String(repeating: "n", count: 2000))\"}",
            "{\"quote\":\"AAAA\",\"draftPolicyForAttestation\":5}",
        ]
        for type in ["SgxEnclave", "OpenEnclave"] {
            for body in badJSON {
                cases.append(Case(method: .post, uri: "/aad1/attest/\(type)\(v)", headers: json(), body: Array(body.utf8)))
            }
        }
        // 2. Bad base64url in the evidence.
        let badBase64 = ["A", "AAAAA", "AA=A", "A===", "AB+/", "AB/_", "AA==AA", "****", "AAA\n", "AAAA AAAA", "é", "AAB"]
        for value in badBase64 {
            cases.append(Case(
                method: .post, uri: "/aad1/attest/SgxEnclave\(v)", headers: json(),
                body: Array("{\"quote\":\"\(value)\"}".utf8)
            ))
            cases.append(Case(
                method: .post, uri: "/shared/attest/OpenEnclave\(v)", headers: json(),
                body: Array("{\"report\":\"\(value)\"}".utf8)
            ))
            cases.append(Case(
                method: .post, uri: "/aad1/attest/Tpm\(v)", headers: json(), body: Array("{\"data\":\"\(value)\"}".utf8)
            ))
        }
        // 2b. Well-formed base64url around malformed TPM protocol messages.
        let tpmMessages = ["", "x", "[]", "{}", #"{"type":"quote"}"#, #"{"payload":{"request":"a.b"}}"#, #"{"request":7}"#]
        for message in tpmMessages {
            cases.append(Case(
                method: .post, uri: "/aad1/attest/Tpm\(v)", headers: json(),
                body: Array("{\"data\":\"\(Base64.urlEncoded(Array(message.utf8)))\"}".utf8)
            ))
        }
        // 3. Wrong or missing content types.
        for contentType in [nil, "text/plain", "application/xml", "application/jsonx", "multipart/form-data", ";"] {
            for uri in ["/aad1/attest/SgxEnclave\(v)", "/aad1/certificates:add\(v)", "/iso/certificates:remove\(v)"] {
                var fields = bearer(ServerFixture.contributorToken)
                if let contentType { fields[.contentType] = contentType }
                cases.append(Case(method: .post, uri: uri, headers: fields, body: Array("{\"quote\":\"AAAA\"}".utf8)))
            }
            for uri in ["/aad1/policies/SgxEnclave\(v)", "/iso/policies/Tpm:reset\(v)"] {
                var fields = bearer(ServerFixture.contributorToken)
                if let contentType, contentType != "text/plain" { fields[.contentType] = contentType }
                if contentType == "text/plain" { fields[.contentType] = "application/json" }
                let method: HTTPRequest.Method = uri.contains(":reset") ? .post : .put
                cases.append(Case(method: method, uri: uri, headers: fields, body: Array("eyJhbGciOiJub25lIn0..".utf8)))
            }
        }
        // 4. certificates:add/remove bodies that are not a JSON string.
        for body in ["eyJhbGciOiJub25lIn0..", "{}", "[\"a\"]", "null", "\"unterminated", "1", ""] {
            for op in ["add", "remove"] {
                cases.append(Case(
                    method: .post, uri: "/iso/certificates:\(op)\(v)", headers: json(ServerFixture.contributorToken),
                    body: Array(body.utf8)
                ))
            }
        }
        // 5. Policy bodies that are empty or not UTF-8.
        for body in [[], [0xFF, 0xFE], [0xC3], [0xED, 0xA0, 0x80]] as [[UInt8]] {
            cases.append(Case(method: .put, uri: "/aad1/policies/OpenEnclave\(v)", headers: text(), body: body))
            cases.append(Case(method: .post, uri: "/aad1/policies/Tpm:reset\(v)", headers: text(), body: body))
        }
        // 5b. Policy and signer-change JWS that are malformed, unsigned where a signature is needed, or carry
        // policies that do not parse.
        let badJWS = [
            "x", "a.b", "a.b.c.d", "eyJhbGciOiJub25lIn0..", "eyJhbGciOiJub25lIn0.e30.", "eyJ.eyJ.eyJ", "....",
            "eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "eyJhbGciOiJub25lIn0.eyJBdHRlc3RhdGlvblBvbGljeSI6IiEhIn0.",
            "eyJhbGciOiJub25lIn0.eyJBdHRlc3RhdGlvblBvbGljeSI6ImRtVnljMmx2YmowZ01TNHdPeUJ2YjNCeiJ9.",
        ]
        for jws in badJWS {
            cases.append(Case(method: .put, uri: "/aad1/policies/SgxEnclave\(v)", headers: text(), body: Array(jws.utf8)))
            cases.append(Case(method: .put, uri: "/iso/policies/SgxEnclave\(v)", headers: text(), body: Array(jws.utf8)))
            cases.append(Case(method: .post, uri: "/iso/policies/Tpm:reset\(v)", headers: text(), body: Array(jws.utf8)))
            cases.append(Case(
                method: .post, uri: "/iso/certificates:add\(v)", headers: json(ServerFixture.contributorToken),
                body: Array("\"\(jws)\"".utf8)
            ))
        }
        // 6. Oversize bodies (declared and streamed).
        let big = [UInt8](repeating: UInt8(ascii: "A"), count: limit + 1)
        for uri in ["/aad1/attest/SgxEnclave\(v)", "/aad1/certificates:add\(v)", "/admin/instances"] {
            cases.append(Case(method: .post, uri: uri, headers: json(ServerFixture.adminToken), body: big))
        }
        cases.append(Case(method: .put, uri: "/aad1/policies/SgxEnclave\(v)", headers: text(), body: big))
        // 7. Unknown paths.
        let unknown = [
            "/aad1/attest", "/aad1/attest/sgxenclave", "/aad1/attest/SgxEnclave/x", "/aad1/policies/Foo",
            "/aad1/policies/SgxEnclave:Reset", "/aad1/policies/:reset", "/aad1/certificates:list", "/aad1/cert",
            "/missing/certs", "/AAD1/certs", "/aad1/.well-known", "/aad1/.well-known/jwks", "/%ZZ/certs",
            "/aad1/%00/certs", "/aad1/certs%2F", "/admin", "/admin/instances/a/b", "/admin/other", "/metrics/x",
            "/health/x", "/" + String(repeating: "a", count: 300), "/aad1/attest/SgxEnclave;x",
        ]
        for uri in unknown {
            for method in [HTTPRequest.Method.get, .post, .put, .delete] {
                cases.append(Case(method: method, uri: uri, headers: json(), body: Array("{}".utf8)))
            }
        }
        // 8. Wrong methods on known paths.
        let wrong: [(HTTPRequest.Method, String)] = [
            (.get, "/aad1/attest/SgxEnclave\(v)"), (.put, "/aad1/attest/OpenEnclave\(v)"),
            (.delete, "/aad1/policies/SgxEnclave\(v)"), (.post, "/aad1/policies/SgxEnclave\(v)"),
            (.get, "/aad1/policies/SgxEnclave:reset\(v)"), (.put, "/aad1/certificates\(v)"),
            (.get, "/iso/certificates:add\(v)"), (.delete, "/iso/certificates:remove\(v)"), (.post, "/aad1/certs"),
            (.put, "/aad1/.well-known/openid-configuration"), (.delete, "/health"), (.post, "/ready"),
            (.put, "/metrics"), (.put, "/admin/instances"), (.post, "/admin/instances/aad1"), (.patch, "/aad1/certs"),
            (.options, "/aad1/policies/Tpm\(v)"), (.head, "/aad1/attest/Tpm\(v)"),
        ]
        for (method, uri) in wrong {
            cases.append(Case(method: method, uri: uri, headers: json(ServerFixture.adminToken), body: nil))
        }
        // 9. Missing or bad api-version on every versioned endpoint.
        let versioned: [(HTTPRequest.Method, String)] = [
            (.post, "/aad1/attest/SgxEnclave"), (.post, "/aad1/attest/OpenEnclave"), (.post, "/aad1/attest/Tpm"),
            (.get, "/aad1/policies/SgxEnclave"), (.put, "/aad1/policies/SgxEnclave"),
            (.post, "/aad1/policies/SgxEnclave:reset"), (.get, "/iso/certificates"), (.post, "/iso/certificates:add"),
            (.post, "/iso/certificates:remove"),
        ]
        for (method, path) in versioned {
            for query in ["", "?api-version=", "?api-version=2021-01-01", "?API-VERSION=2020-10-01", "?api-version=2020-10-01x"] {
                cases.append(Case(method: method, uri: path + query, headers: json(ServerFixture.adminToken), body: Array("{}".utf8)))
            }
        }
        // 10. Credentials that are missing, malformed or wrong.
        let badAuth = [nil, "Bearer", "Bearer ", "bearer nope", "Basic YWRtaW46YWRtaW4=", "Bearer \(String(repeating: "x", count: 20000))",
                       "Token \(ServerFixture.adminToken)", "Bearer \(ServerFixture.adminToken)x"]
        for value in badAuth {
            var fields = HTTPFields()
            if let value { fields[.authorization] = value }
            fields[.contentType] = "application/json"
            cases.append(Case(method: .post, uri: "/aad1/attest/SgxEnclave\(v)", headers: fields, body: Array("{\"quote\":\"AAAA\"}".utf8)))
            cases.append(Case(method: .get, uri: "/admin/instances", headers: fields, body: nil))
            cases.append(Case(method: .delete, uri: "/admin/instances/aad1", headers: fields, body: nil))
        }
        // 11. Admin bodies.
        for body in ["", "{", "[]", "{\"name\":1,\"mode\":\"aad\"}", "{\"name\":\"ok\",\"mode\":null}", "{\"name\":\"-x\",\"mode\":\"aad\"}",
                     "{\"name\":\"\(String(repeating: "a", count: 64))\",\"mode\":\"aad\"}", "{\"name\":\"aad1\",\"mode\":\"aad\"}",
                     "{\"name\":\"x\",\"mode\":\"shared\",\"signerCertificates\":[\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\"]}",
                     "{\"name\":\"x\",\"mode\":\"aad\",\"acceptedTCBStatuses\":[\"UpToDate\",\"UpToDate\"]}"] {
            cases.append(Case(method: .post, uri: "/admin/instances", headers: json(ServerFixture.adminToken), body: Array(body.utf8)))
        }
        return cases
    }

    struct Snapshot: Equatable {
        var instances: [InstanceRecord]
        var signers: [String: [PolicySigner]]
        var keys: [String: [SigningKeyRecord]]
        var policies: [String: [StoredPolicy?]]
        var tokens: [APITokenRecord]

        static func take(_ store: InMemoryStore) async throws -> Snapshot {
            let instances = try await store.instances()
            var signers: [String: [PolicySigner]] = [:]
            var keys: [String: [SigningKeyRecord]] = [:]
            var policies: [String: [StoredPolicy?]] = [:]
            for instance in instances {
                signers[instance.name] = try await store.signers(instance: instance.name)
                keys[instance.name] = try await store.signingKeys(instance: instance.name)
                var list: [StoredPolicy?] = []
                for type in AttestationType.allCases { list.append(try await store.policy(instance: instance.name, type: type)) }
                policies[instance.name] = list
            }
            return Snapshot(instances: instances, signers: signers, keys: keys, policies: policies, tokens: try await store.apiTokens())
        }
    }

    @Test func malformedRequestsGet4xxWithMAAErrorBody() async throws {
        let fixture = try await ServerFixture.make()
        let before = try await Snapshot.take(fixture.store)
        let cases = Self.cases()
        #expect(cases.count >= 300)
        try await fixture.running { port in
            for testCase in cases {
                // A fresh connection per case: a server may close a connection after rejecting a body.
                let response = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                    try await client.execute(
                        .init(testCase.uri, method: testCase.method, headers: testCase.headers,
                              body: testCase.body.map { ByteBuffer(bytes: $0) })
                    )
                }
                let status = response.status.code
                #expect((400..<500).contains(status), "\(testCase) → \(status)")
                if testCase.method != .head {
                    let body = response.body.map { Data(String(buffer: $0).utf8) } ?? Data()
                    let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
                    let error = object?["error"] as? [String: Any]
                    #expect(object?.count == 1 && error?["code"] is String && error?["message"] is String,
                            "\(testCase) → \(String(decoding: body, as: UTF8.self))")
                }
            }
            // Still serving.
            let health = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                try await client.execute(.init("/health", method: .get))
            }
            #expect(health.status == .ok)
        }
        #expect(try await Snapshot.take(fixture.store) == before)
    }
}
