public import MAAWire

/// An error from the PKI helpers (CRL parsing, strict PEM chains).
///
/// Compare on ``code``; ``reason`` is for humans.
public struct PKIError: CodedError {
    /// What went wrong, without detail.
    public struct Code: NamedErrorCode {
        public let name: String

        /// The CRL is not a well-formed DER `CertificateList` of the supported profile.
        public static let crlMalformed = Code(name: "crlMalformed")
        /// The CRL carries a critical extension this parser does not understand.
        public static let crlUnknownCriticalExtension = Code(name: "crlUnknownCriticalExtension")
        /// The CRL is signed with an algorithm other than ECDSA with SHA-256/384.
        public static let unsupportedSignatureAlgorithm = Code(name: "unsupportedSignatureAlgorithm")
        /// The PEM text is not a clean sequence of `CERTIFICATE` blocks.
        public static let pemMalformed = Code(name: "pemMalformed")
        /// A certificate inside a PEM block does not parse.
        public static let certificateMalformed = Code(name: "certificateMalformed")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

}
