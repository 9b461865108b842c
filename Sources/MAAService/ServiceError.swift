/// An error from the attestation service core.
///
/// Compare on ``code``; ``reason`` is a human-readable explanation that is safe to show to the caller
/// (it never contains secrets or stack traces). The HTTP adapter maps each code to a status and an MAA error code.
public struct ServiceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, without detail; usable as a metrics label and in `#expect(throws:)`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable name, e.g. `InvalidParameter`.
        public let name: String
        public var description: String { name }

        /// A request value is malformed or out of range (MAA `InvalidParameter`).
        public static let invalidParameter = Code(name: "InvalidParameter")
        /// The operation is not allowed in the current state or mode (MAA `InvalidOperation`).
        public static let invalidOperation = Code(name: "InvalidOperation")
        /// The policy text does not parse (MAA `PolicyParsingError`).
        public static let policyParsingError = Code(name: "PolicyParsingError")
        /// The policy denied the evidence (MAA `PolicyEvaluationError`).
        public static let policyEvaluationError = Code(name: "PolicyEvaluationError")
        /// No or invalid credentials.
        public static let unauthorized = Code(name: "Unauthorized")
        /// Valid credentials without the required role.
        public static let forbidden = Code(name: "Forbidden")
        /// No such instance or resource.
        public static let notFound = Code(name: "NotFound")
        /// The resource already exists.
        public static let conflict = Code(name: "Conflict")
        /// The storage layer failed; details are logged, not returned.
        public static let storageFailure = Code(name: "StorageFailure")
        /// A feature that is not available in this build or configuration.
        public static let notSupported = Code(name: "NotSupported")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: ServiceError, rhs: ServiceError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    @inline(never)
    public static func invalidParameter(_ reason: String) -> ServiceError { ServiceError(.invalidParameter, reason) }
    @inline(never)
    public static func invalidOperation(_ reason: String) -> ServiceError { ServiceError(.invalidOperation, reason) }
    @inline(never)
    public static func notFound(_ reason: String) -> ServiceError { ServiceError(.notFound, reason) }
    @inline(never)
    public static func unauthorized(_ reason: String) -> ServiceError { ServiceError(.unauthorized, reason) }
    @inline(never)
    public static func forbidden(_ reason: String) -> ServiceError { ServiceError(.forbidden, reason) }
    @inline(never)
    public static func storage(_ reason: String) -> ServiceError { ServiceError(.storageFailure, reason) }
}
