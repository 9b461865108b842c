import MAAJOSE
import MAAWire
import Testing
@testable import MAAService

/// Token signing through the system OpenSSL (when present) and swift-crypto must be interchangeable.
@Suite("Token signing implementations")
struct TokenSigningTests {
    static let record = try! SigningKeyFactory.make(instanceURL: "http://localhost:8080/a", now: 1_700_000_000, key: ServiceFixture.rsa)

    @Test func automaticUsesTheSystemOpenSSLWhenItLoads() throws {
        let key = try TokenSigningKey(record: Self.record, backend: .automatic)
        #expect(key.implementationName == (SystemOpenSSL.shared == nil ? "boringssl" : "openssl"))
        #expect(try TokenSigningKey(record: Self.record, backend: .boringSSL).implementationName == "boringssl")
    }

    @Test func bothImplementationsSignByteIdenticalTokens() throws {
        let claims: JSONObject = ["x-ms-ver": "1.0", "nested": ["a": [1, 2, 3]], "text": "é/\"\u{1}"]
        let fast = try TokenIssuer(backend: .automatic)
            .sign(claims, issuer: "http://localhost:8080/a", key: Self.record, now: 1_800_000_000, lifetime: 60)
        let portable = try TokenIssuer(backend: .boringSSL)
            .sign(claims, issuer: "http://localhost:8080/a", key: Self.record, now: 1_800_000_000, lifetime: 60)
        #expect(fast == portable)
        // And the result is the JOSE layer's own RS256 JWS.
        let jws = try JWS(compact: fast)
        try jws.verifySignature(using: JWSSigningKey(rsa: ServiceFixture.rsa).publicKey, allowedAlgorithms: [.rs256])
        #expect(jws.header["alg"]?.stringValue == "RS256")
        #expect(Array(fast.split(separator: ".")[0].utf8) == Array(Base64.urlEncoded(JSONValue.object(jws.header).serializedBytes(.maa)).utf8))
    }

    @Test func concurrentSigningWithOneKeyIsConsistent() async throws {
        let key = try TokenSigningKey(record: Self.record)
        let message = Array("concurrent".utf8)
        let expected = try JWSSigningKey(rsa: ServiceFixture.rsa).sign(message)
        try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<64 { group.addTask { try key.sign(message) } }
            for try await signature in group { #expect(signature == expected) }
        }
    }

    @Test func theSystemLibraryRefusesGarbageKeys() throws {
        guard let library = SystemOpenSSL.shared else { return }
        #expect(SystemOpenSSLRSAKey(derRepresentation: [0x30, 0x03, 0x02, 0x01, 0x00], signatureLength: 256, library: library) == nil)
        #expect(SystemOpenSSLRSAKey(derRepresentation: [], signatureLength: 256, library: library) == nil)
        var truncated = Self.record.privateKeyDER
        truncated.removeLast(10)
        #expect(SystemOpenSSLRSAKey(derRepresentation: truncated, signatureLength: 256, library: library) == nil)
    }
}
