import MAAWire

/// An error parsing, signing or validating a JWS / JWT.
///
/// Compare on ``code`` (`#expect(throws: JOSEError.signatureInvalid)`); ``reason`` explains it to humans.
public struct JOSEError: CodedError {
    /// What went wrong, without detail: stable, bounded, suitable for metrics.
    public struct Code: NamedErrorCode {
        public let name: String

        public static let malformed = Code(name: "malformed")
        public static let tooLarge = Code(name: "tooLarge")
        public static let unsupportedAlgorithm = Code(name: "unsupportedAlgorithm")
        public static let algorithmNotAllowed = Code(name: "algorithmNotAllowed")
        public static let algorithmKeyMismatch = Code(name: "algorithmKeyMismatch")
        public static let unsecuredTokenRejected = Code(name: "unsecuredTokenRejected")
        public static let signatureInvalid = Code(name: "signatureInvalid")
        public static let unknownKeyID = Code(name: "unknownKeyID")
        public static let ambiguousKeyID = Code(name: "ambiguousKeyID")
        public static let missingKeyID = Code(name: "missingKeyID")
        public static let invalidKey = Code(name: "invalidKey")
        public static let expired = Code(name: "expired")
        public static let notYetValid = Code(name: "notYetValid")
        public static let issuerMismatch = Code(name: "issuerMismatch")
        public static let invalidClaim = Code(name: "invalidClaim")
        public static let rejectedByCallback = Code(name: "rejectedByCallback")
        public static let signingFailed = Code(name: "signingFailed")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }


    public static let malformed = JOSEError(.malformed, "")
    public static let tooLarge = JOSEError(.tooLarge, "")
    public static let unsupportedAlgorithm = JOSEError(.unsupportedAlgorithm, "")
    public static let algorithmNotAllowed = JOSEError(.algorithmNotAllowed, "")
    public static let algorithmKeyMismatch = JOSEError(.algorithmKeyMismatch, "")
    public static let unsecuredTokenRejected = JOSEError(.unsecuredTokenRejected, "")
    public static let signatureInvalid = JOSEError(.signatureInvalid, "")
    public static let unknownKeyID = JOSEError(.unknownKeyID, "")
    public static let ambiguousKeyID = JOSEError(.ambiguousKeyID, "")
    public static let missingKeyID = JOSEError(.missingKeyID, "")
    public static let invalidKey = JOSEError(.invalidKey, "")
    public static let expired = JOSEError(.expired, "")
    public static let notYetValid = JOSEError(.notYetValid, "")
    public static let issuerMismatch = JOSEError(.issuerMismatch, "")
    public static let invalidClaim = JOSEError(.invalidClaim, "")
    public static let rejectedByCallback = JOSEError(.rejectedByCallback, "")
    public static let signingFailed = JOSEError(.signingFailed, "")
}
