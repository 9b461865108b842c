import Benchmark
import Crypto
import Foundation
import MAADCAP
import MAAJOSE
import MAAService
import _CryptoExtras

/// The crypto ceiling of `POST /attest/SgxEnclave`: what one request must compute whatever the server does around it —
/// verifying the recorded quote against already-verified collateral, and one RSA-2048 signature for the token.
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
    let payload = [UInt8](repeating: UInt8(ascii: "a"), count: 2600)

    Benchmark("Ceiling part: DCAP verify of the recorded quote (collateral already verified)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try verifier.verify(quote: quote, collateral: collateral, at: at)) }
    }
    Benchmark("Ceiling part: RSA-2048 PKCS#1 v1.5 sign of a 3.5 KB token") { benchmark in
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
    Benchmark("Ceiling: DCAP verify + RSA-2048 sign (one attest request's crypto)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try verifier.verify(quote: quote, collateral: collateral, at: at))
            blackHole(try key.sign(payload))
        }
    }
}
