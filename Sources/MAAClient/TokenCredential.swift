#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A bearer token and when it expires.
public struct AccessToken: Sendable, Hashable {
    /// The token text sent as `Authorization: Bearer <token>`.
    public let token: String
    /// When the token stops being valid.
    public let expiresOn: Date

    public init(token: String, expiresOn: Date) {
        self.token = token
        self.expiresOn = expiresOn
    }
}

/// Something that obtains bearer tokens for the attestation service.
public protocol TokenCredential: Sendable {
    /// A token valid for `scopes` (for MAA: ``AttestationScope/default``).
    func token(for scopes: [String]) async throws -> AccessToken
}

/// The OAuth2 scope of the Microsoft Azure Attestation data plane.
public enum AttestationScope {
    /// `https://attest.azure.net/.default`.
    public static let `default` = "https://attest.azure.net/.default"
}

/// A credential that always returns the same token: an API token of a self-hosted service, or a token obtained
/// elsewhere.
public struct StaticTokenCredential: TokenCredential {
    let accessToken: AccessToken

    /// A credential for `token`, considered valid until `expiresOn` (default: never expires).
    public init(_ token: String, expiresOn: Date = .distantFuture) {
        accessToken = AccessToken(token: token, expiresOn: expiresOn)
    }

    public func token(for scopes: [String]) async throws -> AccessToken { accessToken }
}
