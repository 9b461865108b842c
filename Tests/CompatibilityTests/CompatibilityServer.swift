import Foundation
import Hummingbird
import Logging
import MAADCAP
import MAAJOSE
import MAAServer
import MAAService
import MAATesting
import _CryptoExtras

/// This project's own server (MAAService + MAAServer, in-memory store) on a real loopback port, configured so that
/// instance URLs are the URLs the client uses: `http://127.0.0.1:<port>/<instance>`.
struct CompatibilityServer: Sendable {
    static let adminToken = "compat-admin-token-0123456789"
    static let readerToken = "compat-reader-token-0123456789"
    /// The server's clock (token times), and the instant the client validates at.
    static let now: Int64 = 1_800_000_000

    /// One RSA key for every instance signing key (key generation is slow in debug builds).
    static let instanceKey: Result<_RSA.Signing.PrivateKey, any Error> = Result { try _RSA.Signing.PrivateKey(keySize: .bits2048) }
    /// The isolated instance's initial policy signer.
    static let policySigner: Result<(key: _RSA.Signing.PrivateKey, der: [UInt8]), any Error> = Result {
        let generated = try TestPKI.rsaSigner(commonName: "compatibility policy signer")
        return (generated.key, generated.der)
    }

    let port: Int
    let store: InMemoryStore
    let service: AttestationService

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Runs a server and calls `body` with it.
    /// - Parameter evidence: how evidence is verified; by default the Azure SDK OE report's collateral at its time.
    ///
    /// The service must know its URL, port included, before it listens, so the port is probed first; another test's
    /// server can take it between the probe and the bind. The server then fails to start, and this tries another
    /// port (a few times).
    static func run(
        evidence: EvidenceVerification? = nil, _ body: @Sendable (CompatibilityServer) async throws -> Void
    ) async throws {
        var attempt = 1
        while true {
            do {
                return try await run(on: try EphemeralPort.reserve(host: "127.0.0.1"), evidence: evidence, body)
            } catch is StartFailure where attempt < 5 {
                attempt += 1
            }
        }
    }

    /// The server did not start listening (its port was taken, say); carries why.
    struct StartFailure: Error, CustomStringConvertible {
        let port: Int
        let reason: String
        var description: String { "the compatibility server did not start on port \(port): \(reason)" }
    }

    /// Runs a server on `port` and calls `body` with it; throws ``StartFailure`` if it cannot listen there.
    static func run(
        on port: Int, evidence: EvidenceVerification? = nil, _ body: @Sendable (CompatibilityServer) async throws -> Void
    ) async throws {
        let key = try instanceKey.get()
        let store = InMemoryStore()
        let service = AttestationService(
            store: store,
            configuration: ServiceConfiguration(
                publicBaseURL: "http://127.0.0.1:\(port)", now: { now },
                makeSigningKey: { url, now in try SigningKeyFactory.make(instanceURL: url, now: now, key: key) }),
            evidence: try evidence ?? defaultEvidence())
        for (token, role) in [(adminToken, Role.admin), (readerToken, .reader)] {
            await store.addAPIToken(APITokenRecord(
                tokenHash: StaticTokenAuthenticator.hash(token), role: role, label: role.rawValue, createdAt: 1))
        }
        let admin = Principal.localAdministrator
        try await service.createInstance(
            InstanceSpec(name: "aad1", mode: .aad, acceptedTCBStatuses: ["UpToDate", "SWHardeningNeeded", "OutOfDate"]),
            caller: admin)
        try await service.createInstance(
            InstanceSpec(name: "iso", mode: .isolated, signerCertificatesDER: [try policySigner.get().der],
                         acceptedTCBStatuses: ["UpToDate", "SWHardeningNeeded", "OutOfDate"]),
            caller: admin)

        var listening = false
        do {
            try await withLoopbackApplication({ onServerRunning in
                try buildApplication(
                    service: service, authenticator: StaticTokenAuthenticator(store: store),
                    configuration: ServerConfiguration(host: "127.0.0.1", port: port, maximumBodySize: 256 * 1024),
                    logger: Logger(label: "compat", factory: { _ in SwiftLogNoOpLogHandler() }),
                    onServerRunning: onServerRunning)
            }) { bound in
                listening = true
                try await body(CompatibilityServer(port: bound, store: store, service: service))
            }
        } catch where !listening {
            throw StartFailure(port: port, reason: "\(error)")
        }
    }

    /// The Azure SDK OpenEnclave report's collateral, judged at its pinned time.
    static func defaultEvidence() throws -> EvidenceVerification {
        let collateral = CollateralStore()
        collateral.add(try VerifiedCollateral(try CollateralBundle(jsonBytes: try SharedData.bytes(
            "evidence/assembled-collateral/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin.run1.collateral.json"))))
        return EvidenceVerification(collateral: collateral, collateralTime: 1_738_752_225)
    }
}
