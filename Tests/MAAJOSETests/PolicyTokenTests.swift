import Crypto
import MAAJOSE
import MAATesting
import MAAWire
import Testing
import X509

/// The policy-token forms the SDKs build, checked against the recorded requests.
@Suite struct PolicyTokenTests {
    static let setRequests: [RecordedExchange] = RecordedTokenTests.fixture.exchanges.filter { $0.method == "PUT" }

    @Test func unsignedSetPolicyIsByteIdenticalToThePythonSDK() throws {
        var matched = 0
        for exchange in Self.setRequests {
            let sent = try #require(exchange.requestBody)
            let jws = try JWS(compact: sent)
            guard jws.isUnsecured else { continue }
            let text = try #require(try PolicyTokens.policyText(of: jws))
            #expect(try PolicyTokens.setPolicy(text, signer: nil).compact == sent)
            matched += 1
        }
        #expect(matched >= 4)
    }

    @Test func unsignedResetIsTheRecordedBody() throws {
        #expect(try PolicyTokens.resetPolicy(signer: nil).compact == "eyJhbGciOiJub25lIn0..")
        let recorded = RecordedTokenTests.fixture.exchanges.filter { $0.path.hasSuffix(":reset") }.compactMap(\.requestBody)
        #expect(recorded.contains("eyJhbGciOiJub25lIn0.."))
    }

    @Test func signedSetPolicyHeaderMatchesThePythonSDKLayout() throws {
        var checked = 0
        for exchange in Self.setRequests {
            let sent = try #require(exchange.requestBody)
            let jws = try JWS(compact: sent)
            guard !jws.isUnsecured else { continue }
            // Rebuild the header the SDK would send for this certificate and compare bytes.
            let chain = try PolicyTokens.embeddedCertificateChainDER(of: jws)
            let header: JSONValue = ["alg": "RSA256", "jwk": ["x5c": [.string(Base64.standardEncoded(chain[0]))]]]
            #expect(header.serializedBytes(.python) == jws.headerBytes)
            let text = try #require(try PolicyTokens.policyText(of: jws))
            let payload: JSONValue = ["AttestationPolicy": .string(Base64.urlEncoded(Array(text.utf8)))]
            #expect(payload.serializedBytes(.python) == jws.payload)
            _ = try PolicyTokens.verifiedSigner(of: jws)
            checked += 1
        }
        #expect(checked >= 3)
    }

    @Test func signedFormsRoundTrip() throws {
        let pki = try TestPKI.rsaSigner()
        let signer = try PolicyTokenSigner(key: JWSSigningKey(rsa: pki.key), certificateChainDER: [pki.der])
        let policy = "version=1.0; authorizationrules{=> permit();}; issuancerules{};"
        for style in [PolicyTokenStyle.pythonSDK, .dotNetSDK, .standard] {
            let jws = try PolicyTokens.setPolicy(policy, signer: signer, style: style)
            let parsed = try JWS(compact: jws.compact)
            #expect(try PolicyTokens.policyText(of: parsed) == policy)
            #expect(try PolicyTokens.verifiedSigner(of: parsed) == [pki.der])
            // Deterministic: the same input gives the same bytes, so a client can check x-ms-policy-token-hash.
            #expect(try PolicyTokens.setPolicy(policy, signer: signer, style: style).compact == jws.compact)
            let reset = try JWS(compact: PolicyTokens.resetPolicy(signer: signer, style: style).compact)
            #expect(reset.payload.isEmpty)
            #expect(try PolicyTokens.verifiedSigner(of: reset) == [pki.der])
            let add = try JWS(compact: PolicyTokens.policyCertificate(pki.der, signer: signer, style: style).compact)
            #expect(try add.payloadJSON()?["policyCertificate"]?["x5c"] == [.string(Base64.standardEncoded(pki.der))])
        }
        #expect(try JWS(compact: PolicyTokens.setPolicy(policy, signer: signer, style: .pythonSDK).compact).algorithmName == "RSA256")
        #expect(try JWS(compact: PolicyTokens.setPolicy(policy, signer: signer, style: .standard).compact).algorithmName == "RS256")
        let ec = try TestPKI.p256Signer()
        let ecSigner = try PolicyTokenSigner(key: JWSSigningKey(p256: ec.key), certificateChainDER: [ec.der])
        let ecToken = try JWS(compact: PolicyTokens.setPolicy(policy, signer: ecSigner).compact)
        #expect(ecToken.algorithmName == "ECDH256")
        #expect(try PolicyTokens.verifiedSigner(of: ecToken) == [ec.der])
    }

    @Test func signerMustMatchItsCertificate() throws {
        let one = try TestPKI.rsaSigner()
        let other = try TestPKI.rsaSigner()
        #expect(throws: JOSEError.invalidKey) {
            try PolicyTokenSigner(key: JWSSigningKey(rsa: one.key), certificateChainDER: [other.der])
        }
    }

    @Test func tamperedSignedPolicyFailsVerification() throws {
        let pki = try TestPKI.rsaSigner()
        let signer = try PolicyTokenSigner(key: JWSSigningKey(rsa: pki.key), certificateChainDER: [pki.der])
        let jws = try PolicyTokens.setPolicy("version=1.0; authorizationrules{=> permit();};", signer: signer)
        let parts = jws.compact.split(separator: ".").map(String.init)
        let otherPayload = Base64.urlEncoded(Array(#"{"AttestationPolicy": "ZGVueQ"}"#.utf8))
        let forged = try JWS(compact: "\(parts[0]).\(otherPayload).\(parts[2])")
        #expect(throws: JOSEError.signatureInvalid) { try PolicyTokens.verifiedSigner(of: forged) }
        let unsigned = try JWS(compact: "eyJhbGciOiJub25lIn0..")
        #expect(throws: JOSEError.invalidKey) { try PolicyTokens.verifiedSigner(of: unsigned) }
    }
}
