import Foundation
@testable import MAAClient
import MAAJOSE
import MAAModels
import MAATesting
import MAAWire
import Synchronization
import Testing

/// Every returned token is checked against the instance's published signers; these are the attacks it must stop.
@Suite struct TokenSecurityTests {
    static let quote: [UInt8] = Array("not a real quote: the fake instance does not look at it".utf8)

    static func expectValidationFailure(_ code: JOSEError.Code, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected a validation failure (\(code))")
        } catch let error as AttestationClientError {
            #expect(error.code == .validationFailed)
            #expect(error.validationError?.code == code, "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func aSignedTokenFromAPublishedKeyIsAccepted() async throws {
        let key = try FakeInstance.Key.make("k1")
        let instance = FakeInstance(published: [key]) { issuer in
            try FakeInstance.signed(by: key, claims: FakeInstance.claims(issuer: issuer))
        }
        let client = try AttestationClient(endpoint: FakeInstance.url, options: FakeInstance.options(instance.transport))
        let response = try await client.attestSgxEnclave(quote: Self.quote)
        #expect(response.signer?.keyID == "k1")
        #expect(response.value.attestationType == "sgx")
        #expect(response.requestID == "req-1")
        #expect(instance.certsFetches == 1)
    }

    @Test func unsecuredTokensAreRejectedUnlessADraftPolicyWasSent() async throws {
        let key = try FakeInstance.Key.make("k1")
        let instance = FakeInstance(published: [key]) { issuer in FakeInstance.unsecured(claims: FakeInstance.claims(issuer: issuer)) }
        let client = try AttestationClient(endpoint: FakeInstance.url, options: FakeInstance.options(instance.transport))
        await Self.expectValidationFailure(.unsecuredTokenRejected) {
            _ = try await client.attestSgxEnclave(quote: Self.quote)
        }
        // Asking for unsecured tokens in the options does not help: only a draft-policy request allows them.
        var lenient = TokenValidationOptions.at(Date(timeIntervalSince1970: Double(FakeInstance.issuedAt + 60)))
        lenient.allowUnsecuredTokens = true
        await Self.expectValidationFailure(.unsecuredTokenRejected) {
            _ = try await client.attestOpenEnclave(report: Self.quote, options: RequestOptions(tokenValidation: lenient))
        }
        let draft = try await client.attestSgxEnclave(quote: Self.quote, draftPolicy: "version=1.0; authorizationrules{=>permit();};")
        #expect(draft.token?.isUnsecured == true)
        #expect(draft.signer == nil)
        // An unsecured token needs no signers: /certs was never fetched.
        #expect(instance.certsFetches == 0)
    }

    @Test func aTokenSignedByAnUnpublishedKeyIsRejectedEvenWithItsOwnCertificate() async throws {
        let published = try FakeInstance.Key.make("k1")
        let attacker = try FakeInstance.Key.make("evil")
        // The attacker's token names its own kid and carries its certificate (x5c) and key (jwk) in the header.
        let attackerJWK = try attacker.jwk
        let selfVouching: JSONObject = [
            "x5c": [.string(Base64.standardEncoded(attacker.certificateDER))],
            "jwk": .object(attackerJWK.json),
        ]
        let instance = FakeInstance(published: [published]) { issuer in
            try FakeInstance.signed(by: attacker, claims: FakeInstance.claims(issuer: issuer), extraHeader: selfVouching)
        }
        let client = try AttestationClient(endpoint: FakeInstance.url, options: FakeInstance.options(instance.transport))
        await Self.expectValidationFailure(.unknownKeyID) { _ = try await client.attestSgxEnclave(quote: Self.quote) }

        // Naming the published kid does not help either: the published key does not verify the signature.
        instance.update { state in
            state.nextToken = { issuer in
                try FakeInstance.signed(by: attacker, keyID: "k1", claims: FakeInstance.claims(issuer: issuer), extraHeader: selfVouching)
            }
        }
        await Self.expectValidationFailure(.signatureInvalid) { _ = try await client.attestSgxEnclave(quote: Self.quote) }
    }

