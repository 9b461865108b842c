import Foundation
import MAAJOSE
import MAAService
import MAAWire
import Testing

@Suite("OpenID Connect bearer tokens")
struct OIDCAuthenticatorTests {
    static let issuer = "https://login.example.test/tenant/v2.0"
    static let now: Double = 1_800_000_000
    static let keyRecord = try! SigningKeyFactory.make(instanceURL: "https://idp.test", now: 1_700_000_000, key: ServiceFixture.rsa)
    static let otherRecord = try! SigningKeyFactory.make(instanceURL: "https://evil.test", now: 1_700_000_000, key: ServiceFixture.otherRSA)

    static func jwks() throws -> JWKS {
        JWKS(keys: [try JWK(certificateChainDER: [keyRecord.certificateDER], keyID: "k1")])
    }

    static func authenticator() throws -> OIDCAuthenticator {
        OIDCAuthenticator(
            configuration: OIDCConfiguration(issuer: issuer), keys: StaticJWKSSource(try jwks()), now: { now }
        )
    }

    static func token(
        _ claims: JSONObject,
        kid: String? = "k1",
        key: SigningKeyRecord = keyRecord
    ) throws -> String {
        var header: JSONObject = ["typ": "JWT"]
        if let kid { header["kid"] = .string(kid) }
        let signingKey = try JWSSigningKey(rsa: SigningKeyFactory.privateKey(of: key))
        return try JWS.sign(header: header, claims: claims, key: signingKey).compact
    }

    static func claims(roles: JSONValue = ["Attestation Contributor"], aud: JSONValue = "https://attest.azure.net",
                       exp: Double = now + 600, iss: String = issuer) -> JSONObject {
        ["iss": .string(iss), "aud": aud, "exp": .integer(Int64(exp)), "nbf": .integer(Int64(now - 60)),
         "sub": "user-1", "roles": roles]
    }

    @Test func validTokenMapsRoles() async throws {
        let auth = try Self.authenticator()
        let contributor = try await auth.authenticate(bearerToken: try Self.token(Self.claims()))
        #expect(contributor == Principal(id: "oidc:user-1", role: .contributor))
        let admin = try await auth.authenticate(
            bearerToken: try Self.token(Self.claims(roles: ["Attestation Reader", "Attestation.Admin"], aud: ["x", "https://attest.azure.net"]))
        )
        #expect(admin?.role == .admin)
    }

    @Test func notAJWTIsNotRecognised() async throws {
        let auth = try Self.authenticator()
        #expect(try await auth.authenticate(bearerToken: "attest_abcdef") == nil)
        #expect(try await auth.authenticate(bearerToken: "a.b") == nil)
    }

    @Test(arguments: [
        ("expired", 0), ("wrong issuer", 1), ("wrong audience", 2), ("no exp", 3), ("unknown kid", 4),
        ("no kid", 5), ("wrong key", 6), ("unsecured", 7), ("not yet valid", 8),
    ])
    func rejected(name: String, index: Int) async throws {
        let auth = try Self.authenticator()
        var token: String
        switch index {
        case 0: token = try Self.token(Self.claims(exp: Self.now - 3600))
        case 1: token = try Self.token(Self.claims(iss: "https://other.test"))
        case 2: token = try Self.token(Self.claims(aud: "api://something-else"))
        case 3:
            var claims = Self.claims()
            claims["exp"] = nil
            token = try Self.token(claims)
        case 4: token = try Self.token(Self.claims(), kid: "k2")
        case 5: token = try Self.token(Self.claims(), kid: nil)
        case 6: token = try Self.token(Self.claims(), key: Self.otherRecord)
        case 7:
            token = JWS.unsecured(header: ["kid": "k1"], payload: JSONValue.object(Self.claims()).serializedBytes()).compact
        default:
            var claims = Self.claims()
            claims["nbf"] = .integer(Int64(Self.now + 3600))
            token = try Self.token(claims)
        }
        await #expect(throws: ServiceError(.unauthorized, ""), "\(name)") {
            try await auth.authenticate(bearerToken: token)
        }
    }

    @Test func tokenWithoutAttestationRoleIsForbidden() async throws {
        let auth = try Self.authenticator()
        await #expect(throws: ServiceError(.forbidden, "")) {
            try await auth.authenticate(bearerToken: try Self.token(Self.claims(roles: ["Something.Else"])))
        }
    }

    @Test func chainTriesStaticTokensThenOIDC() async throws {
        let store = InMemoryStore()
        try await store.addAPIToken(
            APITokenRecord(tokenHash: StaticTokenAuthenticator.hash("static-token-0123456789"), role: .reader, label: "s", createdAt: 1)
        )
        let chain = AuthenticatorChain([StaticTokenAuthenticator(store: store), try Self.authenticator()])
        #expect(try await chain.authenticate(bearerToken: "static-token-0123456789")?.role == .reader)
        #expect(try await chain.authenticate(bearerToken: try Self.token(Self.claims()))?.role == .contributor)
        #expect(try await chain.authenticate(bearerToken: "nope") == nil)
    }
}
