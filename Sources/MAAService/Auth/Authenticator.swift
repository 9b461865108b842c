/// Turns a bearer credential into a ``Principal``.
public protocol Authenticator: Sendable {
    /// Returns the principal for `bearerToken`, `nil` if this authenticator does not recognise the token at all
    /// (so another one may try), or throws `.unauthorized` if it recognises but rejects it (e.g. expired).
    func authenticate(bearerToken: String) async throws -> Principal?
}

/// Tries each authenticator in order; the first that recognises the token decides.
public struct AuthenticatorChain: Authenticator {
    public var authenticators: [any Authenticator]

    public init(_ authenticators: [any Authenticator]) {
        self.authenticators = authenticators
    }

    public func authenticate(bearerToken: String) async throws -> Principal? {
        for authenticator in authenticators {
            if let principal = try await authenticator.authenticate(bearerToken: bearerToken) { return principal }
        }
        return nil
    }
}
