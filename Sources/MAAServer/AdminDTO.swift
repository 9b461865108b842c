import MAADCAP
import MAAService

/// `POST /admin/instances` body.
struct CreateInstanceBody: Decodable, Sendable {
    var name: String
    var mode: String
    /// PEM text or base64 DER of each policy-signer certificate.
    var signerCertificates: [String]?
    var acceptedTCBStatuses: [String]?
    var baseURL: String?
}

/// An instance as the admin API shows it.
struct InstanceBody: Codable, Sendable {
    var name: String
    var mode: String
    var url: String
    var acceptedTCBStatuses: [String]
    var baseURL: String?

    init(_ record: InstanceRecord, url: String) {
        name = record.name
        mode = record.mode.rawValue
        self.url = url
        acceptedTCBStatuses = record.acceptedTCBStatuses.map(\.rawValue)
        baseURL = record.baseURL
    }
}

struct InstanceListBody: Codable, Sendable {
    var instances: [InstanceBody]
}

struct DeletedBody: Codable, Sendable {
    var deleted: String
}

/// `{"token": "…"}`, the body of every token-returning MAA operation.
struct TokenBody: Codable, Sendable {
    var token: String
}

/// `{"data": "…"}`, the TPM envelope.
struct TPMDataBody: Codable, Sendable {
    var data: String
}

/// `/health` and `/ready` answers.
struct StatusBody: Codable, Sendable {
    var status: String
}
