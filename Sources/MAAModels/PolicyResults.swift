public import MAAJOSE
public import MAAWire

/// The claims of a get/set/reset policy token (wire contract §3.4–3.6, §4.2).
public struct PolicyResult: Sendable {
    /// Whether the policy was set or removed.
    public enum Outcome: String, Sendable {
        case updated = "Updated"
        case removed = "Removed"
    }

    public let claims: JSONObject
    /// `x-ms-policy-result` (absent on GET).
    public let outcome: Outcome?
    /// `x-ms-policy-token-hash`: SHA-256 of the exact JWS the service received.
    public let policyTokenHash: [UInt8]?
    /// `x-ms-policy-signer`: the certificate that signed the policy, if it was signed.
    public let policySigner: JWK?
    /// `x-ms-policy`: the stored policy JWS (GET only).
    public let policyToken: JWS?

    public init(token: AttestationToken) throws(JOSEError) {
        try self.init(claims: token.claims)
    }

    public init(claims: JSONObject) throws(JOSEError) {
        let reader = ClaimReader(claims: claims)
        self.claims = claims
        if let text = try reader.string("x-ms-policy-result") {
            guard let outcome = Outcome(rawValue: text) else {
                throw JOSEError(.invalidClaim, "unknown x-ms-policy-result \"\(text)\"")
            }
            self.outcome = outcome
        } else {
            outcome = nil
        }
        policyTokenHash = try reader.base64URL("x-ms-policy-token-hash")
        policySigner = try reader.jwk("x-ms-policy-signer")
        policyToken = try reader.string("x-ms-policy").map { text throws(JOSEError) in try JWS(compact: text) }
    }

    /// The policy text of ``policyToken``: `nil` when there is no stored policy or its payload is empty.
    public func policyText() throws(JOSEError) -> String? {
        guard let policyToken else { return nil }
        return try PolicyTokens.policyText(of: policyToken)
    }
}

/// The claims of a GET `/certificates` token (wire contract §3.7, §4.3).
public struct PolicyCertificatesResult: Sendable {
    public let claims: JSONObject
    /// `x-ms-policy-certificates`: the policy-management certificates.
    public let certificates: JWKS

    public init(token: AttestationToken) throws(JOSEError) {
        try self.init(claims: token.claims)
    }

    public init(claims: JSONObject) throws(JOSEError) {
        self.claims = claims
        guard let value = claims["x-ms-policy-certificates"] else {
            throw JOSEError(.invalidClaim, "the token has no x-ms-policy-certificates claim")
        }
        certificates = try JWKS(json: value)
    }
}

/// The claims of a `/certificates:add` or `/certificates:remove` token (wire contract §3.7, §4.4).
public struct PolicyCertificatesModificationResult: Sendable {
    /// Whether the certificate is now present or absent.
    public enum Outcome: String, Sendable {
        case isPresent = "IsPresent"
        case isAbsent = "IsAbsent"
    }

    public let claims: JSONObject
    /// `x-ms-certificate-thumbprint`: upper-case hex SHA-1 of the certificate's DER.
    public let certificateThumbprint: String
    /// `x-ms-policycertificates-result`.
    public let outcome: Outcome

    public init(token: AttestationToken) throws(JOSEError) {
        try self.init(claims: token.claims)
    }

    public init(claims: JSONObject) throws(JOSEError) {
        let reader = ClaimReader(claims: claims)
        self.claims = claims
        guard let thumbprint = try reader.string("x-ms-certificate-thumbprint") else {
            throw JOSEError(.invalidClaim, "the token has no x-ms-certificate-thumbprint claim")
        }
        guard let text = try reader.string("x-ms-policycertificates-result"), let outcome = Outcome(rawValue: text) else {
            throw JOSEError(.invalidClaim, "the token has no valid x-ms-policycertificates-result claim")
        }
        certificateThumbprint = thumbprint
        self.outcome = outcome
    }
}
