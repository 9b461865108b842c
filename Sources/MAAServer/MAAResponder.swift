import Foundation
import Hummingbird
import Logging
import MAAService
import NIOCore

/// The HTTP front of the attestation service: routing (path prefix or host name), `api-version`, authentication,
/// body limits, MAA error bodies, request ids, metrics. All decisions about attestation live in `MAAService`.
///
/// A class: every request's handlers hold the responder, which would otherwise copy the service's references each time.
final class MAAResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let service: AttestationService
    let authenticator: any Authenticator
    let configuration: ServerConfiguration
    let metrics: ServerMetrics

    init(service: AttestationService, authenticator: any Authenticator, configuration: ServerConfiguration, metrics: ServerMetrics) {
        self.service = service
        self.authenticator = authenticator
        self.configuration = configuration
        self.metrics = metrics
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = RequestIDGenerator.next()
        let clientRequestID = RequestInput.clientRequestID(request)
        // The ids go into each log record's metadata only when one is written: setting them on the logger would
        // re-render its metadata on every request even when nothing is logged.
        let log = RequestLog(logger: context.logger, requestID: requestID, clientRequestID: clientRequestID)

        var label = "unknown"
        var response: Response
        do {
            response = try await route(request, log: log, label: &label)
        } catch let failure as HTTPFailure {
            response = failure.response
        } catch let error as ServiceError {
            if error.code == .storageFailure {
                log.log(.error, "storage failure", ["error": "\(error)"])
            }
            response = HTTPFailure(error).response
        } catch {
            log.log(.error, "unexpected error", ["error.type": "\(String(reflecting: type(of: error)))"])
            response = HTTPFailure.internalError.response
        }
        response.headers[.requestID] = requestID
        if let clientRequestID { response.headers[.clientRequestID] = clientRequestID }

        let elapsed = ContinuousClock.now - started
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        metrics.request(
            method: request.method.rawValue, route: label, status: response.status.code, nanoseconds: nanoseconds
        )
        log.log(
            .info, "request",
            [
                "http.method": .string(request.method.rawValue), "route": .string(label),
                "http.status": .stringConvertible(response.status.code),
            ]
        )
        return response
    }

    // MARK: Routing

    private func route(_ request: Request, log: RequestLog, label: inout String) async throws -> Response {
        guard let components = RoutePath.components(request.uri.path) else { throw Self.notFound }

        // Server-wide routes.
        switch components.first {
        case "health" where components.count == 1:
            label = "health"
            try requireMethod(request, ["GET"])
            return json(StatusBody(status: "ok"))
        case "ready" where components.count == 1:
            label = "ready"
            try requireMethod(request, ["GET"])
            do {
                _ = try await service.store.instances()
                return json(StatusBody(status: "ready"))
            } catch {
                log.log(.warning, "readiness check failed", ["error": "\(error)"])
                return json(StatusBody(status: "unavailable"), status: .serviceUnavailable)
            }
        case "metrics" where components.count == 1:
            label = "metrics"
            try requireMethod(request, ["GET"])
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        case "admin":
            label = "admin"
            return try await AdminHandlers(responder: self).handle(request, components: components.dropFirst())
        default:
            break
        }

        // Host-name routing, then path-prefix routing.
        let instance: InstanceRecord
        let rest: ArraySlice<String>
        if let host = request.head.authority.flatMap(Self.host(ofAuthority:)),
            let byHost = try await service.instance(forHost: host)
        {
            instance = byHost
            rest = components[...]
        } else {
            guard let name = components.first, (try? InstanceName.validate(name)) != nil else { throw Self.notFound }
            rest = components.dropFirst()
            // Check the path shape before touching storage, so unknown paths are cheap 404s.
            guard InstanceEndpoint(components: rest) != nil else { throw Self.notFound }
            instance = try await service.instance(named: name)
        }
        guard let endpoint = InstanceEndpoint(components: rest) else { throw Self.notFound }
        label = endpoint.label(method: request.method.rawValue)
        try requireMethod(request, endpoint.allowedMethods)
        let apiVersion = endpoint.requiresAPIVersion ? try requireAPIVersion(request) : nil
        let handlers = InstanceHandlers(responder: self, instance: instance, apiVersion: apiVersion)
        return try await handlers.handle(endpoint, request: request)
    }

    static let notFound = HTTPFailure(.notFound, code: "NotFound", message: "no such resource")

    func requireMethod(_ request: Request, _ allowed: [String]) throws(HTTPFailure) {
        guard allowed.contains(request.method.rawValue) else {
            throw HTTPFailure(
                .methodNotAllowed,
                code: "MethodNotAllowed",
                message: "use \(allowed.joined(separator: " or ")) here",
                headers: [.allow: allowed.joined(separator: ", ")]
            )
        }
    }

    /// The request's one `api-version`, which must be a served one.
    func requireAPIVersion(_ request: Request) throws(HTTPFailure) -> String {
        let values = request.uri.queryParameters.getAll("api-version")
        guard let version = values.first else {
            throw .badRequest(
                "the api-version query parameter is required", code: "MissingApiVersionParameter"
            )
        }
        guard values.count == 1, configuration.apiVersions.contains(String(version)) else {
            let supported = configuration.apiVersions.sorted().joined(separator: ", ")
            throw .badRequest(
                "unsupported api-version; supported: \(supported)", code: "InvalidApiVersionParameter"
            )
        }
        return String(version)
    }

    /// Authenticates the bearer credential; 401 when missing or not recognised.
    func authenticate(_ request: Request) async throws -> Principal {
        guard let token = RequestInput.bearerToken(request) else {
            throw HTTPFailure(ServiceError.unauthorized("a bearer token is required"))
        }
        guard token.utf8.count <= 16 * 1024, let principal = try await authenticator.authenticate(bearerToken: token)
        else {
            throw HTTPFailure(ServiceError.unauthorized("the bearer token is not valid"))
        }
        return principal
    }

    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = JSONBody.contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONBody.encode(value))))
    }

    /// The lower-cased host of an HTTP authority (`host`, `host:port`, `[v6]:port`).
    static func host(ofAuthority authority: String) -> String? {
        InstanceRecord.host(ofURL: "http://" + authority)
    }
}

extension HTTPFailure {
    var response: Response {
        var headers = extraHeaders
        headers[.contentType] = JSONBody.contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Logging for one request: its ids are added to a record's metadata only when the record is written.
struct RequestLog {
    let logger: Logger
    let requestID: String
    let clientRequestID: String?

    func log(_ level: Logger.Level, _ message: @autoclosure () -> Logger.Message, _ metadata: @autoclosure () -> Logger.Metadata) {
        logger.log(
            level: level, message(),
            metadata: {
                var all = metadata()
                all["request.id"] = .string(requestID)
                if let clientRequestID { all["client.request.id"] = .string(clientRequestID) }
                return all
            }()
        )
    }
}
