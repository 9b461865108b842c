import Foundation
@testable import MAAClient
import MAATesting
import Synchronization

/// Serves recorded MAA responses strictly in order and keeps every request the client made.
///
/// A request must be for the method and path of the next recorded exchange; anything else fails the call.
final class PlaybackTransport: HTTPTransport {
    struct Served: Sendable {
        let request: HTTPTransportRequest
        let exchange: RecordedExchange
    }

    private struct State {
        var next = 0
        var served: [Served] = []
    }

    let exchanges: [RecordedExchange]
    private let state = Mutex(State())

    init(_ exchanges: [RecordedExchange]) {
        self.exchanges = exchanges
    }

    /// The index of the next exchange to serve.
    var position: Int { state.withLock { $0.next } }
    /// Everything served so far.
    var served: [Served] { state.withLock { $0.served } }

    func send(_ request: HTTPTransportRequest) async throws -> HTTPTransportResponse {
        try state.withLock { state in
            guard state.next < exchanges.count else {
                throw AttestationClientError(.transportFailed, "playback: no recorded exchange left for \(request.method) \(request.url)")
            }
            let exchange = exchanges[state.next]
            guard let url = URLComponents(string: request.url), url.path == exchange.path, request.method == exchange.method else {
                throw AttestationClientError(
                    .transportFailed,
                    "playback: expected \(exchange.method) \(exchange.path) (#\(exchange.index)), got \(request.method) \(request.url)")
            }
            state.next += 1
            state.served.append(Served(request: request, exchange: exchange))
            return HTTPTransportResponse(
                status: exchange.status,
                headers: exchange.responseHeaders.map { (name: $0.key, value: $0.value) },
                body: Array(exchange.responseBody.utf8))
        }
    }
}
