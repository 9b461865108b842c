import MAAJOSE
import MAAWire

import Foundation

/// Where an OpenID Connect issuer's signing keys come from.
public protocol JWKSSource: Sendable {
    /// The issuer's current key set.
    func fetch() async throws -> JWKS
}

/// A fixed key set (tests, or keys configured inline).
public struct StaticJWKSSource: JWKSSource {
    public let jwks: JWKS
    public init(_ jwks: JWKS) { self.jwks = jwks }
    public func fetch() async throws -> JWKS { jwks }
}

/// Settings for accepting JWTs from an OpenID Connect issuer (for example Entra ID).
public struct OIDCConfiguration: Sendable {
    /// The exact `iss` required.
    public var issuer: String
    /// The audience required in `aud` (string or array). MAA's scope is `https://attest.azure.net/.default`.
    public var audience: String
    /// The claim holding role names (an array of strings, or one space-separated string).
    public var rolesClaim: String
    /// Role names and the role each grants; the highest granted role wins.
    public var roleMapping: [String: Role]
    /// Tolerated clock difference, in seconds, for `exp` and `nbf`.
    public var clockSkew: Double

    public init(
        issuer: String,
        audience: String = "https://attest.azure.net",
        rolesClaim: String = "roles",
        roleMapping: [String: Role] = OIDCConfiguration.defaultRoleMapping,
        clockSkew: Double = 60
    ) {
        self.issuer = issuer
        self.audience = audience
        self.rolesClaim = rolesClaim
        self.roleMapping = roleMapping
        self.clockSkew = clockSkew
    }

    /// Azure's attestation role names (with and without spaces) plus `Attestation.Admin`.
    public static let defaultRoleMapping: [String: Role] = [
        "Attestation Reader": .reader, "AttestationReader": .reader, "Attestation.Read": .reader,
        "Attestation Contributor": .contributor, "AttestationContributor": .contributor,
        "Attestation.Write": .contributor,
        "Attestation Administrator": .admin, "AttestationAdministrator": .admin, "Attestation.Admin": .admin,
    ]
}

/// Authenticates JWT bearer tokens from one OpenID Connect issuer: signature by a key from the issuer's JWKS
/// chosen by exact `kid` (secure algorithms only, never `alg: none`, never a key from the token itself),
/// `iss`, `aud`, a required `exp`, `nbf`, and a role from the roles claim.
///
/// Tokens that are not JWS at all are not recognised (`nil`), so static API tokens can be tried by another
/// authenticator; a JWS that fails any check is rejected with `.unauthorized`.
public final class OIDCAuthenticator: Authenticator, @unchecked Sendable {
    private let configuration: OIDCConfiguration
    private let source: any JWKSSource
    private let now: @Sendable () -> Double
    /// The minimum interval between key refreshes triggered by an unknown `kid`.
    private let refreshInterval: Double
    private let lock = NSLock()
    private var signers: [AttestationSigner]?  // guarded by `lock`
    private var lastFetch: Double = -Double.infinity  // guarded by `lock`

    public init(
        configuration: OIDCConfiguration,
        keys: any JWKSSource,
        refreshInterval: Double = 300,
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.configuration = configuration
        self.source = keys
        self.refreshInterval = refreshInterval
        self.now = now
    }

    public func authenticate(bearerToken: String) async throws -> Principal? {
        guard bearerToken.split(separator: ".", omittingEmptySubsequences: false).count == 3,
            let token = try? AttestationToken(compact: bearerToken, maximumLength: 16 * 1024)
        else { return nil }
        guard !token.isUnsecured else { throw ServiceError.unauthorized("unsecured tokens are not accepted") }
        guard let keyID = token.keyID else { throw ServiceError.unauthorized("the token has no kid") }

        var signers = try await currentSigners(refresh: false)
        if !signers.contains(where: { $0.keyID == keyID }) {
            signers = try await currentSigners(refresh: true)
        }
        var options = TokenValidationOptions()
        options.issuer = configuration.issuer
        options.validateIssuer = true
        options.timeValidationSlack = configuration.clockSkew
        let now = self.now
        options.currentTime = { Date(timeIntervalSince1970: now()) }
        do {
            try token.validate(signers: signers, options: options)
        } catch {
            throw ServiceError.unauthorized("the bearer token is not valid: \(error.reason)")
        }
        guard token.claims["exp"]?.doubleValue != nil else { throw ServiceError.unauthorized("the token has no exp") }
        guard Self.audiences(token.claims["aud"]).contains(configuration.audience) else {
            throw ServiceError.unauthorized("the token is not for audience \(configuration.audience)")
        }
        let roles = Self.roleNames(token.claims[configuration.rolesClaim]).compactMap { configuration.roleMapping[$0] }
        guard let role = roles.max() else {
            throw ServiceError.forbidden("the token grants no attestation role")
        }
        let subject = token.claims["oid"]?.stringValue ?? token.claims["sub"]?.stringValue ?? "unknown"
        return Principal(id: "oidc:\(subject)", role: role)
    }

    private func currentSigners(refresh: Bool) async throws -> [AttestationSigner] {
        let (cached, last) = lock.withLock { (signers, lastFetch) }
        if let cached, !refresh || now() - last < refreshInterval { return cached }
        let jwks: JWKS
        do { jwks = try await source.fetch() } catch {
            if let cached { return cached }
            throw ServiceError.unauthorized("the issuer's signing keys are not available")
        }
        let fresh = try AttestationSigner.signers(from: jwks)
        lock.withLock {
            signers = fresh
            lastFetch = now()
        }
        return fresh
    }

    static func audiences(_ value: JSONValue?) -> [String] {
        if let single = value?.stringValue { return [single] }
        return value?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    static func roleNames(_ value: JSONValue?) -> [String] {
        if let text = value?.stringValue { return text.split(separator: " ").map(String.init) }
        return value?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
