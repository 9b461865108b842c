/// Who produced a claim: the service (from evidence), the policy (a rule's action), or the attester.
public struct ClaimIssuer: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// Claims derived by the service from the evidence.
    public static let attestationService = ClaimIssuer(rawValue: "AttestationService")
    /// Claims created by `add`, `issue` and `issueproperty` with `type=`/`value=`.
    public static let attestationPolicy = ClaimIssuer(rawValue: "AttestationPolicy")
    /// Claims supplied by the attester (TPM/VBS `custom_claims`).
    public static let customClaim = ClaimIssuer(rawValue: "CustomClaim")

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// One claim: a type, a typed value and an issuer.
public struct Claim: Sendable, Hashable {
    /// The claim type, e.g. `x-ms-sgx-mrsigner`. Compared case-sensitively.
    public var type: String
    /// The typed value.
    public var value: ClaimValue
    /// Who produced the claim.
    public var issuer: ClaimIssuer
    /// A read-only claim (such as TPM `pcrs`) may be `add`ed but never `issue`d or `issueproperty`d.
    public var isReadOnly: Bool

    public init(type: String, value: ClaimValue, issuer: ClaimIssuer = .attestationService, isReadOnly: Bool = false) {
        self.type = type
        self.value = value
        self.issuer = issuer
        self.isReadOnly = isReadOnly
    }
}

extension Claim: CustomStringConvertible {
    public var description: String { "\(type)=\(value) (\(issuer))" }
}
