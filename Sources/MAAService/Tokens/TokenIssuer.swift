import Crypto
import MAAJOSE
import MAAWire
import Foundation

/// Signs MAA tokens with an instance's active key: RS256, header `{alg, jku, kid, typ}`, compact sorted-key JSON,
/// integer times with `nbf == iat`.
public struct TokenIssuer: Sendable {
    /// Attestation tokens: 8 hours.
    public static let attestationLifetime: Int64 = 8 * 3600
    /// Policy and certificate-management tokens: 1 hour.
    public static let managementLifetime: Int64 = 3600

    private let keys: KeyCache

    /// - Parameter backend: which RSA implementation signs (see ``RSASigningBackend``).
    public init(backend: RSASigningBackend = .automatic) {
        keys = KeyCache(backend: backend)
    }

    /// The header MAA puts on every token.
    static func header(issuer: String, key: SigningKeyRecord) -> JSONObject {
        ["jku": .string(issuer + "/certs"), "kid": .string(key.kid), "typ": "JWT"]
    }

    /// `claims` with `iss`, `iat`, `nbf` and `exp` (and `jti` when asked), as the token's JSON object.
    static func stamped(_ claims: some TokenClaimSet, issuer: String, now: Int64, lifetime: Int64, tokenID: Bool) -> JSONObject {
        var claims = claims
        claims["iss"] = .string(issuer)
        claims["iat"] = .integer(now)
        claims["nbf"] = .integer(now)
        claims["exp"] = .integer(now + lifetime)
        if tokenID { claims["jti"] = .string(randomTokenID()) }
        return claims.tokenObject
    }

    /// Signs `claims` (after stamping) with `key` for the instance URL `issuer`.
    ///
    /// Not inlined: inlining it into the async `attest` crashes the Swift 6.3 optimizer (coroutine splitting).
    @inline(never)
    public func sign(
        _ claims: some TokenClaimSet,
        issuer: String,
        key: SigningKeyRecord,
        now: Int64,
        lifetime: Int64,
        tokenID: Bool = false
    ) throws -> String {
        let signingKey = try keys.key(for: key)
        let body = Self.stamped(claims, issuer: issuer, now: now, lifetime: lifetime, tokenID: tokenID)
        var header = Self.header(issuer: issuer, key: key)
        header["alg"] = .string(JWSAlgorithm.rs256.rawValue)
        let signingInput = Base64.urlEncoded(JSONValue.object(header).serializedBytes(.maa)) + "."
            + Base64.urlEncoded(JSONValue.object(body).serializedBytes(.maa))
        return signingInput + "." + Base64.urlEncoded(try signingKey.sign(Array(signingInput.utf8)))
    }

    /// Which RSA implementation signs with `key` (`"openssl"` or `"boringssl"`).
    public func implementationName(for key: SigningKeyRecord) throws -> String {
        try keys.key(for: key).implementationName
    }

    /// An unsecured token (`alg: none`, empty signature) with the same header members, as MAA returns for
    /// draft-policy attestation.
    public func unsecured(
        _ claims: some TokenClaimSet,
        issuer: String,
        key: SigningKeyRecord,
        now: Int64,
        lifetime: Int64,
        tokenID: Bool = true
    ) -> String {
        let body = Self.stamped(claims, issuer: issuer, now: now, lifetime: lifetime, tokenID: tokenID)
        return JWS.unsecured(
            header: Self.header(issuer: issuer, key: key), payload: JSONValue.object(body).serializedBytes(.maa)
        ).compact
    }

    /// 64 lowercase hex characters of randomness, the shape of MAA's `jti`.
    static func randomTokenID() -> String {
        Hex.encode(SecureRandom.bytes(32))
    }
}

/// Parsed signing keys by `kid`, so each request does not re-parse the private key.
final class KeyCache: @unchecked Sendable {
    private let lock = NSLock()
    private let backend: RSASigningBackend
    private var cache: [String: TokenSigningKey] = [:]  // guarded by `lock`

    init(backend: RSASigningBackend) {
        self.backend = backend
    }

    func key(for record: SigningKeyRecord) throws -> TokenSigningKey {
        if let cached = lock.withLock({ cache[record.kid] }) { return cached }
        let key = try TokenSigningKey(record: record, backend: backend)
        lock.withLock {
            if cache.count > 1024 { cache.removeAll() }
            cache[record.kid] = key
        }
        return key
    }
}

/// The claims a token is made of: a ``JSONObject``, or members by name. A large claim set is cheaper to build and
/// stamp by name (no member lookups); tokens are serialized with sorted keys either way.
public protocol TokenClaimSet {
    subscript(key: String) -> JSONValue? { get set }
    /// The claims as the token's JSON object.
    var tokenObject: JSONObject { get }
}

extension JSONObject: TokenClaimSet {
    public var tokenObject: JSONObject { self }
}

extension Dictionary: TokenClaimSet where Key == String, Value == JSONValue {
    public var tokenObject: JSONObject { JSONObject(self) }
}
