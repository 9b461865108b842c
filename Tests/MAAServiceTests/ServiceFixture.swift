import Foundation
import MAAJOSE
import MAAService
import MAAWire
import _CryptoExtras

/// A service over an in-memory store with a fixed clock and one reused RSA key (fast instance creation).
struct ServiceFixture {
    static let now: Int64 = 1_800_000_000
    static let rsa: _RSA.Signing.PrivateKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let otherRSA: _RSA.Signing.PrivateKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    let store: any AttestationStore
    let service: AttestationService

    init(
        store: any AttestationStore = InMemoryStore(),
        now: @escaping @Sendable () -> Int64 = { ServiceFixture.now },
        evidence: EvidenceVerification = EvidenceVerification()
    ) {
        self.store = store
        service = AttestationService(
            store: store,
            configuration: ServiceConfiguration(
                publicBaseURL: "http://localhost:8080",
                now: now,
                makeSigningKey: { url, now in try SigningKeyFactory.make(instanceURL: url, now: now, key: ServiceFixture.rsa) }
            ),
            evidence: evidence
        )
    }

    @discardableResult
    func instance(_ name: String, _ mode: InstanceMode, signers: [[UInt8]] = []) async throws -> InstanceRecord {
        try await service.createInstance(
            InstanceSpec(name: name, mode: mode, signerCertificatesDER: signers), caller: .localAdministrator
        )
    }

    /// A policy signer: key plus self-signed certificate.
    static func signer(_ name: String, key: _RSA.Signing.PrivateKey = rsa) throws -> PolicyTokenSigner {
        let certificate = try SigningKeyFactory.make(instanceURL: "https://\(name).signer.test", now: 1_700_000_000, key: key)
        return try PolicyTokenSigner(key: JWSSigningKey(rsa: key), certificateChainDER: [certificate.certificateDER])
    }

    /// Validates a service token, allowing unsecured (draft-policy) tokens when asked.
    func validatedClaims(_ token: String, instance: InstanceRecord, allowUnsecured: Bool) async throws -> JSONObject {
        let certs = try await service.signingCertificates(for: instance)
        let jwks = try JWKS(parsing: try JSONEncoder().encode(certs))
        let parsed = try AttestationToken(compact: token)
        var options = TokenValidationOptions()
        options.issuer = service.url(of: instance)
        options.allowUnsecuredTokens = allowUnsecured
        options.currentTime = { Date(timeIntervalSince1970: TimeInterval(ServiceFixture.now)) }
        try parsed.validate(signers: try AttestationSigner.signers(from: jwks), options: options)
        return parsed.claims
    }

    /// Validates a service token against the instance's `/certs` and returns its claims.
    func validatedClaims(_ token: String, instance: InstanceRecord) async throws -> JSONObject {
        let certs = try await service.signingCertificates(for: instance)
        let jwks = try JWKS(parsing: try JSONEncoder().encode(certs))
        let parsed = try AttestationToken(compact: token)
        var options = TokenValidationOptions()
        options.issuer = service.url(of: instance)
        options.currentTime = { Date(timeIntervalSince1970: TimeInterval(ServiceFixture.now)) }
        try parsed.validate(signers: try AttestationSigner.signers(from: jwks), options: options)
        return parsed.claims
    }
}

/// A recorded MAA exchange from `shared/maa-data/exchanges/`.
struct RecordedExchange {
    let requestBody: String
    let responseClaims: [String: Any]
    let requestHeader: [String: Any]

    init(_ name: String) throws {
        let data = try Data(contentsOf: SharedDataURL.url("maa-data/exchanges/\(name).json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        requestBody = object["request_body_raw"] as? String ?? ""
        let decoded = object["decoded"] as? [String: Any]
        responseClaims = ((decoded?["response_token"] as? [String: Any])?["body"] as? [String: Any]) ?? [:]
        requestHeader = ((decoded?["request_jws"] as? [String: Any])?["header"] as? [String: Any]) ?? [:]
    }

    /// The DER of the signing certificate in the request header's `jwk.x5c`.
    var signerCertificateDER: [UInt8] {
        get throws {
            let x5c = (requestHeader["jwk"] as? [String: Any])?["x5c"] as? [String] ?? []
            return try Base64.decode(x5c.first ?? "", alphabet: .standard)
        }
    }
}

import MAATesting
typealias SharedDataURL = SharedData
