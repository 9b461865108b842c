import Foundation
import Hummingbird
import MAATesting
import Logging
import NIOCore
import Synchronization

/// A tiny real HTTP server on a free loopback port, answering with a closure; for tests that must go over a real
/// connection with AsyncHTTPClient.
enum LoopbackServer {
    struct Received: Sendable {
        let method: String
        let path: String
        /// The request's authority (the Host header).
        let authority: String
        let headers: HTTPFields
        let body: [UInt8]
    }

    typealias Handler = @Sendable (Received, Int) async throws -> Response

    /// Runs a server answering with `handler` (given each request and its 0-based number), calls `body` with the
    /// server's base URL, then stops the server.
    static func with(_ handler: @escaping Handler, _ body: @Sendable (String) async throws -> Void) async throws {
        let counter = RequestCounter()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            let received = Received(
                method: request.method.rawValue, path: request.uri.path, authority: request.head.authority ?? "", headers: request.headers,
                body: Array(bytes.readableBytesView))
            return try await handler(received, counter.next())
        }
        try await withLoopbackApplication(responder: responder, label: "loopback") { port in
            try await body("http://127.0.0.1:\(port)")
        }
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Counts requests across concurrent handler calls.
final class RequestCounter: Sendable {
    private let count = Mutex(0)
    func next() -> Int { count.withLock { value in defer { value += 1 }; return value } }
}

