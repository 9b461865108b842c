import Hummingbird
import NIOCore

/// Bounded reading and checking of request bodies and headers.
enum RequestInput {
    /// Reads the whole body, failing with 413 as soon as it exceeds `limit` (or the declared length does).
    static func body(of request: Request, limit: Int) async throws -> [UInt8] {
        var collected: [UInt8] = []
        if let declared = request.headers[.contentLength], let length = Int(declared) {
            guard length <= limit else { throw tooLarge(limit) }
            collected.reserveCapacity(max(length, 0))  // bounded by the limit: not an attacker-sized allocation
        }
        for try await chunk in request.body {
            guard chunk.readableBytes <= limit - collected.count else { throw tooLarge(limit) }
            collected.append(contentsOf: chunk.readableBytesView)
        }
        return collected
    }

    private static func tooLarge(_ limit: Int) -> HTTPFailure {
        HTTPFailure(.contentTooLarge, code: "RequestEntityTooLarge", message: "the request body exceeds \(limit) bytes")
    }

    /// Requires the media type (ignoring parameters such as `charset`) to be `expected`.
    static func requireContentType(_ request: Request, _ expected: StaticString) throws(HTTPFailure) {
        guard let value = request.headers[.contentType] else {
            throw HTTPFailure(.unsupportedMediaType, code: "UnsupportedMediaType", message: "Content-Type \(expected) is required")
        }
        guard HeaderValue.equalsIgnoringCase(HeaderValue.mediaType(value), expected) else {
            throw HTTPFailure(.unsupportedMediaType, code: "UnsupportedMediaType", message: "Content-Type must be \(expected)")
        }
    }

    /// The body as UTF-8 text, rejecting invalid UTF-8.
    static func text(_ bytes: [UInt8]) throws(HTTPFailure) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw HTTPFailure.badRequest("the body is not valid UTF-8")
        }
        return text
    }

    /// A client request id worth echoing: 1–256 visible ASCII characters; anything else is dropped.
    static func clientRequestID(_ request: Request) -> String? {
        guard let value = request.headers[HeaderName.clientRequestID] else { return nil }
        let bytes = value.utf8
        guard !bytes.isEmpty, bytes.count <= 256, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return value
    }

    /// The bearer token of the Authorization header, if that header is a bearer credential.
    static func bearerToken(_ request: Request) -> String? {
        guard let value = request.headers[.authorization], let token = HeaderValue.bearerToken(value) else { return nil }
        return String(token)
    }
}

/// `HTTPField.Name`, reached through `HTTPFields` (Hummingbird re-exports the collection, not the element).
typealias HeaderName = HTTPFields.Element.Name

extension HeaderName {
    // Constant, valid header names: these initialisers cannot fail.
    static let clientRequestID = HeaderName("x-ms-client-request-id")!
    static let requestID = HeaderName("x-ms-request-id")!
}

import Foundation
