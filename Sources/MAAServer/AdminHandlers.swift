import MAADCAP
import Hummingbird
import MAAService

/// The admin API: `GET|POST /admin/instances`, `GET|DELETE /admin/instances/{name}`,
/// `POST /admin/instances/{name}:rotate-key` (answers the new `/certs`). Admin role required.
struct AdminHandlers {
    let responder: MAAResponder

    var service: AttestationService { responder.service }

    func handle(_ request: Request, components: ArraySlice<String>) async throws -> Response {
        let parts = Array(components)
        guard parts.first == "instances", parts.count <= 2 else { throw MAAResponder.notFound }
        if parts.count == 1 {
            try responder.requireMethod(request, ["GET", "POST"])
            let caller = try await responder.authenticate(request)
            if request.method == .get {
                let records = try await service.listInstances(caller: caller)
                return responder.json(InstanceListBody(instances: records.map { body($0) }))
            }
            try RequestInput.requireContentType(request, "application/json")
            let bytes = try await RequestInput.body(of: request, limit: responder.configuration.maximumBodySize)
            let create = try JSONBody.decode(CreateInstanceBody.self, from: bytes)
            guard let mode = InstanceMode(rawValue: create.mode) else {
                throw HTTPFailure.badRequest("'mode' must be aad, isolated or shared")
            }
            var certificates: [[UInt8]] = []
            for text in create.signerCertificates ?? [] {
                certificates += try CertificateInput.derCertificates(from: text)
            }
            let spec = InstanceSpec(
                name: create.name,
                mode: mode,
                signerCertificatesDER: certificates,
                acceptedTCBStatuses: create.acceptedTCBStatuses,
                baseURL: create.baseURL
            )
            let record = try await service.createInstance(spec, caller: caller)
            return responder.json(body(record))
        }
        if parts[1].hasSuffix(":rotate-key") {
            try responder.requireMethod(request, ["POST"])
            let caller = try await responder.authenticate(request)
            let instance = try await service.instance(named: String(parts[1].dropLast(":rotate-key".count)))
            try await service.rotateSigningKey(for: instance, caller: caller)
            return responder.json(try await service.signingCertificates(for: instance))
        }
        let name = parts[1]
        try responder.requireMethod(request, ["GET", "DELETE"])
        let caller = try await responder.authenticate(request)
        try caller.require(.admin)
        if request.method == .get {
            return responder.json(body(try await service.instance(named: name)))
        }
        try await service.deleteInstance(named: name, caller: caller)
        return responder.json(DeletedBody(deleted: name))
    }

    private func body(_ record: InstanceRecord) -> InstanceBody {
        InstanceBody(record, url: service.url(of: record))
    }
}
