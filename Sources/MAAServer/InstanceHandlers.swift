import MAAModels
import Hummingbird
import Logging
import MAAService
import MAAWire

/// The MAA data-plane endpoints of one instance.
struct InstanceHandlers {
    let responder: MAAResponder
    let instance: InstanceRecord
    /// The request's `api-version`, checked by the responder (`nil` for endpoints that take none).
    let apiVersion: String?

    var service: AttestationService { responder.service }
    var limit: Int { responder.configuration.maximumBodySize }

    func handle(_ endpoint: InstanceEndpoint, request: Request) async throws -> Response {
        switch endpoint {
        case .certs:
            return responder.json(try await service.signingCertificates(for: instance))
        case .openIDConfiguration:
            return responder.json(service.openIDMetadata(for: instance))
        case .attest(let type):
            return try await attest(type, request: request)
        case .policy(let type):
            let caller = try await responder.authenticate(request)
            if request.method == .get {
                return token(try await service.policyToken(type: type, instance: instance, caller: caller))
            }
            let jws = try await policyJWS(request)
            return token(try await service.setPolicy(jws: jws, type: type, instance: instance, caller: caller))
        case .policyReset(let type):
            let caller = try await responder.authenticate(request)
            let jws = try await policyJWS(request)
            return token(try await service.resetPolicy(jws: jws, type: type, instance: instance, caller: caller))
        case .certificates:
            let caller = try await responder.authenticate(request)
            return token(try await service.policyCertificatesToken(instance: instance, caller: caller))
        case .certificatesAdd, .certificatesRemove:
            let caller = try await responder.authenticate(request)
            try RequestInput.requireContentType(request, "application/json")
            let body = try await RequestInput.body(of: request, limit: limit)
            let jws = try JSONBody.decode(String.self, from: body)
            let operation: SignerChange.Outcome = endpoint == .certificatesAdd ? .isPresent : .isAbsent
            return token(
                try await service.modifyPolicyCertificates(jws: jws, operation: operation, instance: instance, caller: caller)
            )
        }
    }

    private func attest(_ type: AttestationType, request: Request) async throws -> Response {
        do {
            try Self.requireAPIVersion(supporting: type, apiVersion)
            let caller = try await responder.authenticate(request)
            try RequestInput.requireContentType(request, "application/json")
            let body = try await RequestInput.body(of: request, limit: limit)
            if type == .tpm {
                let envelope = try JSONBody.decode(TPMDataBody.self, from: body)
                let message = try AttestEnclaveBody.base64url(envelope.data, member: "data")
                let reply = try await service.attestTPM(message: message, instance: instance, caller: caller)
                responder.metrics.attestation(type: type.rawValue, outcome: "success")
                return responder.json(TPMDataBody(data: Base64.urlEncoded(reply)))
            }
            let attestation = try AttestEnclaveBody(body: body).request(type: type)
            let result = try await service.attest(attestation, instance: instance, caller: caller)
            responder.metrics.attestation(type: type.rawValue, outcome: "success")
            return token(result)
        } catch let error as ServiceError {
            responder.metrics.attestation(type: type.rawValue, outcome: error.code.name)
            throw error
        } catch let failure as HTTPFailure {
            responder.metrics.attestation(type: type.rawValue, outcome: failure.code)
            throw failure
        }
    }

    /// SevSnpVm and TdxVm exist from api-version 2022-08-01 on: an older (known) version is refused. Versions this
    /// build does not know but the server is configured to serve are let through.
    static func requireAPIVersion(supporting type: AttestationType, _ apiVersion: String?) throws(HTTPFailure) {
        guard let text = apiVersion, let version = APIVersion(rawValue: text),
            !version.supports(type)
        else { return }
        throw .badRequest(
            "\(type.rawValue) is not served at api-version \(version.rawValue); use 2022-08-01", code: "InvalidApiVersionParameter"
        )
    }

    /// The raw `text/plain` JWS of PUT policy and reset: exact text, not JSON-quoted.
    private func policyJWS(_ request: Request) async throws -> String {
        try RequestInput.requireContentType(request, "text/plain")
        let body = try await RequestInput.body(of: request, limit: limit)
        let text = try RequestInput.text(body)
        guard !text.isEmpty else { throw HTTPFailure.badRequest("the body must be a JWS", code: "InvalidOperation") }
        return text
    }

    /// `{"token":"<JWT>"}`. A compact JWS (base64url and dots) needs no JSON escaping and is written as is;
    /// anything else goes through the encoder.
    private func token(_ token: String) -> Response {
        guard !JSONValue.needsEscaping(token) else { return responder.json(TokenBody(token: token)) }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(token.utf8.count + 12)
        buffer.writeStaticString(#"{"token":""#)
        buffer.writeString(token)
        buffer.writeStaticString(#""}"#)
        var headers = HTTPFields()
        headers[.contentType] = JSONBody.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }
}
