public import MAAWire
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A JWT as MAA issues it: a JWS whose payload is a JSON object of claims.
///
/// Parsing never trusts the token; call ``validate(signers:options:)`` before relying on any claim.
public struct AttestationToken: Sendable, Hashable {
    /// The underlying JWS (exact bytes preserved).
    public let jws: JWS
    /// The body validated as a JSON object and read in place (`nil` when the payload is empty); the typed accessors
    /// and ``validate(signers:options:)`` read claims through it without building ``claims``.
    public let claimsView: JSONObjectView?

    /// The claims of the body; empty when the payload is empty (as in a reset-policy token). Built on first use.
    public var claims: JSONObject { claimsView?.object ?? JSONObject() }

    /// The claim `name`, decoded.
    public func claim(_ name: String) -> JSONValue? { claimsView?.value(forKey: name) }

    /// Parses a compact JWT. The payload must be empty or a JSON object (duplicate members rejected).
    public init(compact: String, maximumLength: Int = JWS.defaultMaximumLength) throws(JOSEError) {
        try self.init(jws: JWS(compact: compact, maximumLength: maximumLength))
    }

    /// Wraps a parsed JWS.
    public init(jws: JWS) throws(JOSEError) {
        self.jws = jws
        if jws.payload.isEmpty {
            claimsView = nil
            return
        }
        do {
            claimsView = try JSONObjectView(parsing: jws.payload)
        } catch {
            // Report exactly as the tree parser does (and say so when the payload is JSON but not an object).
            switch try jws.payloadJSON() {
            case .object?, nil: throw JOSEError(.malformed, "JWS payload is not valid JSON: \(error.reason)")
            default: throw JOSEError(.malformed, "JWT payload is not a JSON object")
            }
        }
    }

    /// The exact compact text.
    public var compact: String { jws.compact }
    /// The header object.
    public var header: JSONObject { jws.header }
    /// The header `alg` as sent.
    public var algorithmName: String { jws.algorithmName }
    /// The header `kid`.
    public var keyID: String? { jws.keyID }
    /// The header `jku` (informational only: keys are never fetched from a token's own URL).
    public var keyURL: String? { jws.header["jku"]?.stringValue }

    public static func == (lhs: AttestationToken, rhs: AttestationToken) -> Bool { lhs.jws == rhs.jws }
    public func hash(into hasher: inout Hasher) { hasher.combine(jws) }
    /// Whether the token is unsecured (`alg: none`).
    public var isUnsecured: Bool { jws.isUnsecured }

    /// `iss`.
    public var issuer: String? { claim("iss")?.stringValue }
    /// `jti`.
    public var tokenID: String? { claim("jti")?.stringValue }
    /// `iat`, when it is a number.
    public var issuedAt: Date? { date(claim("iat")) }
    /// `exp`, when it is a number.
    public var expiration: Date? { date(claim("exp")) }
    /// `nbf`, when it is a number.
    public var notBefore: Date? { date(claim("nbf")) }

    private func date(_ value: JSONValue?) -> Date? {
        guard let seconds = value?.doubleValue else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// Checks the token as `options` say and returns the signer whose key verified it (`nil` for an accepted
    /// unsecured token or when signature validation is off).
    ///
    /// The key is chosen by exact `kid` from `signers` (the issuer's published keys). There is no fallback to
    /// trying every key and no key is ever taken from the token's own header (`x5c`, `jwk`, `jku`), unless the
    /// caller pins one in ``TokenValidationOptions/pinnedKey``.
    @discardableResult
    public func validate(signers: [AttestationSigner], options: TokenValidationOptions = .init()) throws(JOSEError) -> AttestationSigner? {
        var signer: AttestationSigner? = nil
        if isUnsecured {
            guard options.allowUnsecuredTokens else {
                throw JOSEError(.unsecuredTokenRejected, "the token is unsecured (alg: none) and unsecured tokens are not allowed")
            }
        } else if options.validateSignature {
            let chosen = try Self.selectSigner(keyID: keyID, signers: signers, pinned: options.pinnedKey)
            try jws.verifySignature(using: chosen.key, allowedAlgorithms: options.allowedAlgorithms)
            signer = chosen
        }
        try validateClaims(options: options)
        if let callback = options.validationCallback {
            do { try callback(self, signer) } catch {
                throw JOSEError(.rejectedByCallback, "rejected by the validation callback: \(error)")
            }
        }
        return signer
    }

    /// Checks the time and issuer claims only.
    public func validateClaims(options: TokenValidationOptions) throws(JOSEError) {
        let now = options.currentTime().timeIntervalSince1970
        let slack = options.timeValidationSlack
        func number(_ name: String) throws(JOSEError) -> Double? {
            guard let value = claim(name) else { return nil }
            guard let number = value.doubleValue else { throw JOSEError(.invalidClaim, "claim \"\(name)\" is not a number") }
            return number
        }
        let exp = try number("exp")
        let nbf = try number("nbf")
        _ = try number("iat")
        if options.validateExpiration, let exp, now - exp > slack {
            throw JOSEError(.expired, "the token expired at \(Int64(exp)) (now \(Int64(now)))")
        }
        if options.validateNotBefore, let nbf, nbf - now > slack {
            throw JOSEError(.notYetValid, "the token is not valid before \(Int64(nbf)) (now \(Int64(now)))")
        }
        if options.validateIssuer, let expected = options.issuer, !hasIssuer(expected) {
            throw JOSEError(.issuerMismatch, "issuer \(issuer.map { "\"\($0)\"" } ?? "(none)") is not \"\(expected)\"")
        }
    }

    /// Whether `iss` is a string equal to `expected` (compared in place when both are plain ASCII).
    private func hasIssuer(_ expected: String) -> Bool {
        if let claimsView { return claimsView.string(forKey: "iss", isEqualTo: expected) == true }
        return issuer == expected
    }

    static func selectSigner(keyID: String?, signers: [AttestationSigner], pinned: JWSVerificationKey?) throws(JOSEError) -> AttestationSigner {
        if let pinned { return AttestationSigner(keyID: keyID, certificates: [], key: pinned) }
        guard let keyID else {
            if signers.count == 1 { return signers[0] }
            throw JOSEError(.missingKeyID, "the token has no kid and the issuer publishes \(signers.count) keys")
        }
        var match: AttestationSigner? = nil
        for signer in signers where signer.keyID == keyID {
            guard match == nil else { throw JOSEError(.ambiguousKeyID, "the issuer publishes several keys with kid \"\(keyID)\"") }
            match = signer
        }
        guard let match else { throw JOSEError(.unknownKeyID, "no published key has kid \"\(keyID)\"") }
        return match
    }
}
