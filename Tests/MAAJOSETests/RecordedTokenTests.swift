import Crypto
import Foundation
import MAAJOSE
import MAAModels
import MAATesting
import MAAWire
import Testing
import X509

/// Known-answer tests on every token in the real recorded MAA traffic.
@Suite struct RecordedTokenTests {
    struct Fixture {
        let exchanges: [RecordedExchange]
        /// Signers published by each instance, keyed by instance URL (the CN of its self-signed signing certificate).
        let signersByInstance: [String: [AttestationSigner]]
        /// Every token-bearing exchange with its parsed token.
        let tokens: [(exchange: RecordedExchange, token: AttestationToken)]
    }

    static let fixture: Fixture = {
        do {
            let exchanges = try Recordings.all()
            var signersByInstance: [String: [AttestationSigner]] = [:]
            var tokens: [(RecordedExchange, AttestationToken)] = []
            for exchange in exchanges {
                if exchange.path == "/certs" {
                    let jwks = try JWKS(parsing: Array(exchange.responseBody.utf8))
                    let signers = try AttestationSigner.signers(from: jwks)
                    // The instance's own key is the self-signed certificate whose subject CN is the instance URL.
                    for signer in signers {
                        guard let leaf = signer.certificates.first, leaf.subject == leaf.issuer,
                            let cn = leaf.subject.description.split(separator: "=", maxSplits: 1).last
                        else { continue }
                        signersByInstance[String(cn)] = signers
                    }
                } else if let body = try? JSONValue(parsing: exchange.responseBody), let token = body["token"]?.stringValue {
                    tokens.append((exchange, try AttestationToken(compact: token)))
                }
            }
            return Fixture(exchanges: exchanges, signersByInstance: signersByInstance, tokens: tokens)
        } catch {
            fatalError("cannot load the recordings: \(error)")
        }
    }()

    static func asOfIssue(_ token: AttestationToken) -> TokenValidationOptions {
        var options = TokenValidationOptions.at(token.issuedAt ?? Date(timeIntervalSince1970: 0))
        options.issuer = token.issuer
        return options
    }

