import Crypto
import Foundation
import MAAJOSE
import MAATesting
import MAAWire
import Testing
import _CryptoExtras

/// Negative tests: every way a token can be forged or tampered with must fail validation.
@Suite struct TokenSecurityTests {
    /// A recorded RS256 attestation token and the signers of its instance.
    static let sample: (token: AttestationToken, signers: [AttestationSigner]) = {
        let fixture = RecordedTokenTests.fixture
        guard let entry = fixture.tokens.first(where: { $0.exchange.path == "/attest/SgxEnclave" && !$0.token.isUnsecured }),
            let signers = fixture.signersByInstance[entry.token.issuer ?? ""]
        else { fatalError("no sample token") }
        return (entry.token, signers)
    }()

    static var options: TokenValidationOptions { RecordedTokenTests.asOfIssue(sample.token) }

    static func segments(_ token: AttestationToken) -> [String] {
        token.compact.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    static func validate(_ compact: String) throws {
        let token = try AttestationToken(compact: compact)
        try token.validate(signers: sample.signers, options: options)
    }

    @Test func sampleIsValid() throws {
        try Self.validate(Self.sample.token.compact)
    }

    @Test(arguments: 0..<3)
    func flippedByteInAnySegmentFails(segment: Int) throws {
        var parts = Self.segments(Self.sample.token)
        var bytes = try Base64.decode(parts[segment])
        for position in [0, bytes.count / 2, bytes.count - 1] {
            var tampered = bytes
            tampered[position] ^= 0x01
            parts[segment] = Base64.urlEncoded(tampered)
            #expect(throws: JOSEError.self) { try Self.validate(parts.joined(separator: ".")) }
        }
        bytes[0] ^= 0x01
    }

    @Test func flippedBase64CharacterFails() throws {
        let compact = Array(Self.sample.token.compact.utf8)
        for position in stride(from: 0, to: compact.count, by: 97) where compact[position] != UInt8(ascii: ".") {
            var tampered = compact
            tampered[position] = tampered[position] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(throws: JOSEError.self) { try Self.validate(String(decoding: tampered, as: UTF8.self)) }
        }
    }

    @Test func algNoneVariantFailsByDefault() throws {
        var header = Self.sample.token.header
        header["alg"] = "none"
        let forged = JWS.unsecured(header: header, payload: Self.sample.token.jws.payload)
        #expect(throws: JOSEError.unsecuredTokenRejected) { try Self.validate(forged.compact) }
        // Keeping the real signature with alg none changes nothing.
        let withSignature = forged.compact + Self.segments(Self.sample.token)[2]
        #expect(throws: JOSEError.unsecuredTokenRejected) { try Self.validate(withSignature) }
        for alias in ["None", "NONE", "nOnE"] {
            header["alg"] = .string(alias)
            let variant = JWS.unsecured(header: header, payload: Self.sample.token.jws.payload).compact
            #expect(throws: JOSEError.self) { try Self.validate(variant) }
        }
    }

    @Test func attackerKeyWithEmbeddedCertificateFails() throws {
        let attacker = try TestPKI.rsaSigner(commonName: Self.sample.token.issuer ?? "evil")
        let key = try JWSSigningKey(rsa: attacker.key)
        let x5c: JSONValue = [.string(Base64.standardEncoded(attacker.der))]
        var headers: [JSONObject] = []
        var header = Self.sample.token.header
        header["x5c"] = x5c
        headers.append(header)  // same kid, attacker x5c
        header = Self.sample.token.header
        header["jwk"] = ["kty": "RSA", "kid": .string(Self.sample.token.keyID ?? ""), "x5c": x5c]
        headers.append(header)  // jwk with the same kid, the Python SDK's fallback
        header["kid"] = "attacker"
        header["jwk"] = ["kty": "RSA", "kid": "attacker", "x5c": x5c]
        headers.append(header)  // attacker kid + jwk
        header["jku"] = "https://evil.example/certs"
        headers.append(header)
        for header in headers {
            let forged = try JWS.sign(header: header, payload: Self.sample.token.jws.payload, key: key)
            #expect(throws: JOSEError.self) { try Self.validate(forged.compact) }
        }
    }

    @Test func unknownKeyIDFails() throws {
        var header = Self.sample.token.header
        header["kid"] = "not-a-published-kid"
        let headerText = Base64.urlEncoded(JSONValue.object(header).serializedBytes())
        var parts = Self.segments(Self.sample.token)
        parts[0] = headerText
        #expect(throws: JOSEError.unknownKeyID) { try Self.validate(parts.joined(separator: ".")) }
    }

    @Test func missingKeyIDWithSeveralPublishedKeysFails() throws {
        var header = Self.sample.token.header
        header["kid"] = nil
        var parts = Self.segments(Self.sample.token)
        parts[0] = Base64.urlEncoded(JSONValue.object(header).serializedBytes())
        #expect(throws: JOSEError.missingKeyID) { try Self.validate(parts.joined(separator: ".")) }
    }

    @Test func algorithmMustFitTheKey() throws {
        for alg in ["ES256", "ES384", "HS256", "PS256"] {
            var header = Self.sample.token.header
            header["alg"] = .string(alg)
            var parts = Self.segments(Self.sample.token)
            parts[0] = Base64.urlEncoded(JSONValue.object(header).serializedBytes())
            #expect(throws: JOSEError.self) { try Self.validate(parts.joined(separator: ".")) }
        }
        var restricted = Self.options
        restricted.allowedAlgorithms = [.es256]
        #expect(throws: JOSEError.algorithmNotAllowed) {
            try Self.sample.token.validate(signers: Self.sample.signers, options: restricted)
        }
    }

