import Benchmark
import Crypto
import Foundation
import MAADCAP
import MAAJOSE
import MAAService
import MAAWire
import _CryptoExtras

/// The crypto ceiling of `POST /attest/SgxEnclave`: what one request must compute whatever the server does around it —
/// verifying the recorded quote against already-verified collateral, and one RSA-2048 signature for the token.
/// An in-memory service with the recorded quote's collateral, judged at its pinned time, and an AAD instance that
/// accepts its `OutOfDate` status.
struct ServiceFixture: Sendable {
    let service: AttestationService
    let instance: InstanceRecord
    let request: AttestationRequest
    let caller = Principal(id: "bench", role: .reader)

    init() throws {
        let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("../shared").standardizedFileURL
        func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: shared.appendingPathComponent(path))) }
        let store = CollateralStore()
        store.add(try VerifiedCollateral(try CollateralBundle(jsonBytes: bytes(
            "evidence/assembled-collateral/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin.run1.collateral.json"
        ))))
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        service = AttestationService(
            store: InMemoryStore(),
            configuration: ServiceConfiguration(
                publicBaseURL: "http://127.0.0.1:8080",
                makeSigningKey: { url, now in try SigningKeyFactory.make(instanceURL: url, now: now, key: key) }
            ),
            evidence: EvidenceVerification(collateral: store, collateralTime: 1_738_752_225)
        )
        let service = service
        let statuses = ["UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDate"]
        instance = try Self.wait {
            try await service.createInstance(
                InstanceSpec(name: "load", mode: .aad, acceptedTCBStatuses: statuses), caller: .localAdministrator
            )
        }
        let runtime = try bytes("maa-data/sgx/runtime_data.bin")
        request = AttestationRequest(
            type: .sgxEnclave, evidence: try bytes("maa-data/sgx/sgx_quote_v3.bin"),
            runtimeData: BoundData(bytes: runtime, encoded: Base64.urlEncoded(runtime), dataType: .binary)
        )
    }

    func attest() async throws -> String {
        try await service.attest(request, instance: instance, caller: caller)
    }

    /// Runs async set-up from the synchronous benchmark registration.
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock], maxDuration: .seconds(5), maxIterations: 200_000)
    let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("../shared").standardizedFileURL
    func bytes(_ path: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: shared.appendingPathComponent(path).path) else {
            fatalError("missing \(path) below \(shared.path)")
        }
        return Array(data)
    }
    let quote = bytes("maa-data/sgx/sgx_quote_v3.bin")
    let at = Date(timeIntervalSince1970: 1_738_752_225)
    let bundle = try! CollateralBundle(jsonBytes: bytes("evidence/assembled-collateral/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin.run1.collateral.json"))
    let collateral = try! VerifiedCollateral(bundle, at: at)
    let verifier = DCAPVerifier()
    let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    let key = try! JWSSigningKey(rsa: rsa)
    // The key as the server holds it: the system OpenSSL 3 when it loads (see TokenSigningKey), else swift-crypto.
    let record = try! SigningKeyFactory.make(instanceURL: "http://127.0.0.1/load", now: 1_700_000_000, key: rsa)
    let serverKey = try! TokenSigningKey(record: record)
    // What the server signs per request: the signing input (header.payload) of a real token for the recorded quote.
    let fixture = try! ServiceFixture()
    let token = try! ServiceFixture.wait { try await fixture.attest() }
    let payload = Array(token.utf8[..<token.utf8.lastIndex(of: UInt8(ascii: "."))!])

    Benchmark("Ceiling part: DCAP verify of the recorded quote (collateral already verified)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try verifier.verify(quote: quote, collateral: collateral, at: at)) }
    }
    Benchmark("Ceiling part: RSA-2048 PKCS#1 v1.5 sign of a token's 4.8 KB signing input") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try key.sign(payload)) }
    }
    Benchmark("Ceiling part: RSA-2048 sign as the server signs (\(serverKey.implementationName))") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try serverKey.sign(payload)) }
    }
    Benchmark("Ceiling (server): DCAP verify + RSA-2048 sign with \(serverKey.implementationName)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try verifier.verify(quote: quote, collateral: collateral, at: at))
            blackHole(try serverKey.sign(payload))
        }
    }
    // Both cores at once, as the server uses them: two threads, each verifying and signing 64 times per iteration
    // (an iteration ends when both threads have finished, so fewer, longer iterations waste less at that barrier).
    // This measures the ceiling on this machine instead of assuming that two cores give exactly twice one core.
    Benchmark(
        "Ceiling (server, both cores): 2 threads x 64 x (DCAP verify + RSA-2048 sign)",
        configuration: .init(timeUnits: .microseconds)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                for _ in 0..<64 {
                    blackHole(try? verifier.verify(quote: quote, collateral: collateral, at: at))
                    blackHole(try? serverKey.sign(payload))
                }
            }
        }
    }
    // One whole attestation in process (no HTTP): evidence verification, runtime-data binding, policy, claims,
    // token serialization and signing, as `POST /attest/SgxEnclave` runs it after the body is parsed.
    Benchmark("Service: attest SGX quote in process (verify + policy + claims + token)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.attest())
        }
    }
    Benchmark("Ceiling: DCAP verify + RSA-2048 sign (one attest request's crypto)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try verifier.verify(quote: quote, collateral: collateral, at: at))
            blackHole(try key.sign(payload))
        }
    }
}
