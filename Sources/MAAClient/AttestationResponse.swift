public import MAAJOSE

/// A typed result together with the token it came from and the HTTP details of the call.
public struct AttestationResponse<Value: Sendable>: Sendable {
    /// The decoded result.
    public let value: Value
    /// The validated token the service returned (`nil` for endpoints that return no token: `/certs`, metadata, TPM).
    public let token: AttestationToken?
    /// The signer whose key verified ``token`` (`nil` when there is no token or it was an accepted unsecured one).
    public let signer: AttestationSigner?
    /// The HTTP status (always 200 for a returned response).
    public let statusCode: Int
    /// The response headers.
    public let headers: [(name: String, value: String)]
    /// The service's request id (`x-ms-request-id`), if sent.
    public let requestID: String?
    /// The `x-ms-client-request-id` this client sent.
    public let clientRequestID: String

    public init(
        value: Value, token: AttestationToken?, signer: AttestationSigner?, statusCode: Int,
        headers: [(name: String, value: String)], requestID: String?, clientRequestID: String
    ) {
        self.value = value
        self.token = token
        self.signer = signer
        self.statusCode = statusCode
        self.headers = headers
        self.requestID = requestID
        self.clientRequestID = clientRequestID
    }

    /// The raw compact token text.
    public var rawToken: String? { token?.compact }

    /// The first value of a response header, matching the name case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// The same response with a different value.
    func map<Other: Sendable>(_ transform: (Value) throws -> Other) rethrows -> AttestationResponse<Other> {
        AttestationResponse<Other>(
            value: try transform(value), token: token, signer: signer, statusCode: statusCode, headers: headers,
            requestID: requestID, clientRequestID: clientRequestID)
    }
}

/// Runtime or init-time data bound into evidence, sent as `{"data": BASE64URL(bytes), "dataType": …}`.
public struct AttestationData: Sendable, Hashable {
    /// How the service should treat the bytes.
    public enum DataType: String, Sendable, Hashable {
        /// Opaque bytes, returned in the token as `x-ms-sgx-ehd`.
        case binary = "Binary"
        /// UTF-8 JSON, parsed and returned in the token as `x-ms-runtime` / `x-ms-inittime`.
        case json = "JSON"
    }

    /// The bytes (their SHA-256 is what the evidence binds).
    public let bytes: [UInt8]
    /// How the service interprets them.
    public let dataType: DataType

    public init(bytes: [UInt8], dataType: DataType) {
        self.bytes = bytes
        self.dataType = dataType
    }

    /// Opaque binary data.
    public static func binary(_ bytes: [UInt8]) -> AttestationData { AttestationData(bytes: bytes, dataType: .binary) }
    /// JSON data (the bytes must be a UTF-8 JSON document).
    public static func json(_ bytes: [UInt8]) -> AttestationData { AttestationData(bytes: bytes, dataType: .json) }
}
