/// A JWS signature algorithm (RFC 7518 §3) this layer supports.
public enum JWSAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// RSASSA-PKCS1-v1_5 with SHA-256. MAA signs its tokens with it.
    case rs256 = "RS256"
    /// RSASSA-PSS with SHA-256 and MGF1-SHA-256, salt length 32.
    case ps256 = "PS256"
    /// ECDSA P-256 with SHA-256, raw `r‖s` signature.
    case es256 = "ES256"
    /// ECDSA P-384 with SHA-384, raw `r‖s` signature.
    case es384 = "ES384"
    /// No signature (an "unsecured JWS", RFC 7515 §A.5).
    case none = "none"

    /// Parses a header `alg` value, accepting MAA's non-standard aliases `RSA256` (= RS256) and `ECDH256` (= ES256)
    /// that the official SDKs emit in policy tokens.
    public init?(headerValue: String) {
        switch headerValue {
        case "RSA256": self = .rs256
        case "ECDH256": self = .es256
        default: self.init(rawValue: headerValue)
        }
    }

    /// The name MAA's SDKs put in policy-token headers (`RSA256`, `ECDH256`); the standard name otherwise.
    public var maaSDKName: String {
        switch self {
        case .rs256: "RSA256"
        case .es256: "ECDH256"
        default: rawValue
        }
    }

    /// The algorithms accepted by default: every signing algorithm, never `none`.
    public static let secure: Set<JWSAlgorithm> = [.rs256, .ps256, .es256, .es384]
}
