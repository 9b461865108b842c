import Foundation
@testable import MAAClient
import Synchronization

/// A transport that answers with a handler and logs every request.
final class StubTransport: HTTPTransport {
    typealias Handler = @Sendable (HTTPTransportRequest, Int) async throws -> HTTPTransportResponse

    private let log = Mutex<[HTTPTransportRequest]>([])
    private let handler: Handler

    /// `handler` receives each request and its 0-based number.
    init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    var requests: [HTTPTransportRequest] { log.withLock { $0 } }

    func send(_ request: HTTPTransportRequest) async throws -> HTTPTransportResponse {
        let number = log.withLock { log in
            log.append(request)
            return log.count - 1
        }
        return try await handler(request, number)
    }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let value: Mutex<Date>
    init(_ start: Date) { value = Mutex(start) }
    func now() -> Date { value.withLock { $0 } }
    func advance(by seconds: Double) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Records the waits a retry policy asks for instead of sleeping.
final class SleepRecorder: Sendable {
    private let waits = Mutex<[Duration]>([])
    var recorded: [Duration] { waits.withLock { $0 } }

    func policy(maximumRetries: Int = 3) -> RetryPolicy {
        var policy = RetryPolicy()
        policy.maximumRetries = maximumRetries
        policy.sleep = { [self] duration in waits.withLock { $0.append(duration) } }
        return policy
    }
}

extension HTTPTransportResponse {
    static func json(_ text: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> HTTPTransportResponse {
        HTTPTransportResponse(
            status: status, headers: [(name: "Content-Type", value: "application/json; charset=utf-8")] + headers,
            body: Array(text.utf8))
    }
}
