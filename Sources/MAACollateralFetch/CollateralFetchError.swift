public import MAAWire

/// Why collateral could not be fetched from a PCCS / Intel PCS. (Collateral that was fetched but does not verify
/// fails later with a `DCAPError`.)
///
/// Compare on ``code``; ``reason`` is for humans and never part of equality.
public struct CollateralFetchError: CodedError {
    /// The failure without free-text detail.
    public struct Code: NamedErrorCode {
        public let name: String

        init(_ name: String) { self.name = name }

        /// The configured base URL or a derived request URL is not usable.
        public static let invalidURL = Code("invalidURL")
        /// The server answered with a status other than 200 (the reason carries the status and the URL).
        public static let unexpectedStatus = Code("unexpectedStatus")
        /// The response body exceeds the configured maximum.
        public static let responseTooLarge = Code("responseTooLarge")
        /// The request did not complete within the configured timeout.
        public static let timedOut = Code("timedOut")
        /// The connection failed or was cancelled.
        public static let transportFailed = Code("transportFailed")
        /// A required issuer-chain header is absent.
        public static let missingIssuerChain = Code("missingIssuerChain")
        /// An issuer-chain header is not URL-encoded PEM certificates.
        public static let malformedIssuerChain = Code("malformedIssuerChain")
        /// A response body is not in the expected shape (signed JSON document, DER / hex / PEM CRL).
        public static let malformedBody = Code("malformedBody")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String = "") {
        self.code = code
        self.reason = reason
    }
}
