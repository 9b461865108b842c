#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How ``AttestationToken/validate(signers:options:)`` checks a token. The defaults are secure: signature, expiry
/// and not-before are checked, unsecured tokens are rejected, only signing algorithms are allowed.
public struct TokenValidationOptions: Sendable {
    /// A check run last; throw to reject the token. Receives the signer that verified it (`nil` when unsecured).
    public typealias ValidationCallback = @Sendable (AttestationToken, AttestationSigner?) throws -> Void

    /// Verify the signature with the issuer's published key chosen by `kid`.
    /// - Warning: turning this off accepts forged tokens; use it only to inspect tokens.
    public var validateSignature: Bool = true
    /// Reject a token whose `exp` has passed (beyond the slack).
    public var validateExpiration: Bool = true
    /// Reject a token whose `nbf` is in the future (beyond the slack).
    public var validateNotBefore: Bool = true
    /// Reject a token whose `iss` is not ``issuer`` (when an issuer is given).
    public var validateIssuer: Bool = true
    /// The expected `iss`, exactly (for MAA: the instance URL without a trailing slash).
    public var issuer: String? = nil
    /// Tolerance for clock differences in the time checks, in seconds.
    public var timeValidationSlack: Double = 0.5
    /// Accept unsecured (`alg: none`) tokens, as MAA returns for a draft-policy attestation.
    /// - Warning: an unsecured token proves nothing; allow it only for a draft-policy request you made.
    public var allowUnsecuredTokens: Bool = false
    /// The algorithms accepted for a signed token.
    public var allowedAlgorithms: Set<JWSAlgorithm> = JWSAlgorithm.secure
    /// A key to verify with instead of the issuer's keys chosen by `kid` (for tokens whose key the caller
    /// obtained and trusts by other means).
    public var pinnedKey: JWSVerificationKey? = nil
    /// The clock; tests and audits pass a fixed time.
    public var currentTime: @Sendable () -> Date = { Date() }
    /// An extra check that can reject the token by throwing.
    public var validationCallback: ValidationCallback? = nil

    public init() {}

    /// Options that validate as of a fixed instant.
    public static func at(_ date: Date) -> TokenValidationOptions {
        var options = TokenValidationOptions()
        options.currentTime = { date }
        return options
    }
}
