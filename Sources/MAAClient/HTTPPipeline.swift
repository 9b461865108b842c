import Logging
import MAAModels
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The stages every call goes through, as plain async functions around the transport: client request id,
/// `User-Agent`, bearer authentication (refusing plain `http` unless allowed), retries with backoff, per-attempt
/// and overall deadlines, cancellation, and mapping of non-200 answers to ``AttestationClientError``.
struct HTTPPipeline: Sendable {
    var transport: any HTTPTransport
    var credential: (any TokenCredential)?
    var scopes: [String]
    var retryPolicy: RetryPolicy
    var attemptTimeout: Duration
    var maximumResponseBodySize: Int
    var userAgent: String
    var allowInsecureHTTP: Bool
    var logger: Logger
    var now: @Sendable () -> Date

    /// A response with the ids that identify its call.
    struct Exchange: Sendable {
        var response: HTTPTransportResponse
        var clientRequestID: String
        /// `x-ms-request-id` (MAA), falling back to `x-request-id`.
        var requestID: String? {
            response.header("x-ms-request-id") ?? response.header("x-request-id")
        }
    }

    /// Sends a request through the stages and returns the final response, whatever its status.
    func send(
        method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]?,
        clientRequestID: String?, timeout: Duration?
    ) async throws(AttestationClientError) -> Exchange {
        let requestID = clientRequestID ?? UUID().uuidString.lowercased()
        do {
            return Exchange(
                response: try await sendWithRetries(
                    method: method, url: url, headers: headers, body: body, clientRequestID: requestID,
                    timeout: timeout),
                clientRequestID: requestID)
        } catch {
            throw error.with(requestID: nil, clientRequestID: requestID)
        }
    }

    private func sendWithRetries(
        method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]?,
        clientRequestID: String, timeout: Duration?
    ) async throws(AttestationClientError) -> HTTPTransportResponse {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        let isHTTPS = url.lowercased().hasPrefix("https://")
        var request = HTTPTransportRequest(
            method: method, url: url, headers: headers, body: body, timeout: attemptTimeout,
            maximumResponseBodySize: maximumResponseBodySize)
        request.headers.append((name: "User-Agent", value: userAgent))
        request.headers.append((name: "x-ms-client-request-id", value: clientRequestID))
        var retry = 0
        while true {
            if Task.isCancelled { throw AttestationClientError(.cancelled, "the call was cancelled") }
            var attempt = request
            if let deadline {
                let remaining = clock.now.duration(to: deadline)
                guard remaining > .zero else { throw AttestationClientError(.timedOut, "the call's deadline passed") }
                attempt.timeout = min(attemptTimeout, remaining)
            }
            if let credential {
                guard isHTTPS || allowInsecureHTTP else {
                    throw AttestationClientError(
                        .insecureTransport,
                        "refusing to send a bearer token over plain http to \(url); use https or opt in explicitly")
                }
                attempt.headers.append((name: "Authorization", value: "Bearer \(try await bearerToken(credential))"))
            }
            logger.debug("sending", metadata: ["maa.request.id": "\(clientRequestID)", "http.method": "\(method)",
                                             "http.url": "\(url)", "attempt": "\(retry + 1)"])
            var delay: Duration = .zero
            var failure = AttestationClientError(.transportFailed, "no attempt made")
            do {
                let response = try await transport.send(attempt)
                guard response.body.count <= maximumResponseBodySize else {
                    throw AttestationClientError(.responseTooLarge, "the response body exceeds \(maximumResponseBodySize) bytes")
                }
                guard retryPolicy.retryableStatuses.contains(response.status), retry < retryPolicy.maximumRetries else {
                    return response
                }
                if let requested = RetryPolicy.requestedDelay(response, now: now()) {
                    // The service said when to come back; if that is longer than we are prepared to wait, stop.
                    guard requested <= retryPolicy.maximumDelay else { return response }
                    delay = requested
                } else {
                    delay = retryPolicy.backoff(retry: retry, random: Double.random(in: 0...1))
                }
                failure = Self.failure(for: response)
            } catch {
                let mapped = Self.transportError(error)
                guard mapped.code == .transportFailed || mapped.code == .timedOut, retry < retryPolicy.maximumRetries else {
                    throw mapped
                }
                delay = retryPolicy.backoff(retry: retry, random: Double.random(in: 0...1))
                failure = mapped
            }
            if let deadline, clock.now.advanced(by: delay) >= deadline { throw failure }
            logger.debug("retrying", metadata: ["maa.request.id": "\(clientRequestID)", "delay": "\(delay)",
                                              "reason": "\(failure.code)"])
            do { try await retryPolicy.sleep(delay) } catch {
                throw AttestationClientError(.cancelled, "the call was cancelled while waiting to retry")
            }
            retry += 1
        }
    }

    private func bearerToken(_ credential: any TokenCredential) async throws(AttestationClientError) -> String {
        do {
            return try await credential.token(for: scopes).token
        } catch let error as AttestationClientError {
            throw error.code == .cancelled ? error : AttestationClientError(
                .authenticationFailed, "cannot obtain a token: \(error.reason)", statusCode: error.statusCode,
                serviceErrorCode: error.serviceErrorCode, serviceMessage: error.serviceMessage)
        } catch is CancellationError {
            throw AttestationClientError(.cancelled, "the call was cancelled")
        } catch {
            throw AttestationClientError(.authenticationFailed, "cannot obtain a token: \(error)")
        }
    }

    static func transportError(_ error: any Error) -> AttestationClientError {
        if let error = error as? AttestationClientError { return error }
        if error is CancellationError { return AttestationClientError(.cancelled, "the call was cancelled") }
        return AttestationClientError(.transportFailed, "\(error)")
    }

    /// The error for a non-200 response: the status picks the code, MAA's error body supplies the details.
    static func failure(for response: HTTPTransportResponse) -> AttestationClientError {
        let body = CloudError(body: response.body)
        let code: AttestationClientError.Code
        switch response.status {
        case 401: code = .authenticationFailed
        case 403: code = .forbidden
        case 404: code = .notFound
        case 409: code = .conflict
        default: code = .serviceError
        }
        let summary = body.map { "\($0.code): \($0.message)" } ?? "the service answered HTTP \(response.status)"
        return AttestationClientError(
            code, summary, statusCode: response.status, serviceErrorCode: body?.code, serviceMessage: body?.message,
            requestID: response.header("x-ms-request-id") ?? response.header("x-request-id"))
    }
}
