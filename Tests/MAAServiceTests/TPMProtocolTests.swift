import Crypto
import Foundation
import MAAJOSE
import MAAService
import MAAWire
import Testing
import _CryptoExtras
@testable import MAAStorageSQLite

/// The TPM protocol's envelope, first round and service-context checks (`tpm-protocol.md` §2).
@Suite("TPM protocol: envelope, challenge, service context")
struct TPMProtocolTests {
    static let reader = Principal(id: "r", role: .reader)
    static let contributor = Principal(id: "c", role: .contributor)
    static let tpmPolicy = "version=1.2; authorizationrules { => permit(); }; issuancerules { };"

    let clock = TestClock(ServiceFixture.now)
    let store: any AttestationStore
    let service: AttestationService

    init() {
        self.init(store: InMemoryStore())
    }

    init(store: any AttestationStore) {
        self.store = store
        let clock = self.clock
        service = ServiceFixture(store: store, now: { clock.now }).service
    }

    // MARK: Helpers

    func makeInstance(_ name: String = "aad", mode: InstanceMode = .aad, policy: Bool = true) async throws -> InstanceRecord {
        let instance = try await service.createInstance(InstanceSpec(name: name, mode: mode), caller: .localAdministrator)
        if policy {
            let jws = try PolicyTokens.setPolicy(Self.tpmPolicy, signer: nil)
            _ = try await service.setPolicy(jws: jws.compact, type: .tpm, instance: instance, caller: Self.contributor)
        }
        return instance
    }

    func send(_ message: String, to instance: InstanceRecord) async throws -> JSONObject {
        let reply = try await service.attestTPM(message: Array(message.utf8), instance: instance, caller: Self.reader)
        return try #require(try JSONValue(parsing: reply).objectValue)
    }

