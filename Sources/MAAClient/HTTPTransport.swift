/// One HTTP request as the client hands it to a transport.
public struct HTTPTransportRequest: Sendable {
    /// `GET`, `PUT` or `POST`.
    public var method: String
    /// The absolute URL, including the query.
    public var url: String
    /// Header fields in order (names as sent).
    public var headers: [(name: String, value: String)]
    /// The body, or `nil` for none.
    public var body: [UInt8]?
    /// How long this attempt may take, from sending to the last body byte.
    public var timeout: Duration
    /// The largest response body the transport may accept; beyond it the transport fails with
    /// ``AttestationClientError/Code/responseTooLarge``.
    public var maximumResponseBodySize: Int

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        timeout: Duration = .seconds(60), maximumResponseBodySize: Int = 4 << 20
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maximumResponseBodySize = maximumResponseBodySize
    }

    /// The first value of a header, matching the name case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}

/// One HTTP response as a transport returns it.
public struct HTTPTransportResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Header fields in order.
    public var headers: [(name: String, value: String)]
    /// The whole body.
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, matching the name case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}

/// Sends HTTP requests for the attestation clients: the default is ``AsyncHTTPClientTransport``; tests and
/// applications can plug in their own (a recorded-traffic player, a proxy, an in-process server).
///
/// A transport sends one attempt; retries, authentication and request ids are added by the client around it.
/// It must honour ``HTTPTransportRequest/timeout`` and ``HTTPTransportRequest/maximumResponseBodySize``, return
/// every status (non-200 included) as a response, and throw an ``AttestationClientError`` for failures:
/// ``AttestationClientError/Code/transportFailed`` (retried) when no response arrived,
/// ``AttestationClientError/Code/timedOut``, ``AttestationClientError/Code/responseTooLarge`` or
/// ``AttestationClientError/Code/cancelled``. Any other error is treated as a non-retryable transport failure.
public protocol HTTPTransport: Sendable {
    /// Sends one request and returns the complete response.
    func send(_ request: HTTPTransportRequest) async throws -> HTTPTransportResponse
}