    @Test func timeChecks() throws {
        let token = Self.sample.token
        let iat = try #require(token.issuedAt)
        let exp = try #require(token.expiration)
        #expect(throws: JOSEError.expired) {
            try token.validate(signers: Self.sample.signers, options: .at(exp.addingTimeInterval(1)))
        }
        #expect(throws: JOSEError.notYetValid) {
            try token.validate(signers: Self.sample.signers, options: .at(iat.addingTimeInterval(-1)))
        }
        var slack = TokenValidationOptions.at(exp.addingTimeInterval(30))
        slack.timeValidationSlack = 60
        try token.validate(signers: Self.sample.signers, options: slack)
        var noExpiry = TokenValidationOptions.at(exp.addingTimeInterval(1_000_000))
        noExpiry.validateExpiration = false
        try token.validate(signers: Self.sample.signers, options: noExpiry)
    }

    @Test func issuerCheck() throws {
        var options = Self.options
        options.issuer = "https://someone-else.attest.azure.net"
        #expect(throws: JOSEError.issuerMismatch) { try Self.sample.token.validate(signers: Self.sample.signers, options: options) }
        options.validateIssuer = false
        try Self.sample.token.validate(signers: Self.sample.signers, options: options)
    }

    @Test func callbackCanReject() throws {
        struct Nope: Error {}
        var options = Self.options
        options.validationCallback = { token, signer in
            #expect(signer?.keyID == token.keyID)
            throw Nope()
        }
        #expect(throws: JOSEError.rejectedByCallback) { try Self.sample.token.validate(signers: Self.sample.signers, options: options) }
    }

    @Test func pinnedKeyIsUsedOnlyWhenGiven() throws {
        let attacker = try TestPKI.rsaSigner()
        let key = try JWSSigningKey(rsa: attacker.key)
        let forged = try JWS.sign(header: Self.sample.token.header, payload: Self.sample.token.jws.payload, key: key)
        let token = try AttestationToken(jws: forged)
        #expect(throws: JOSEError.signatureInvalid) { try token.validate(signers: Self.sample.signers, options: Self.options) }
        var pinned = Self.options
        pinned.pinnedKey = key.publicKey
        try token.validate(signers: [], options: pinned)
    }
}

/// Malformed input gives a typed error, never a crash.
@Suite struct MalformedTokenTests {
    @Test(arguments: [
        "", ".", "..", "...", "a.b", "a.b.c.d", "eyJhbGciOiJSUzI1NiJ9", "eyJhbGciOiJSUzI1NiJ9.e30", "!!!.e30.",
        "eyJhbGciOiJSUzI1NiJ9.!!!.", "eyJhbGciOiJSUzI1NiJ9.e30.***", "bm90IGpzb24.e30.", "WzFd.e30.", "e30.e30.",
        "eyJhbGciOjF9.e30.", "eyJhbGciOiJub25lIiwiYWxnIjoiUlMyNTYifQ.e30.", "eyJhbGciOiJub25lIn0.WzFd.",
        "eyJhbGciOiJub25lIn0.eyJhIjoxLCJhIjoyfQ.", "eyJhbGciOiJub25lIiwiY3JpdCI6WyJleHAiXX0.e30.",
        "eyJhbGciOiJub25lIn0.bnVsbA.", "eyJhbGciOiJub25lIn0.eyJleHAiOiJzb29uIn0.",
    ])
    func malformedTokensThrow(_ compact: String) {
        #expect(throws: JOSEError.self) {
            let token = try AttestationToken(compact: compact)
            try token.validate(signers: [], options: {
                var options = TokenValidationOptions()
                options.allowUnsecuredTokens = true
                return options
            }())
        }
    }

    @Test func hugeInputIsRejectedBeforeDecoding() {
        let huge = String(repeating: "A", count: 2 << 20) + ".e30."
        #expect(throws: JOSEError.tooLarge) { try AttestationToken(compact: huge) }
    }

    @Test func deeplyNestedPayloadIsRejected() {
        let payload = Base64.urlEncoded(Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8))
        #expect(throws: JOSEError.malformed) { try AttestationToken(compact: "eyJhbGciOiJub25lIn0.\(payload).") }
    }
}
