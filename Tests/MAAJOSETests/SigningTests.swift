import Crypto
import Foundation
import MAAJOSE
import MAATesting
import MAAWire
import Testing
import X509
import _CryptoExtras

/// Tokens this layer signs validate, and identical input gives byte-identical output.
@Suite struct SigningTests {
    static let rsa = try! TestPKI.rsaSigner(commonName: "https://attest.example")

    static func claims(iat: Int64) -> JSONObject {
        ["iss": "https://attest.example", "iat": .integer(iat), "nbf": .integer(iat), "exp": .integer(iat + 28800),
         "x-ms-ver": "1.0", "x-ms-sgx-is-debuggable": false, "nested": ["b": 1, "a": [1, 2]]]
    }

    @Test func rs256RoundTripIsDeterministic() throws {
        let key = try JWSSigningKey(rsa: Self.rsa.key)
        let jwk = try JWK(certificateChain: [Self.rsa.certificate], keyID: "k1")
        let header: JSONObject = ["jku": "https://attest.example/certs", "kid": "k1", "typ": "JWT"]
        let first = try JWS.sign(header: header, claims: Self.claims(iat: 1_700_000_000), key: key)
        let second = try JWS.sign(header: header, claims: Self.claims(iat: 1_700_000_000), key: key)
        #expect(first.compact == second.compact)
        #expect(String(decoding: first.headerBytes, as: UTF8.self) == #"{"alg":"RS256","jku":"https://attest.example/certs","kid":"k1","typ":"JWT"}"#)
        #expect(String(decoding: first.payload, as: UTF8.self).hasPrefix(#"{"exp":1700028800,"iat":1700000000,"iss":"#))
        let token = try AttestationToken(compact: first.compact)
        var options = TokenValidationOptions.at(Date(timeIntervalSince1970: 1_700_000_100))
        options.issuer = "https://attest.example"
        let signer = try token.validate(signers: [try AttestationSigner(jwk: jwk)], options: options)
        #expect(signer?.keyID == "k1")
    }

    @Test(arguments: [JWSAlgorithm.ps256, .es256, .es384])
    func otherAlgorithmsRoundTrip(_ algorithm: JWSAlgorithm) throws {
        let key: JWSSigningKey
        switch algorithm {
        case .ps256: key = try JWSSigningKey(rsa: Self.rsa.key, algorithm: .ps256)
        case .es256: key = JWSSigningKey(p256: P256.Signing.PrivateKey())
        default: key = JWSSigningKey(p384: P384.Signing.PrivateKey())
        }
        let jws = try JWS.sign(header: ["kid": "k"], claims: Self.claims(iat: 1_700_000_000), key: key)
        #expect(jws.algorithm == algorithm)
        let token = try AttestationToken(compact: jws.compact)
        let signer = AttestationSigner(keyID: "k", certificates: [], key: key.publicKey)
        try token.validate(signers: [signer], options: .at(Date(timeIntervalSince1970: 1_700_000_001)))
        // A flipped signature bit fails for every algorithm.
        var signature = jws.signature
        signature[signature.count / 2] ^= 0x80
        let parts = jws.compact.split(separator: ".", omittingEmptySubsequences: false)
        let tampered = try AttestationToken(compact: "\(parts[0]).\(parts[1]).\(Base64.urlEncoded(signature))")
        #expect(throws: JOSEError.signatureInvalid) {
            try tampered.validate(signers: [signer], options: .at(Date(timeIntervalSince1970: 1_700_000_001)))
        }
    }

    @Test func jwkMembersAndCertificateAgree() throws {
        let ec = P256.Signing.PrivateKey()
        let raw = Array(ec.publicKey.rawRepresentation)
        let jwk = try JWK(json: ["kty": "EC", "crv": "P-256", "x": .string(Base64.urlEncoded(raw[0..<32])),
                                  "y": .string(Base64.urlEncoded(raw[32...]))])
        #expect(try jwk.verificationKey().supports(.es256))
        #expect(throws: JOSEError.invalidKey) { try JWK(json: ["kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"]).verificationKey() }
        #expect(throws: JOSEError.invalidKey) { try JWK(json: ["kid": "no kty"]) }
        #expect(throws: JOSEError.invalidKey) { try JWK(json: ["kty": "RSA", "x5c": ["%%%"]]).verificationKey() }
        // A short RSA key is refused.
        let short = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        #expect(throws: JOSEError.invalidKey) { try JWSSigningKey(rsa: short) }
    }

    @Test func publicKeysConvertToBareJWKsAndBack() throws {
        let keys: [JWSVerificationKey] = [
            try JWSSigningKey(rsa: Self.rsa.key).publicKey,
            JWSSigningKey(p256: P256.Signing.PrivateKey()).publicKey,
            JWSSigningKey(p384: P384.Signing.PrivateKey()).publicKey,
        ]
        for key in keys {
            let jwk = try JWK(publicKey: key, keyID: "k")
            #expect(jwk.keyID == "k")
            #expect(try jwk.verificationKey().subjectPublicKeyInfo == key.subjectPublicKeyInfo)
        }
        // A certificate JWK and a bare JWK of the same key agree; a mismatching pair is refused.
        let certificateJWK = try JWK(certificateChain: [Self.rsa.certificate])
        var mixed = certificateJWK.json
        let other = try JWK(publicKey: JWSSigningKey(p256: P256.Signing.PrivateKey()).publicKey)
        mixed["x"] = other.json["x"]
        mixed["y"] = other.json["y"]
        mixed["kty"] = "EC"
        mixed["crv"] = "P-256"
        #expect(throws: JOSEError.invalidKey) { try JWK(json: mixed).verificationKey() }
    }

    @Test func algorithmAliases() {
        #expect(JWSAlgorithm(headerValue: "RSA256") == .rs256)
        #expect(JWSAlgorithm(headerValue: "ECDH256") == .es256)
        #expect(JWSAlgorithm(headerValue: "HS256") == nil)
        #expect(JWSAlgorithm.rs256.maaSDKName == "RSA256")
    }
}