    @Test func aTokenWithoutKeyIDIsNotTriedAgainstEveryKey() async throws {
        let first = try FakeInstance.Key.make("k1")
        let second = try FakeInstance.Key.make("k2")
        let instance = FakeInstance(published: [first, second]) { issuer in
            try FakeInstance.signed(by: second, keyID: .some(nil), claims: FakeInstance.claims(issuer: issuer))
        }
        let client = try AttestationClient(endpoint: FakeInstance.url, options: FakeInstance.options(instance.transport))
        await Self.expectValidationFailure(.missingKeyID) { _ = try await client.attestSgxEnclave(quote: Self.quote) }
    }

    @Test func anExpiredTokenIsRejected() async throws {
        let key = try FakeInstance.Key.make("k1")
        let instance = FakeInstance(published: [key]) { issuer in
            try FakeInstance.signed(by: key, claims: FakeInstance.claims(issuer: issuer, lifetime: 3600))
        }
        let late = try AttestationClient(
            endpoint: FakeInstance.url, options: FakeInstance.options(instance.transport, at: FakeInstance.issuedAt + 3601))
        await Self.expectValidationFailure(.expired) { _ = try await late.attestSgxEnclave(quote: Self.quote) }
        // A per-call override of the clock is honoured too.
        let client = try AttestationClient(endpoint: FakeInstance.url, options: FakeInstance.options(instance.transport))
        _ = try await client.attestSgxEnclave(quote: Self.quote)
        let later = RequestOptions(tokenValidation: .at(Date(timeIntervalSince1970: Double(FakeInstance.issuedAt + 7200))))
        await Self.expectValidationFailure(.expired) { _ = try await client.attestSgxEnclave(quote: Self.quote, options: later) }
        let early = RequestOptions(tokenValidation: .at(Date(timeIntervalSince1970: Double(FakeInstance.issuedAt - 60))))
        await Self.expectValidationFailure(.notYetValid) { _ = try await client.attestSgxEnclave(quote: Self.quote, options: early) }
    }

    @Test func theIssuerMustBeTheInstanceURL() async throws {
        let key = try FakeInstance.Key.make("k1")
        let instance = FakeInstance(published: [key]) { _ in
            try FakeInstance.signed(by: key, claims: FakeInstance.claims(issuer: "https://other.attest.test"))
        }
        let client = try AttestationClient(endpoint: FakeInstance.url + "/", options: FakeInstance.options(instance.transport))
        #expect(client.endpoint == FakeInstance.url)
        await Self.expectValidationFailure(.issuerMismatch) { _ = try await client.attestSgxEnclave(quote: Self.quote) }
        // A client told to expect that issuer accepts it.
        var options = FakeInstance.options(instance.transport)
        options.tokenValidation.issuer = "https://other.attest.test"
        let configured = try AttestationClient(endpoint: FakeInstance.url, options: options)
        _ = try await configured.attestSgxEnclave(quote: Self.quote)
    }

    @Test func aKeyRotationIsPickedUpAtMostOncePerInterval() async throws {
        let old = try FakeInstance.Key.make("old")
        let new = try FakeInstance.Key.make("new")
        let instance = FakeInstance(published: [old]) { issuer in
            try FakeInstance.signed(by: old, claims: FakeInstance.claims(issuer: issuer))
        }
        let clock = TestClock(Date(timeIntervalSince1970: 1_000_000))
        var options = FakeInstance.options(instance.transport)
        options.signerRefreshInterval = .seconds(60)
        options.now = { clock.now() }
        let client = try AttestationClient(endpoint: FakeInstance.url, options: options)

        _ = try await client.attestSgxEnclave(quote: Self.quote)
        _ = try await client.attestSgxEnclave(quote: Self.quote)
        #expect(instance.certsFetches == 1, "known kid: the cache is used")

        // The service rotates to a new key: the unknown kid triggers one refresh, which finds it.
        instance.update { state in
            state.published = [old, new]
            state.nextToken = { issuer in try FakeInstance.signed(by: new, claims: FakeInstance.claims(issuer: issuer)) }
        }
        clock.advance(by: 5)
        let rotated = try await client.attestSgxEnclave(quote: Self.quote)
        #expect(rotated.signer?.keyID == "new")
        #expect(instance.certsFetches == 2)

        // A token naming a kid that is nowhere: no second refresh within the interval, and it is rejected.
        let rogue = try FakeInstance.Key.make("rogue")
        instance.update { state in
            state.nextToken = { issuer in try FakeInstance.signed(by: rogue, claims: FakeInstance.claims(issuer: issuer)) }
        }
        clock.advance(by: 30)
        for _ in 0..<3 {
            await Self.expectValidationFailure(.unknownKeyID) { _ = try await client.attestSgxEnclave(quote: Self.quote) }
        }
        #expect(instance.certsFetches == 2, "an unknown kid refreshes at most once per interval")

        // Once the interval since the last refresh has passed, the next unknown kid may refresh again.
        clock.advance(by: 31)
        await Self.expectValidationFailure(.unknownKeyID) { _ = try await client.attestSgxEnclave(quote: Self.quote) }
        #expect(instance.certsFetches == 3)
    }

