import Foundation
@testable import MAAClient
import Testing

/// Retries, backoff and `Retry-After`, through a test transport (the loopback suite repeats the key cases over a
/// real connection).
@Suite struct RetryTests {
    static let metadata = #"{"issuer":"https://fake.attest.test","jwks_uri":"https://fake.attest.test/certs"}"#

    static func client(_ transport: StubTransport, retry: RetryPolicy) throws -> AttestationClient {
        var options = AttestationClientOptions()
        options.transport = transport
        options.retryPolicy = retry
        return try AttestationClient(endpoint: "https://fake.attest.test", options: options)
    }

    @Test func twoServiceUnavailableAnswersWithRetryAfterThenSuccess() async throws {
        let sleeps = SleepRecorder()
        let transport = StubTransport { _, number in
            number < 2 ? .json(#"{"error":{"code":"ServiceUnavailable","message":"busy"}}"#, status: 503,
                               headers: [(name: "Retry-After", value: "2")])
                       : .json(Self.metadata)
        }
        let response = try await Self.client(transport, retry: sleeps.policy()).getOpenIDMetadata()
        #expect(response.value.issuer == "https://fake.attest.test")
        #expect(transport.requests.count == 3)
        #expect(sleeps.recorded == [.seconds(2), .seconds(2)], "Retry-After is honoured exactly")
        // Every attempt carries the same client request id.
        #expect(Set(transport.requests.compactMap { $0.header("x-ms-client-request-id") }).count == 1)
    }

