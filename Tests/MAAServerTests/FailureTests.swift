import MAAModels
import Foundation
import Hummingbird
import HummingbirdTesting
import MAAJOSE
import MAAServer
import MAAService
import MAAWire
import Testing

/// A store whose every call fails, as a broken disk would.
struct BrokenStore: AttestationStore {
    struct DiskOnFire: Error, CustomStringConvertible { var description: String { "secret detail /var/lib/x" } }
    func createInstance(_ instance: InstanceRecord, signers: [PolicySigner], signingKey: SigningKeyRecord) async throws { throw DiskOnFire() }
    func instance(named name: String) async throws -> InstanceRecord? { throw DiskOnFire() }
    func instances() async throws -> [InstanceRecord] { throw DiskOnFire() }
    func deleteInstance(named name: String) async throws -> Bool { throw DiskOnFire() }
    func policy(instance: String, type: AttestationType) async throws -> StoredPolicy? { throw DiskOnFire() }
    func setPolicy(instance: String, type: AttestationType, _ policy: StoredPolicy?) async throws { throw DiskOnFire() }
    func signers(instance: String) async throws -> [PolicySigner] { throw DiskOnFire() }
    func updateSigners<Result: Sendable>(
        instance: String, _ update: @Sendable (inout [PolicySigner]) throws -> Result
    ) async throws -> Result { throw DiskOnFire() }
    func signingKeys(instance: String) async throws -> [SigningKeyRecord] { throw DiskOnFire() }
    func rotateSigningKey(instance: String, newKey: SigningKeyRecord, retiredAt: Int64, deleteRetiredBefore: Int64) async throws {
        throw DiskOnFire()
    }
    func apiTokens() async throws -> [APITokenRecord] { throw DiskOnFire() }
    func addAPIToken(_ token: APITokenRecord) async throws { throw DiskOnFire() }
    func serviceContextKeys() async throws -> [ServiceContextKeyRecord] { throw DiskOnFire() }
    func addServiceContextKey(_ key: ServiceContextKeyRecord) async throws { throw DiskOnFire() }
    func consumeOnce(id: [UInt8], expiresAt: Int64, now: Int64) async throws -> Bool { throw DiskOnFire() }
}

@Suite("Failures at the edge")
struct FailureTests {
    @Test func unknownErrorsAre500WithoutDetailAndNotReady() async throws {
        let service = AttestationService(store: BrokenStore(), configuration: ServiceConfiguration(publicBaseURL: "http://x"))
        let app = try buildApplication(
            service: service, authenticator: StaticTokenAuthenticator(store: BrokenStore()),
            configuration: ServerConfiguration(port: 0)
        )
        try await app.test(.live) { client in
            let certs = try await client.execute(uri: "/aad1/certs", method: .get)
            #expect(certs.status == .internalServerError)
            #expect(certs.errorCode == "InternalServerError")
            #expect(!certs.text.contains("secret"))
            let attest = try await client.execute(
                uri: "/aad1/attest/SgxEnclave?api-version=2020-10-01", method: .post,
                headers: [.authorization: "Bearer whatever-token-value", .contentType: "application/json"],
                body: ByteBuffer(string: "{}")
            )
            #expect(attest.status == .internalServerError)
            #expect(!attest.text.contains("secret"))
            #expect(try await client.execute(uri: "/ready", method: .get).status == .serviceUnavailable)
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    @Test func oidcTokensOverHTTP() async throws {
        let fixture = try await ServerFixture.make()
        let issuer = "https://login.example.test/v2.0"
        let signing = try SigningKeyFactory.make(instanceURL: "https://idp.test", now: 1, key: ServerFixture.rsaKey)
        let jwks = JWKS(keys: [try JWK(certificateChainDER: [signing.certificateDER], keyID: "idp-1")])
        let oidc = OIDCAuthenticator(configuration: OIDCConfiguration(issuer: issuer), keys: StaticJWKSSource(jwks))
        let app = try buildApplication(
            service: fixture.service,
            authenticator: AuthenticatorChain([StaticTokenAuthenticator(store: fixture.store), oidc]),
            configuration: ServerConfiguration(port: 0)
        )
        @Sendable func jwt(roles: [String]) throws -> String {
            let now = Int64(Date().timeIntervalSince1970)
            let claims: JSONObject = [
                "iss": .string(issuer), "aud": "https://attest.azure.net", "exp": .integer(now + 600),
                "nbf": .integer(now - 10), "oid": "user", "roles": .array(roles.map { .string($0) }),
            ]
            return try JWS.sign(header: ["kid": "idp-1", "typ": "JWT"], claims: claims,
                                key: JWSSigningKey(rsa: ServerFixture.rsaKey)).compact
        }
        try await app.test(.live) { client in
            let reader = try await client.execute(
                uri: "/aad1/policies/SgxEnclave?api-version=2020-10-01", method: .get,
                headers: [.authorization: "Bearer \(try jwt(roles: ["Attestation Reader"]))"]
            )
            #expect(reader.status == .ok)
            let noRole = try await client.execute(
                uri: "/aad1/policies/SgxEnclave?api-version=2020-10-01", method: .get,
                headers: [.authorization: "Bearer \(try jwt(roles: []))"]
            )
            #expect(noRole.status == .forbidden)
            #expect(noRole.errorCode == "Forbidden")
            var fields: HTTPFields = [.authorization: "Bearer \(try jwt(roles: ["Attestation Reader"]))"]
            fields[.contentType] = "text/plain"
            let readerPut = try await client.execute(
                uri: "/aad1/policies/SgxEnclave?api-version=2020-10-01", method: .put, headers: fields,
                body: ByteBuffer(string: "eyJhbGciOiJub25lIn0..")
            )
            #expect(readerPut.status == .forbidden)
            let forged = try await client.execute(
                uri: "/aad1/policies/SgxEnclave?api-version=2020-10-01", method: .get,
                headers: [.authorization: "Bearer \(try jwt(roles: ["Attestation Reader"]).dropLast(4))AAAA"]
            )
            #expect(forged.status == .unauthorized)
        }
    }
}
