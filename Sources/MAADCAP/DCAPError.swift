public import MAAWire

/// Why a DCAP quote, OpenEnclave report or collateral set was rejected.
///
/// Compare on ``code`` (which includes the role, document or field where the spec names one, e.g.
/// `.certificateExpired(.pck)`); ``reason`` is for humans and never part of equality.
public struct DCAPError: CodedError {
    /// The rejection reason without free-text detail. Bounded set, suitable for metrics.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The case name, e.g. `certificateExpired`.
        public let name: String
        /// The role / document / field qualifier, e.g. `pck`, or `nil`.
        public let qualifier: String?

        init(_ name: String, _ qualifier: String? = nil) {
            self.name = name
            self.qualifier = qualifier
        }

        public var description: String { qualifier.map { "\(name)(\($0))" } ?? name }

        // Parsing
        public static let quoteTruncated = Code("quoteTruncated")
        public static let quoteTooLarge = Code("quoteTooLarge")
        public static let unsupportedQuoteVersion = Code("unsupportedQuoteVersion")
        public static let unsupportedAttestationKeyType = Code("unsupportedAttestationKeyType")
        public static let unsupportedTeeType = Code("unsupportedTeeType")
        public static let teeTypeVersionMismatch = Code("teeTypeVersionMismatch")
        public static let unknownQeVendor = Code("unknownQeVendor")
        public static let unsupportedBodyType = Code("unsupportedBodyType")
        public static let bodySizeMismatch = Code("bodySizeMismatch")
        public static let signatureDataMalformed = Code("signatureDataMalformed")
        public static let unsupportedCertificationDataType = Code("unsupportedCertificationDataType")
        public static let openEnclaveHeaderInvalid = Code("openEnclaveHeaderInvalid")
        // PCK chain and certificates
        public static let pckChainUnavailable = Code("pckChainUnavailable")
        public static let pckChainMalformed = Code("pckChainMalformed")
        public static let untrustedRoot = Code("untrustedRoot")
        public static func certificateSignatureInvalid(_ role: CertificateRole) -> Code { Code("certificateSignatureInvalid", role.rawValue) }
        public static func certificateExpired(_ role: CertificateRole) -> Code { Code("certificateExpired", role.rawValue) }
        public static func certificateNotYetValid(_ role: CertificateRole) -> Code { Code("certificateNotYetValid", role.rawValue) }
        public static func certificateConstraintsViolated(_ role: CertificateRole) -> Code {
            Code("certificateConstraintsViolated", role.rawValue)
        }
        public static func certificateRevoked(_ role: CertificateRole) -> Code { Code("certificateRevoked", role.rawValue) }
        public static func pckExtensionMalformed(_ field: String) -> Code { Code("pckExtensionMalformed", field) }
        // CRLs
        public static func crlMalformed(_ which: CRLKind) -> Code { Code("crlMalformed", which.rawValue) }
        public static func crlIssuerMismatch(_ which: CRLKind) -> Code { Code("crlIssuerMismatch", which.rawValue) }
        public static func crlSignatureInvalid(_ which: CRLKind) -> Code { Code("crlSignatureInvalid", which.rawValue) }
        public static func crlExpired(_ which: CRLKind) -> Code { Code("crlExpired", which.rawValue) }
        public static func crlNotYetValid(_ which: CRLKind) -> Code { Code("crlNotYetValid", which.rawValue) }
        // Collateral documents
        public static func collateralMalformed(_ doc: CollateralDocument) -> Code { Code("collateralMalformed", doc.rawValue) }
        public static func collateralSignatureInvalid(_ doc: CollateralDocument) -> Code {
            Code("collateralSignatureInvalid", doc.rawValue)
        }
        public static func collateralExpired(_ doc: CollateralDocument) -> Code { Code("collateralExpired", doc.rawValue) }
        public static func collateralNotYetValid(_ doc: CollateralDocument) -> Code { Code("collateralNotYetValid", doc.rawValue) }
        public static func collateralTypeMismatch(_ doc: CollateralDocument) -> Code { Code("collateralTypeMismatch", doc.rawValue) }
        public static func collateralUnsupportedVersion(_ doc: CollateralDocument) -> Code {
            Code("collateralUnsupportedVersion", doc.rawValue)
        }
        public static let unknownTcbStatus = Code("unknownTcbStatus")
        // Binding and signatures
        public static let fmspcMismatch = Code("fmspcMismatch")
        public static let pceIdMismatch = Code("pceIdMismatch")
        public static let qeReportSignatureInvalid = Code("qeReportSignatureInvalid")
        public static let qeReportDataMismatch = Code("qeReportDataMismatch")
        public static func qeIdentityMismatch(_ field: String) -> Code { Code("qeIdentityMismatch", field) }
        public static let qeTcbNotSupported = Code("qeTcbNotSupported")
        public static let attestationKeyInvalid = Code("attestationKeyInvalid")
        public static let quoteSignatureInvalid = Code("quoteSignatureInvalid")
        public static let tdxModuleMismatch = Code("tdxModuleMismatch")
        public static let tdxModuleTcbNotSupported = Code("tdxModuleTcbNotSupported")
        public static let tcbLevelNotFound = Code("tcbLevelNotFound")
        public static let tcbRevoked = Code("tcbRevoked")
        public static let runtimeDataMismatch = Code("runtimeDataMismatch")
        public static let initTimeDataMismatch = Code("initTimeDataMismatch")
        // Collateral store
        public static let collateralNotFound = Code("collateralNotFound")
        // Appraisal
        public static func tcbStatusNotAccepted(_ status: TCBStatus) -> Code { Code("tcbStatusNotAccepted", status.rawValue) }
        public static let debugNotAllowed = Code("debugNotAllowed")
        public static let serviceTdNotAllowed = Code("serviceTdNotAllowed")
        public static let tdAttributesNotAllowed = Code("tdAttributesNotAllowed")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String = "") {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason.isEmpty ? code.description : "\(code): \(reason)" }

}

/// The certificates of the DCAP PKI, by role.
public enum CertificateRole: String, Sendable {
    case root
    case intermediate
    case pck
    case tcbSigning
}

/// The two CRLs of DCAP collateral.
public enum CRLKind: String, Sendable {
    /// Issued by the Intel SGX Root CA.
    case root
    /// Issued by the PCK Processor or Platform CA.
    case pck
}

/// The two signed JSON documents of DCAP collateral.
public enum CollateralDocument: String, Sendable {
    case tcbInfo
    case qeIdentity
    /// The `QuoteCollateralV3` container itself.
    case bundle
}