    @Test(arguments: [400, 401, 403, 404, 409, 413])
    func aClientErrorIsNeverRetried(_ status: Int) async throws {
        let sleeps = SleepRecorder()
        let transport = StubTransport { _, _ in
            .json(#"{"error":{"code":"InvalidParameter","message":"bad quote"}}"#, status: status,
                  headers: [(name: "x-ms-request-id", value: "r-42"), (name: "Retry-After", value: "1")])
        }
        await #expect(throws: AttestationClientError.self) {
            _ = try await Self.client(transport, retry: sleeps.policy()).getOpenIDMetadata()
        }
        #expect(transport.requests.count == 1)
        #expect(sleeps.recorded.isEmpty)
    }

    @Test(arguments: [408, 429, 500, 502, 503, 504])
    func transientStatusesAreRetriedWithBoundedBackoff(_ status: Int) async throws {
        let sleeps = SleepRecorder()
        let transport = StubTransport { _, _ in .json("{}", status: status) }
        let error = await #expect(throws: AttestationClientError.self) {
            _ = try await Self.client(transport, retry: sleeps.policy(maximumRetries: 3)).getOpenIDMetadata()
        }
        #expect(error?.statusCode == status)
        #expect(transport.requests.count == 4)
        // Exponential backoff with jitter: retry n waits between half and all of 0.8 s · 2^n.
        for (retry, wait) in sleeps.recorded.enumerated() {
            let full = Duration.milliseconds(800 * (1 << retry))
            #expect(wait >= full / 2 && wait <= full, "retry \(retry) waited \(wait)")
        }
    }

    @Test func aRetryAfterLongerThanTheMaximumEndsTheRetries() async throws {
        let sleeps = SleepRecorder()
        let transport = StubTransport { _, _ in .json("{}", status: 429, headers: [(name: "Retry-After", value: "3600")]) }
        let error = await #expect(throws: AttestationClientError.self) {
            _ = try await Self.client(transport, retry: sleeps.policy()).getOpenIDMetadata()
        }
        #expect(error?.code == .serviceError)
        #expect(transport.requests.count == 1)
    }

    @Test func connectionFailuresAreRetried() async throws {
        let sleeps = SleepRecorder()
        let transport = StubTransport { _, number in
            if number == 0 { throw AttestationClientError(.transportFailed, "connection reset") }
            return .json(Self.metadata)
        }
        _ = try await Self.client(transport, retry: sleeps.policy()).getOpenIDMetadata()
        #expect(transport.requests.count == 2)
        #expect(sleeps.recorded.count == 1)
    }

    @Test func anOversizedBodyIsNotRetried() async throws {
        let sleeps = SleepRecorder()
        let transport = StubTransport { request, _ in
            .json(String(repeating: " ", count: request.maximumResponseBodySize + 1) + "{}")
        }
        await #expect(throws: AttestationClientError.responseTooLarge) {
            _ = try await Self.client(transport, retry: sleeps.policy()).getOpenIDMetadata()
        }
        #expect(transport.requests.count == 1)
    }

    @Test func retryAfterForms() throws {
        let now = Date(timeIntervalSince1970: 1_625_170_393)
        func delay(_ headers: [(name: String, value: String)]) -> Duration? {
            RetryPolicy.requestedDelay(HTTPTransportResponse(status: 503, headers: headers), now: now)
        }
        #expect(delay([(name: "Retry-After", value: "7")]) == .seconds(7))
        #expect(delay([(name: "retry-after-ms", value: "250")]) == .milliseconds(250))
        #expect(delay([(name: "x-ms-retry-after-ms", value: "1500")]) == .milliseconds(1500))
        // An HTTP date 20 s after `now` (Thu, 01 Jul 2021 20:13:13 GMT).
        #expect(delay([(name: "Retry-After", value: "Thu, 01 Jul 2021 20:13:33 GMT")]) == .seconds(20))
        #expect(delay([(name: "Retry-After", value: "Thu, 01 Jul 2021 20:13:03 GMT")]) == .zero)
        #expect(delay([(name: "Retry-After", value: "soon")]) == nil)
        #expect(delay([(name: "Retry-After", value: "-3")]) == nil)
        #expect(delay([]) == nil)
        #expect(HTTPDate.parse("Thu, 01 Jul 2021 20:13:13 GMT") == now)
        #expect(HTTPDate.parse("Thu, 32 Jul 2021 20:13:13 GMT") == nil)
    }

    @Test func extremeSettingsAndHeadersDoNotTrap() {
        var policy = RetryPolicy()
        policy.baseDelay = .seconds(Int64.max / 4)
        policy.maximumDelay = .seconds(Int64.max / 4)
        #expect(policy.backoff(retry: 30, random: 1) == .seconds(86_400))
        #expect(policy.backoff(retry: -5, random: -1) >= .zero)
        let far = HTTPTransportResponse(status: 503, headers: [(name: "Retry-After", value: "Fri, 31 Dec 9999 23:59:59 GMT")])
        #expect(RetryPolicy.requestedDelay(far, now: Date(timeIntervalSince1970: 0)) == .seconds(253_402_300_799))
        let huge = HTTPTransportResponse(status: 503, headers: [(name: "retry-after-ms", value: String(Int64.max))])
        #expect(RetryPolicy.requestedDelay(huge, now: Date()) == .milliseconds(Int64.max))
        #expect(AsyncHTTPClientTransport.nanoseconds(.seconds(-Int64.max)) == 0)
        #expect(AsyncHTTPClientTransport.nanoseconds(.seconds(Int64.max)) == Int64.max)
        #expect(AsyncHTTPClientTransport.nanoseconds(.milliseconds(1500)) == 1_500_000_000)
    }

    @Test func cancellationStopsTheCall() async throws {
        let (entered, signal) = AsyncStream.makeStream(of: Void.self)
        let transport = StubTransport { _, _ in
            signal.yield()
            try await Task.sleep(for: .seconds(600))
            return .json(Self.metadata)
        }
        let client = try Self.client(transport, retry: RetryPolicy())
        let task = Task { try await client.getOpenIDMetadata() }
        var iterator = entered.makeAsyncIterator()
        _ = await iterator.next()
        task.cancel()
        await #expect(throws: AttestationClientError.cancelled) { _ = try await task.value }
        #expect(transport.requests.count == 1)
    }

    @Test func theCallDeadlineBoundsEachAttempt() async throws {
        let transport = StubTransport { _, _ in .json(Self.metadata) }
        _ = try await Self.client(transport, retry: .none).getOpenIDMetadata(options: RequestOptions(timeout: .seconds(5)))
        let attempt = try #require(transport.requests.first)
        #expect(attempt.timeout <= .seconds(5))
        #expect(attempt.timeout > .zero)
    }
}
