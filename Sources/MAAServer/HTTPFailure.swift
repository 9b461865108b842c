import Hummingbird
import MAAService
import NIOCore

/// An error answered with an HTTP status and MAA's body `{"error":{"code":…,"message":…}}`.
struct HTTPFailure: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var extraHeaders: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.extraHeaders = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = extraHeaders
        headers[.contentType] = JSONBody.contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The JSON error body.
    var body: [UInt8] {
        JSONBody.encode(MAAErrorBody(error: .init(code: code, message: message)))
    }

    /// Maps a service-core error to HTTP. Storage failures hide their reason.
    init(_ error: ServiceError) {
        switch error.code {
        case .invalidParameter, .invalidOperation, .policyParsingError, .policyEvaluationError:
            self.init(.badRequest, code: error.code.name, message: error.reason)
        case .unauthorized:
            self.init(.unauthorized, code: "Unauthorized", message: error.reason, headers: [.wwwAuthenticate: "Bearer"])
        case .forbidden:
            self.init(.forbidden, code: "Forbidden", message: error.reason)
        case .notFound:
            self.init(.notFound, code: "NotFound", message: error.reason)
        case .conflict:
            self.init(.conflict, code: "Conflict", message: error.reason)
        case .notSupported:
            self.init(.notImplemented, code: "NotImplemented", message: error.reason)
        default:
            self = .internalError
        }
    }

    static let internalError = HTTPFailure(
        .internalServerError, code: "InternalServerError", message: "The server encountered an internal error."
    )

    static func badRequest(_ message: String, code: String = "InvalidParameter") -> HTTPFailure {
        HTTPFailure(.badRequest, code: code, message: message)
    }
}

/// MAA's error body.
struct MAAErrorBody: Codable, Sendable {
    struct Detail: Codable, Sendable {
        var code: String
        var message: String
    }

    var error: Detail
}