    @Test func tokensFromElsewhereAreValidatedWithTheSameRules() async throws {
        let key = try FakeInstance.Key.make("k1")
        let other = try FakeInstance.Key.make("k2")
        let instance = FakeInstance(published: [key]) { _ in "" }
        let client = try AttestationClient(endpoint: FakeInstance.url, options: FakeInstance.options(instance.transport))
        let good = try FakeInstance.signed(by: key, claims: FakeInstance.claims(issuer: FakeInstance.url))
        let validated = try await client.validateToken(good)
        #expect(validated.signer?.keyID == "k1")
        #expect(validated.token.issuer == FakeInstance.url)
        #expect(instance.certsFetches == 1)
        _ = try await client.validateToken(good)
        #expect(instance.certsFetches == 1, "cached signers")
        await Self.expectValidationFailure(.unsecuredTokenRejected) {
            _ = try await client.validateToken(FakeInstance.unsecured(claims: FakeInstance.claims(issuer: FakeInstance.url)))
        }
        await Self.expectValidationFailure(.unknownKeyID) {
            _ = try await client.validateToken(try FakeInstance.signed(by: other, claims: FakeInstance.claims(issuer: FakeInstance.url)))
        }
        await Self.expectValidationFailure(.issuerMismatch) {
            _ = try await client.validateToken(try FakeInstance.signed(by: key, claims: FakeInstance.claims(issuer: "https://elsewhere")))
        }
        await Self.expectValidationFailure(.malformed) { _ = try await client.validateToken("not.a-token") }
    }

    @Test func concurrentCallsShareOneSignerFetch() async throws {
        let key = try FakeInstance.Key.make("k1")
        let instance = FakeInstance(published: [key]) { issuer in
            try FakeInstance.signed(by: key, claims: FakeInstance.claims(issuer: issuer))
        }
        let client = try AttestationClient(endpoint: FakeInstance.url, options: FakeInstance.options(instance.transport))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { _ = try await client.attestSgxEnclave(quote: Self.quote) } }
            try await group.waitForAll()
        }
        #expect(instance.certsFetches >= 1)
        // Calls that raced before the first fetch completed joined it; none fetched beyond the interval rule.
        #expect(instance.certsFetches == 1)
    }

    @Test func signatureValidationCanBePinnedOrTurnedOffPerCall() async throws {
        let key = try FakeInstance.Key.make("k1")
        let other = try FakeInstance.Key.make("k2")
        let instance = FakeInstance(published: [key]) { issuer in
            try FakeInstance.signed(by: other, claims: FakeInstance.claims(issuer: issuer))
        }
        let client = try AttestationClient(endpoint: FakeInstance.url, options: FakeInstance.options(instance.transport))
        var pinned = TokenValidationOptions.at(Date(timeIntervalSince1970: Double(FakeInstance.issuedAt + 60)))
        pinned.pinnedKey = other.key.publicKey
        let response = try await client.attestSgxEnclave(quote: Self.quote, options: RequestOptions(tokenValidation: pinned))
        #expect(response.signer != nil)
        #expect(instance.certsFetches == 0, "a pinned key needs no /certs")
    }
}