    @Test func everyRecordedTokenIsAccountedFor() {
        let fixture = Self.fixture
        #expect(fixture.exchanges.count == 204)
        #expect(fixture.tokens.count == 119)
        #expect(fixture.tokens.filter { $0.token.algorithmName == "RS256" }.count == 116)
        #expect(fixture.tokens.filter { $0.token.isUnsecured }.count == 3)
        #expect(Set(fixture.signersByInstance.keys) == [
            "https://pylarryoattestationaad.wus.attest.azure.net",
            "https://pylarryoattestationiso.wus.attest.azure.net",
            "https://sharedwus.wus.attest.azure.net",
        ])
    }

    @Test func everyRS256TokenVerifiesAgainstItsInstanceCerts() throws {
        var verified = 0
        for (exchange, token) in Self.fixture.tokens where !token.isUnsecured {
            let issuer = try #require(token.issuer, "\(exchange.recording)#\(exchange.index)")
            let signers = try #require(Self.fixture.signersByInstance[issuer], "no /certs for \(issuer)")
            let signer = try token.validate(signers: signers, options: Self.asOfIssue(token))
            #expect(signer?.keyID == token.keyID)
            #expect(token.keyURL == issuer + "/certs")
            verified += 1
        }
        #expect(verified == 116)
    }

    @Test func unsecuredDraftTokensNeedExplicitConsent() throws {
        let unsecured = Self.fixture.tokens.filter { $0.token.isUnsecured }
        #expect(unsecured.count == 3)
        for (_, token) in unsecured {
            let signers = try #require(Self.fixture.signersByInstance[token.issuer ?? ""])
            #expect(throws: JOSEError.unsecuredTokenRejected) {
                try token.validate(signers: signers, options: Self.asOfIssue(token))
            }
            var allow = Self.asOfIssue(token)
            allow.allowUnsecuredTokens = true
            #expect(try token.validate(signers: signers, options: allow) == nil)
        }
    }

    @Test func payloadsReserializeByteIdentically() throws {
        // MAA serializes token bodies compactly with sorted keys; our serializer must produce the same bytes.
        for (_, token) in Self.fixture.tokens {
            #expect(JSONValue.object(token.claims).serializedBytes(.maa) == token.jws.payload)
            #expect(JSONValue.object(token.header).serializedBytes(.maa) == token.jws.headerBytes)
        }
    }

    @Test func setPolicyTokenHashesAreSHA256OfTheJWSAsSent() throws {
        var checked = 0
        for (exchange, token) in Self.fixture.tokens where exchange.method == "PUT" {
            let sent = try #require(exchange.requestBody)
            let result = try PolicyResult(token: token)
            #expect(result.outcome == .updated)
            #expect(result.policyTokenHash == Array(SHA256.hash(data: Array(sent.utf8))))
            // A signed set echoes the signer certificate from the request's jwk.x5c.
            let request = try JWS(compact: sent)
            let chain = try PolicyTokens.embeddedCertificateChainDER(of: request)
            #expect(try result.policySigner?.certificateChainDER() == (chain.isEmpty ? nil : chain))
            if !chain.isEmpty { #expect(try PolicyTokens.verifiedSigner(of: request) == chain) }
            checked += 1
        }
        #expect(checked >= 9)
    }

    @Test func getPolicyReturnsTheExactStoredJWS() throws {
        // Within one recording, a GET after a PUT of the same type returns the exact JWS that was set.
        var compared = 0
        for recording in Set(Self.fixture.tokens.map(\.exchange.recording)) {
            var lastSetHash: [String: [UInt8]] = [:]
            for (exchange, token) in Self.fixture.tokens where exchange.recording == recording && exchange.path.hasPrefix("/policies/") {
                let result = try PolicyResult(token: token)
                if exchange.method == "PUT" { lastSetHash[exchange.path] = result.policyTokenHash }
                if exchange.method == "GET" {
                    let stored = try #require(result.policyToken, "\(recording)#\(exchange.index) has x-ms-policy")
                    if let expected = lastSetHash[exchange.path] {
                        #expect(Array(SHA256.hash(data: Array(stored.compact.utf8))) == expected)
                        compared += 1
                    }
                }
            }
        }
        #expect(compared > 0)
    }

    static func policyHash(_ text: String) -> String {
        Base64.urlEncoded(Array(SHA256.hash(data: Array(Base64.urlEncoded(Array(text.utf8)).utf8))))
    }

    @Test func attestationPolicyHashesFollowTheDocumentedFormula() throws {
        let minimal = try SharedData.text("maa-data/policies/minimal_permit_all_policy.txt")
        let shared = try SharedData.text("maa-data/policies/shared_instance_default_policy_sgx_openenclave.txt")
        #expect(Self.policyHash(minimal) == "z0FRjKS0ssQTNur1V6BV8WIrh9M3fzgTo0EfHRvapWU")
        #expect(Self.policyHash(shared) == "bROrN897ZfWmWY2V0FLUlu3uwk5xatGnKYHn3zBbSlw")
        var checked = 0
        for (exchange, token) in Self.fixture.tokens where exchange.path.hasPrefix("/attest/") {
            let result = try AttestationResult(token: token)
            let hash = try #require(result.policyHash)
            let request = try JSONValue(parsing: try #require(exchange.requestBody))
            if let draft = request["draftPolicyForAttestation"]?.stringValue {
                #expect(Base64.urlEncoded(hash) == Self.policyHash(draft))
            } else if token.issuer == "https://sharedwus.wus.attest.azure.net" {
                #expect(Base64.urlEncoded(hash) == Self.policyHash(shared))
            } else {
                #expect(Base64.urlEncoded(hash) == Self.policyHash(minimal))
            }
            checked += 1
        }
        #expect(checked == 30)
    }

    @Test func attestationClaimsDecodeTyped() throws {
        let quote = try SharedData.bytes("maa-data/sgx/sgx_quote_v3.bin")
        let report = try SharedData.bytes("maa-data/sgx/open_enclave_report.bin")
        for (exchange, token) in Self.fixture.tokens where exchange.path.hasPrefix("/attest/") {
            let result = try AttestationResult(token: token)
            #expect(result.attestationType == "sgx")
            #expect(result.version == "1.0")
            #expect(result.sgxIsDebuggable == false)
            #expect(result.sgxProductID == 1)
            #expect(result.sgxSVN == 1)
            #expect(result.sgxMrEnclave.map(Hex.encode) == "b779202618becb636768e5d902f28d524222735fafb539ea9ba07c3fc171a1c2")
            #expect(result.sgxMrSigner.map(Hex.encode) == "2c1a44952ae8207135c6c29b75b8c029372ee94b677e15c20bd42340f10d41aa")
            let evidence = exchange.path == "/attest/OpenEnclave" ? report : quote
            #expect(result.sgxCollateral?.quoteHash == Array(SHA256.hash(data: evidence)))
            #expect(result.expiration?.timeIntervalSince(result.issuedAt ?? .distantPast) == 28800)
            #expect(result.enclaveHeldData != nil || result.runtimeClaims != nil)
        }
    }
}