    /// Round 1: the challenge and service context, unwrapped.
    func challenge(for instance: InstanceRecord) async throws -> (challenge: String, context: String) {
        let reply = try await send(#"{"payload": {"type": "aikcert"}}"#, to: instance)
        let payload = try #require(reply["payload"]?.objectValue)
        return (try #require(payload["challenge"]?.stringValue), try #require(payload["service_context"]?.stringValue))
    }

    /// A v1 (`attReq`) request, signed PS256 by `signer`, naming `attestKey` as its key.
    static func v1Request(
        challenge: String, context: String,
        attestKey: _RSA.Signing.PrivateKey = ServiceFixture.rsa,
        signer: _RSA.Signing.PrivateKey = ServiceFixture.rsa,
        algorithm: JWSAlgorithm = .ps256
    ) throws -> String {
        let jwk = try JWK(publicKey: JWSVerificationKey(rsa: attestKey.publicKey))
        let attData: JSONObject = [
            "rp_id": "https://rp.example",
            "challenge": .string(challenge),
            "service_context": .string(context),
            "attest_key": .object(jwk.json),
            "tpm_att_data": ["aik_pub": .object(jwk.json)],
        ]
        let payload: JSONObject = ["att_type": "basic", "att_data": .object(attData)]
        let jws = try JWS.sign(header: ["typ": "attReq"], claims: payload, key: JWSSigningKey(rsa: signer, algorithm: algorithm))
        return jws.compact
    }

    static func wrappedRequest(_ jws: String) -> String {
        #"{"payload":{"request":"\#(jws)"}}"#
    }

    func expectCode(_ code: ServiceError.Code, _ body: () async throws -> Void) async {
        await #expect(throws: ServiceError(code, "")) { try await body() }
    }

    // MARK: Round 1

    @Test func recordedInitMessageGetsAChallengeInTheSameForm() async throws {
        let instance = try await makeInstance(policy: false)  // init succeeds without a policy (§9 Q3)
        // The exact bytes the Python SDK sent in the recorded exchange (with spaces).
        let recorded = try Base64.decode("eyJwYXlsb2FkIjogeyJ0eXBlIjogImFpa2NlcnQifX0", alphabet: .url)
        let reply = try await service.attestTPM(message: recorded, instance: instance, caller: Self.reader)
        let text = String(decoding: reply, as: UTF8.self)
        #expect(text.hasPrefix(#"{"payload":{"challenge":""#))
        let payload = try #require(try JSONValue(parsing: reply)["payload"]?.objectValue)
        #expect(payload.keys == ["challenge", "service_context"])
        let challenge = try Base64.decode(try #require(payload["challenge"]?.stringValue), alphabet: .url)
        #expect(challenge.count == 16)
        // The context keeps MAA's outer shape: base64url of {"ProtectionKeyName":HEX64,"ProtectedContext":b64url}.
        let outerBytes = try Base64.decode(try #require(payload["service_context"]?.stringValue), alphabet: .url)
        let outer = try JSONValue(parsing: outerBytes)
        #expect(String(decoding: outerBytes, as: UTF8.self).hasPrefix(#"{"ProtectionKeyName":""#))
        let name = try #require(outer["ProtectionKeyName"]?.stringValue)
        #expect(name.count == 64 && name == name.uppercased() && (try? Hex.decode(name)) != nil)
        #expect(try Base64.decode(try #require(outer["ProtectedContext"]?.stringValue), alphabet: .url).count > 16)
    }

    @Test func bareInitGetsABareReplyAndFreshChallenges() async throws {
        let instance = try await makeInstance()
        let first = try await send(#"{"type":"aikcert"}"#, to: instance)
        #expect(first["payload"] == nil)
        let second = try await send(#"{"type":"aikcert"}"#, to: instance)
        #expect(first["challenge"] != nil && first["challenge"] != second["challenge"])
        #expect(first["service_context"] != second["service_context"])
    }

    @Test(arguments: [
        "", "nope", "[]", "\"aikcert\"", "{}", #"{"payload":{}}"#, #"{"type":"quote"}"#, #"{"type":1}"#,
        #"{"payload":{"type":"AIKCERT"}}"#, #"{"request":5}"#, #"{"request":""}"#, #"{"payload":{"request":null}}"#,
        #"{"type":"aikcert","type":"aikcert"}"#,
    ])
    func malformedMessagesAreInvalidParameter(_ message: String) async throws {
        let instance = try await makeInstance()
        await expectCode(.invalidParameter) { _ = try await send(message, to: instance) }
    }

    @Test func sharedInstancesAreRefused() async throws {
        let shared = try await makeInstance("shared", mode: .shared, policy: false)
        await expectCode(.invalidOperation) { _ = try await send(#"{"type":"aikcert"}"#, to: shared) }
    }

    // MARK: Round 2

    @Test func validRequestPassesEveryCheckThenStopsAtEvidenceVerification() async throws {
        let instance = try await makeInstance()
        let (challenge, context) = try await challenge(for: instance)
        let request = Self.wrappedRequest(try Self.v1Request(challenge: challenge, context: context))
        // Every protocol check passes; the TPM evidence verifier is not implemented, and says so.
        await expectCode(.notSupported) { _ = try await send(request, to: instance) }
        // The context is now used up: the same request again is a replay.
        await #expect(throws: ServiceError(.invalidParameter, "")) { _ = try await send(request, to: instance) }
    }

    @Test func ecRequestKeyV2IsAccepted() async throws {
        let instance = try await makeInstance()
        let (challenge, context) = try await challenge(for: instance)
        let key = P256.Signing.PrivateKey()
        let jwk = try JWK(publicKey: JWSVerificationKey(p256: key.publicKey))
        let attData: JSONObject = [
            "challenge": .string(challenge), "service_context": .string(context),
            "request_key": ["jwk": .object(jwk.json), "info": ["tpm_quote": ["hash_alg": "sha-256"]]],
            "tpm_att_data": ["current_attestation": ["logs": []]],
        ]
        let jws = try JWS.sign(header: ["typ": "attReqV2"], claims: ["att_type": "basic", "att_data": .object(attData)], key: JWSSigningKey(p256: key))
        await expectCode(.notSupported) { _ = try await send(#"{"request":"\#(jws.compact)"}"#, to: instance) }
    }

    @Test func withoutATPMPolicyRoundTwoIsInvalidOperation() async throws {
        let instance = try await makeInstance(policy: false)
        let (challenge, context) = try await challenge(for: instance)
        let request = Self.wrappedRequest(try Self.v1Request(challenge: challenge, context: context))
        await expectCode(.invalidOperation) { _ = try await send(request, to: instance) }
    }

    @Test func tamperedContextIsRefused() async throws {
        let instance = try await makeInstance()
        let (challenge, context) = try await challenge(for: instance)
        let outer = try JSONValue(parsing: try Base64.decode(context, alphabet: .url))
        var blob = try Base64.decode(try #require(outer["ProtectedContext"]?.stringValue), alphabet: .url)
        for index in [0, 13, blob.count / 2, blob.count - 1] {
            blob[index] ^= 0x01
            let forged = Base64.urlEncoded(JSONValue.object([
                "ProtectionKeyName": try #require(outer["ProtectionKeyName"]), "ProtectedContext": .string(Base64.urlEncoded(blob)),
            ]).serializedBytes())
            blob[index] ^= 0x01
            let request = Self.wrappedRequest(try Self.v1Request(challenge: challenge, context: forged))
            await expectCode(.invalidParameter) { _ = try await send(request, to: instance) }
        }
        let unknownKey = Base64.urlEncoded(JSONValue.object([
            "ProtectionKeyName": .string(String(repeating: "A", count: 64)), "ProtectedContext": try #require(outer["ProtectedContext"]),
        ]).serializedBytes())
        for bad in [unknownKey, "", "!!!", String(context.dropLast(3)), String(repeating: "A", count: 5000)] {
            let request = Self.wrappedRequest(try Self.v1Request(challenge: challenge, context: bad))
            await expectCode(.invalidParameter) { _ = try await send(request, to: instance) }
        }
        // None of those consumed the real context.
        let good = Self.wrappedRequest(try Self.v1Request(challenge: challenge, context: context))
        await expectCode(.notSupported) { _ = try await send(good, to: instance) }
    }

    @Test func contextFromAnotherInstanceIsRefused() async throws {
        let first = try await makeInstance("first")
        let second = try await makeInstance("second")
        let (challenge, context) = try await challenge(for: first)
        let request = Self.wrappedRequest(try Self.v1Request(challenge: challenge, context: context))
        await expectCode(.invalidParameter) { _ = try await send(request, to: second) }
        await expectCode(.notSupported) { _ = try await send(request, to: first) }
    }

    @Test func expiredContextIsRefused() async throws {
        let instance = try await makeInstance()
        let (challenge, context) = try await challenge(for: instance)
        clock.now += 300 + 31
        let request = Self.wrappedRequest(try Self.v1Request(challenge: challenge, context: context))
        await expectCode(.invalidParameter) { _ = try await send(request, to: instance) }
    }

    @Test func contextIsGoodUntilItsLifetimeEnds() async throws {
        let instance = try await makeInstance()
        let (challenge, context) = try await challenge(for: instance)
        clock.now += 300
        let request = Self.wrappedRequest(try Self.v1Request(challenge: challenge, context: context))
        await expectCode(.notSupported) { _ = try await send(request, to: instance) }
    }

    @Test func challengeMustMatchTheContext() async throws {
        let instance = try await makeInstance()
        let (_, context) = try await challenge(for: instance)
        let (otherChallenge, _) = try await challenge(for: instance)
        for challenge in [otherChallenge, "", "AAAA", "not base64!"] {
            let request = Self.wrappedRequest(try Self.v1Request(challenge: challenge, context: context))
            await expectCode(.invalidParameter) { _ = try await send(request, to: instance) }
        }
    }

    @Test func signatureMustComeFromTheRequestKeyAndABadOneDoesNotBurnTheContext() async throws {
        let instance = try await makeInstance()
        let (challenge, context) = try await challenge(for: instance)
        // Signed by a different key than the attest_key it names.
        let forged = Self.wrappedRequest(
            try Self.v1Request(challenge: challenge, context: context, attestKey: ServiceFixture.rsa, signer: ServiceFixture.otherRSA)
        )
        await expectCode(.invalidParameter) { _ = try await send(forged, to: instance) }
        // RS256 is not a TPM request algorithm (PS256 for RSA keys).
        let rs256 = Self.wrappedRequest(try Self.v1Request(challenge: challenge, context: context, algorithm: .rs256))
        await expectCode(.invalidParameter) { _ = try await send(rs256, to: instance) }
        // An unsecured request.
        let parts = try Self.v1Request(challenge: challenge, context: context).split(separator: ".")
        let none = Base64.urlEncoded(Array(#"{"alg":"none","typ":"attReq"}"#.utf8)) + "." + parts[1] + "."
        await expectCode(.invalidParameter) { _ = try await send(Self.wrappedRequest(none), to: instance) }
        // A flipped signature byte.
        var signature = try Base64.decode(String(parts[2]), alphabet: .url)
        signature[7] ^= 0x80
        let flipped = parts[0] + "." + parts[1] + "." + Base64.urlEncoded(signature)
        await expectCode(.invalidParameter) { _ = try await send(Self.wrappedRequest(flipped), to: instance) }
        // The context survived all of that.
        let good = Self.wrappedRequest(try Self.v1Request(challenge: challenge, context: context))
        await expectCode(.notSupported) { _ = try await send(good, to: instance) }
    }

    @Test(arguments: [
        #"{"att_type":"full","att_data":{}}"#, #"{"att_data":{}}"#, #"{"att_type":"basic"}"#,
        #"{"att_type":"vbs","att_data":{"challenge":"AA"}}"#, #"[1]"#, #"{"att_type":"basic","att_data":{"challenge":"AA","service_context":"x"}}"#,
    ])
    func malformedRequestPayloadsAreInvalidParameter(_ payload: String) async throws {
        let instance = try await makeInstance()
        let jws = try JWS.sign(header: ["typ": "attReq"], payload: Array(payload.utf8), key: JWSSigningKey(rsa: ServiceFixture.rsa, algorithm: .ps256))
        await expectCode(.invalidParameter) { _ = try await send(Self.wrappedRequest(jws.compact), to: instance) }
        await expectCode(.invalidParameter) { _ = try await send(Self.wrappedRequest("a.b"), to: instance) }
    }

    // MARK: Durability

    @Test func contextsSurviveARestartAndReplayIsRefusedAcrossServers() async throws {
        try await withSQLiteStore { store in
            let first = TPMProtocolTests(store: store)
            let instance = try await first.makeInstance()
            let (challenge, context) = try await first.challenge(for: instance)
            // A second service over the same database (a restart, or a second server sharing state).
            let second = TPMProtocolTests(store: store)
            let request = Self.wrappedRequest(try Self.v1Request(challenge: challenge, context: context))
            await second.expectCode(.notSupported) { _ = try await second.send(request, to: instance) }
            await first.expectCode(.invalidParameter) { _ = try await first.send(request, to: instance) }
        }
    }

    /// The same valid request sent 16 times at once: exactly one gets past the one-time-use check.
    @Test(arguments: StoreKind.allCases)
    func concurrentReplaysLetExactlyOneThrough(kind: StoreKind) async throws {
        try await kind.with { store in
            let fixture = TPMProtocolTests(store: store)
            let instance = try await fixture.makeInstance()
            let (challenge, context) = try await fixture.challenge(for: instance)
            let request = Self.wrappedRequest(try Self.v1Request(challenge: challenge, context: context))
            let codes = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        do {
                            _ = try await fixture.send(request, to: instance)
                            return "accepted"
                        } catch let error as ServiceError {
                            return error.code.name
                        }
                    }
                }
                var codes: [String] = []
                for try await code in group { codes.append(code) }
                return codes
            }
            #expect(codes.filter { $0 == ServiceError.Code.notSupported.name }.count == 1, "\(codes)")
            #expect(codes.filter { $0 == ServiceError.Code.invalidParameter.name }.count == 15, "\(codes)")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func oneTimeUseForgetsExpiredIdentifiers(kind: StoreKind) async throws {
        try await kind.with { store in
            let id: [UInt8] = Array(repeating: 7, count: 16)
            #expect(try await store.consumeOnce(id: id, expiresAt: 100, now: 50))
            #expect(try await !store.consumeOnce(id: id, expiresAt: 100, now: 60))
            #expect(try await store.consumeOnce(id: [1], expiresAt: 100, now: 60))
            // After expiry the row is purged (the context itself would no longer open).
            #expect(try await store.consumeOnce(id: id, expiresAt: 300, now: 101))
            #expect(try await store.serviceContextKeys().isEmpty)
            let key = ServiceContextKeyRecord(name: "AB", key: Array(repeating: 1, count: 32), createdAt: 5)
            try await store.addServiceContextKey(key)
            try await store.addServiceContextKey(ServiceContextKeyRecord(name: "AB", key: [], createdAt: 6))
            #expect(try await store.serviceContextKeys() == [key])
        }
    }
}
