import MAADCAP
import Foundation
import Hummingbird
import HummingbirdTesting
import MAAServer
import MAAService
import MAATesting
import MAAWire
import _CryptoExtras

/// One running application over an in-memory store, with three instances and three API tokens.
struct ServerFixture: Sendable {
    static let adminToken = "test-admin-token-0123456789"
    static let contributorToken = "test-contributor-token-0123456789"
    static let readerToken = "test-reader-token-0123456789"
    static let baseURL = "http://localhost:8080"

    /// One RSA key reused for every instance certificate (key generation is slow in debug builds).
    static let rsaKey: _RSA.Signing.PrivateKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let signerCertificate: [UInt8] = try! SigningKeyFactory.make(
        instanceURL: "https://signer.test", now: 1_700_000_000, key: rsaKey
    ).certificateDER

    let store: InMemoryStore
    let service: AttestationService
    let metrics: ServerMetrics

    static func make(evidence: EvidenceVerification = EvidenceVerification()) async throws -> ServerFixture {
        let store = InMemoryStore()
        let configuration = ServiceConfiguration(
            publicBaseURL: baseURL,
            now: { 1_800_000_000 },
            makeSigningKey: { url, now in try SigningKeyFactory.make(instanceURL: url, now: now, key: rsaKey) }
        )
        let service = AttestationService(store: store, configuration: configuration, evidence: evidence)
        for (token, role) in [(adminToken, Role.admin), (contributorToken, .contributor), (readerToken, .reader)] {
            try await store.addAPIToken(
                APITokenRecord(tokenHash: StaticTokenAuthenticator.hash(token), role: role, label: role.rawValue, createdAt: 1)
            )
        }
        let admin = Principal.localAdministrator
        try await service.createInstance(
            InstanceSpec(name: "aad1", mode: .aad, acceptedTCBStatuses: ["UpToDate", "SWHardeningNeeded", "OutOfDate"]),
            caller: admin
        )
        try await service.createInstance(InstanceSpec(name: "shared", mode: .shared), caller: admin)
        try await service.createInstance(
            InstanceSpec(name: "iso", mode: .isolated, signerCertificatesDER: [signerCertificate]), caller: admin
        )
        try await service.createInstance(
            InstanceSpec(name: "hosted", mode: .aad, baseURL: "https://contoso.attest.test"), caller: admin
        )
        return ServerFixture(store: store, service: service, metrics: ServerMetrics())
    }

    func application() -> some ApplicationProtocol {
        try! buildApplication(
            service: service,
            authenticator: StaticTokenAuthenticator(store: store),
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, maximumBodySize: 64 * 1024),
            metrics: metrics
        )
    }

    /// Starts the application on a free loopback port, runs `body` with the port, then shuts the server down.
    func running(tls: ServerConfiguration.TLSFiles? = nil, _ body: @Sendable (Int) async throws -> Void) async throws {
        try await withLoopbackApplication({ onServerRunning in
            try buildApplication(
                service: service,
                authenticator: StaticTokenAuthenticator(store: store),
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0, maximumBodySize: 64 * 1024, tls: tls),
                metrics: metrics,
                onServerRunning: onServerRunning
            )
        }, body)
    }

    /// Runs `body` against a live loopback server.
    func live(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await application().test(.live, body)
    }
}

func bearer(_ token: String) -> HTTPFields {
    [.authorization: "Bearer \(token)"]
}

func headers(_ pairs: [(String, String)]) -> HTTPFields {
    var fields = HTTPFields()
    for (name, value) in pairs {
        if let name = HTTPFields.Element.Name(name) { fields.append(.init(name: name, value: value)) }
    }
    return fields
}

extension TestResponse {
    /// The body as a JSON object, or `nil`.
    var json: [String: Any]? {
        guard let body = body.getBytes(at: body.readerIndex, length: body.readableBytes) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// MAA's error code from `{"error":{"code":…,"message":…}}`, or `nil` if the body is not that shape.
    var errorCode: String? {
        guard let error = json?["error"] as? [String: Any], let code = error["code"] as? String,
            error["message"] is String, json?.count == 1, error.count == 2
        else { return nil }
        return code
    }

    var text: String { String(buffer: body) }
}

/// PEM text of a DER certificate, wrapped at 64 characters.
func pemCertificate(_ der: [UInt8]) -> String {
    let base64 = Array(Base64.standardEncoded(der))
    var lines: [String] = []
    var index = 0
    while index < base64.count {
        lines.append(String(base64[index..<min(index + 64, base64.count)]))
        index += 64
    }
    return "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
}
