public import MAAJOSE

/// An error from an attestation client call.
///
/// Compare on ``code`` (`#expect(throws: AttestationClientError.notFound)`); the other properties carry what the
/// service and the transport said, for humans and logs.
public struct AttestationClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, without detail: stable and bounded, suitable for metrics.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// The service rejected the caller's credentials (HTTP 401), or no token could be obtained.
        public static let authenticationFailed = Code(name: "authenticationFailed")
        /// The caller is authenticated but not allowed to do this (HTTP 403).
        public static let forbidden = Code(name: "forbidden")
        /// The instance, endpoint or resource does not exist (HTTP 404).
        public static let notFound = Code(name: "notFound")
        /// The request conflicts with the resource's state (HTTP 409).
        public static let conflict = Code(name: "conflict")
        /// The service answered with another non-200 status (see ``statusCode`` and ``serviceErrorCode``).
        public static let serviceError = Code(name: "serviceError")
        /// A token the service returned failed validation (see ``validationError``), or a result did not match
        /// the request (policy token hash, certificate thumbprint).
        public static let validationFailed = Code(name: "validationFailed")
        /// The connection failed or was lost before a response arrived.
        public static let transportFailed = Code(name: "transportFailed")
        /// The call's deadline passed.
        public static let timedOut = Code(name: "timedOut")
        /// The calling task was cancelled.
        public static let cancelled = Code(name: "cancelled")
        /// A 200 response whose body is not what the endpoint returns.
        public static let invalidResponse = Code(name: "invalidResponse")
        /// The response body exceeded the configured maximum.
        public static let responseTooLarge = Code(name: "responseTooLarge")
        /// A bearer token would have been sent over plain `http`, which is refused unless explicitly allowed.
        public static let insecureTransport = Code(name: "insecureTransport")
        /// The call's arguments or the client's configuration are not usable (bad URL, api-version too old, …).
        public static let invalidArgument = Code(name: "invalidArgument")
    }

    /// What went wrong.
    public let code: Code
    /// A human-readable explanation.
    public let reason: String
    /// The HTTP status, when the service answered.
    public let statusCode: Int?
    /// MAA's error code from the body (`{"error":{"code":…}}`), e.g. `InvalidParameter`.
    public let serviceErrorCode: String?
    /// MAA's error message from the body.
    public let serviceMessage: String?
    /// The service's request id (`x-ms-request-id`), when it sent one.
    public let requestID: String?
    /// The `x-ms-client-request-id` this client sent.
    public let clientRequestID: String?
    /// The token validation failure, for ``Code/validationFailed`` caused by token validation.
    public let validationError: JOSEError?

    public init(
        _ code: Code,
        _ reason: String,
        statusCode: Int? = nil,
        serviceErrorCode: String? = nil,
        serviceMessage: String? = nil,
        requestID: String? = nil,
        clientRequestID: String? = nil,
        validationError: JOSEError? = nil
    ) {
        self.code = code
        self.reason = reason
        self.statusCode = statusCode
        self.serviceErrorCode = serviceErrorCode
        self.serviceMessage = serviceMessage
        self.requestID = requestID
        self.clientRequestID = clientRequestID
        self.validationError = validationError
    }

    public var description: String {
        var text = "\(code): \(reason)"
        if let statusCode { text += " (HTTP \(statusCode)" + (serviceErrorCode.map { ", \($0)" } ?? "") + ")" }
        if let requestID { text += " [request id \(requestID)]" }
        return text
    }

    /// A copy carrying the request ids of the call it belongs to.
    func with(requestID: String?, clientRequestID: String?) -> AttestationClientError {
        AttestationClientError(
            code, reason, statusCode: statusCode, serviceErrorCode: serviceErrorCode, serviceMessage: serviceMessage,
            requestID: self.requestID ?? requestID, clientRequestID: self.clientRequestID ?? clientRequestID,
            validationError: validationError)
    }

    public static func == (lhs: AttestationClientError, rhs: AttestationClientError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public static let authenticationFailed = AttestationClientError(.authenticationFailed, "")
    public static let forbidden = AttestationClientError(.forbidden, "")
    public static let notFound = AttestationClientError(.notFound, "")
    public static let conflict = AttestationClientError(.conflict, "")
    public static let serviceError = AttestationClientError(.serviceError, "")
    public static let validationFailed = AttestationClientError(.validationFailed, "")
    public static let transportFailed = AttestationClientError(.transportFailed, "")
    public static let timedOut = AttestationClientError(.timedOut, "")
    public static let cancelled = AttestationClientError(.cancelled, "")
    public static let invalidResponse = AttestationClientError(.invalidResponse, "")
    public static let responseTooLarge = AttestationClientError(.responseTooLarge, "")
    public static let insecureTransport = AttestationClientError(.insecureTransport, "")
    public static let invalidArgument = AttestationClientError(.invalidArgument, "")
}
