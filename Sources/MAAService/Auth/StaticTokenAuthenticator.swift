import Crypto
import MAAWire

/// Authenticates static API tokens against their stored SHA-256 hashes.
///
/// Tokens are compared by hash with a constant-time comparison; the store never holds a token in clear.
public struct StaticTokenAuthenticator: Authenticator {
    private let store: any AttestationStore
    private let cache = TTLCache<Int, [APITokenRecord]>(timeToLive: ServiceCaches.timeToLive, capacity: 1)
    private let now: @Sendable () -> Int64

    /// - Parameter now: the clock for the few-second cache of the token list (tokens added by another
    ///   process are seen within ``ServiceCaches/timeToLive`` seconds).
    public init(store: any AttestationStore, now: @escaping @Sendable () -> Int64 = ServiceConfiguration.systemNow) {
        self.store = store
        self.now = now
    }

    public func authenticate(bearerToken: String) async throws -> Principal? {
        let hash = Self.hash(bearerToken)
        let tokens = try await cache.value(for: 0, now: now()) { try await store.apiTokens() }
        for token in tokens where ConstantTime.equal(Array(token.tokenHash.utf8), Array(hash.utf8)) {
            return Principal(id: "api-token:\(token.label)", role: token.role)
        }
        return nil
    }

    /// Lower-case hex SHA-256 of a token's UTF-8 text.
    public static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Array(token.utf8)))
    }

    /// Generates a new random token: `attest_` followed by 32 random bytes in base64url.
    public static func generateToken() -> String {
        let bytes = SecureRandom.bytes(32)
        return "attest_" + Base64.urlEncoded(bytes)
    }
}
