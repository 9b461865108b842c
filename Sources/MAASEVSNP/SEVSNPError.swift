public import MAAWire

/// Why an SEV-SNP report, its AMD certificate chain or its request envelope was rejected.
///
/// Compare on ``code`` (which includes the certificate role or field where the specification names one, e.g.
/// `.certificateExpired(.vcek)`, `.reportMalformed("policy")`); ``reason`` is for humans and never part of equality.
public struct SEVSNPError: CodedError {
    /// The rejection reason without free-text detail. Bounded set, suitable for metrics.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The case name, e.g. `certificateExpired`.
        public let name: String
        /// The role or field qualifier, e.g. `vcek`, or `nil`.
        public let qualifier: String?

        init(_ name: String, _ qualifier: String? = nil) {
            self.name = name
            self.qualifier = qualifier
        }

        public var description: String { qualifier.map { "\(name)(\($0))" } ?? name }

        // Envelope and report format
        public static let envelopeMalformed = Code("envelopeMalformed")
        public static let certificateTableMalformed = Code("certificateTableMalformed")
        public static let reportTruncated = Code("reportTruncated")
        public static func reportMalformed(_ field: String) -> Code { Code("reportMalformed", field) }
        public static let unsupportedReportVersion = Code("unsupportedReportVersion")
        public static let unsupportedSignatureAlgorithm = Code("unsupportedSignatureAlgorithm")
        public static let reportUnsigned = Code("reportUnsigned")
        public static let unsupportedProduct = Code("unsupportedProduct")
        // Certificates and chain
        public static func certificateMalformed(_ role: AMDCertificateRole?) -> Code {
            Code("certificateMalformed", role?.rawValue)
        }
        public static let chainMalformed = Code("chainMalformed")
        public static let vlekMissing = Code("vlekMissing")
        public static let signingKeyMismatch = Code("signingKeyMismatch")
        public static let untrustedRoot = Code("untrustedRoot")
        public static let productMismatch = Code("productMismatch")
        public static func certificateSignatureAlgorithmUnexpected(_ role: AMDCertificateRole) -> Code {
            Code("certificateSignatureAlgorithmUnexpected", role.rawValue)
        }
        public static func certificateSignatureInvalid(_ role: AMDCertificateRole) -> Code {
            Code("certificateSignatureInvalid", role.rawValue)
        }
        public static func certificateExpired(_ role: AMDCertificateRole) -> Code { Code("certificateExpired", role.rawValue) }
        public static func certificateNotYetValid(_ role: AMDCertificateRole) -> Code {
            Code("certificateNotYetValid", role.rawValue)
        }
        public static func certificateNameInvalid(_ role: AMDCertificateRole) -> Code {
            Code("certificateNameInvalid", role.rawValue)
        }
        public static func certificateConstraintsViolated(_ role: AMDCertificateRole) -> Code {
            Code("certificateConstraintsViolated", role.rawValue)
        }
        public static func certificateRevoked(_ role: AMDCertificateRole) -> Code { Code("certificateRevoked", role.rawValue) }
        public static func certificateExtensionMalformed(_ field: String) -> Code {
            Code("certificateExtensionMalformed", field)
        }
        // CRL
        public static let crlMalformed = Code("crlMalformed")
        public static let crlIssuerMismatch = Code("crlIssuerMismatch")
        public static let crlSignatureInvalid = Code("crlSignatureInvalid")
        public static let crlExpired = Code("crlExpired")
        public static let crlNotYetValid = Code("crlNotYetValid")
        public static let crlUnavailable = Code("crlUnavailable")
        // Report signature, binding and TCB
        public static let reportSignatureInvalid = Code("reportSignatureInvalid")
        public static let chipIdMismatch = Code("chipIdMismatch")
        public static let tcbCertificateMismatch = Code("tcbCertificateMismatch")
        public static let tcbInconsistent = Code("tcbInconsistent")
        public static let tcbBelowMinimum = Code("tcbBelowMinimum")
        public static let runtimeDataMismatch = Code("runtimeDataMismatch")
        public static let initTimeDataMismatch = Code("initTimeDataMismatch")
        // Client-side appraisal
        public static let debugNotAllowed = Code("debugNotAllowed")
        public static let vmplNotAllowed = Code("vmplNotAllowed")
        public static let migrationNotAllowed = Code("migrationNotAllowed")
        public static let measurementMismatch = Code("measurementMismatch")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String = "") {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason.isEmpty ? code.description : "\(code): \(reason)" }
}

/// The certificates of the AMD SEV-SNP PKI, by role.
public enum AMDCertificateRole: String, Sendable, Hashable {
    /// AMD Root Key (self-signed).
    case ark
    /// AMD SEV Key: the intermediate that signs VCEKs.
    case ask
    /// AMD SEV VLEK Key: the intermediate that signs VLEKs.
    case asvk
    /// Versioned Chip Endorsement Key.
    case vcek
    /// Versioned Loaded Endorsement Key.
    case vlek
}
