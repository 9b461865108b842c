public import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The default transport: AsyncHTTPClient (HTTP/1.1 and HTTP/2, TLS with the system trust store).
///
/// Uses `HTTPClient.shared` unless given a client, which the caller then owns and shuts down.
public struct AsyncHTTPClientTransport: HTTPTransport {
    let client: HTTPClient

    /// A transport over `client` (default: the process-wide shared client).
    public init(client: HTTPClient = .shared) {
        self.client = client
    }

    public func send(_ request: HTTPTransportRequest) async throws -> HTTPTransportResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(body) }
        let timeout = TimeAmount.nanoseconds(Self.nanoseconds(request.timeout))
        do {
            let response = try await client.execute(outgoing, timeout: timeout)
            let body = try await response.body.collect(upTo: request.maximumResponseBodySize)
            return HTTPTransportResponse(
                status: Int(response.status.code),
                headers: response.headers.map { (name: $0.name, value: $0.value) },
                body: Array(body.readableBytesView))
        } catch {
            throw Self.classify(error)
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        guard seconds < Int64.max / 1_000_000_000 - 1 else { return Int64.max }
        return max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Maps AsyncHTTPClient and NIO failures onto the client's error codes.
    static func classify(_ error: any Error) -> AttestationClientError {
        if let error = error as? AttestationClientError { return error }
        if error is CancellationError { return AttestationClientError(.cancelled, "the request was cancelled") }
        if error is NIOTooManyBytesError {
            return AttestationClientError(.responseTooLarge, "the response body exceeds the configured maximum")
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled: return AttestationClientError(.cancelled, "the request was cancelled")
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return AttestationClientError(.timedOut, "the request timed out (\(error))")
            case .invalidURL, .emptyHost, .emptyScheme:
                return AttestationClientError(.invalidArgument, "the URL is not usable (\(error))")
            default:
                return AttestationClientError(.transportFailed, "\(error)")
            }
        }
        return AttestationClientError(.transportFailed, "\(error)")
    }
}
