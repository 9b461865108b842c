import Benchmark
import Crypto
import Foundation
import MAADCAP

/// DCAP quote verification: (a) steady state — collateral parsed and verified once, PCK chain memoised;
/// (b) everything from bytes — collateral JSON parsed and verified, fresh verifier (no chain memo);
/// and the floor — the P-256 verifications a quote needs.
/// Run from `Benchmarks/`: `swift package benchmark --target DCAPBenchmarks`.
/// Compare with dcap-qvl: `Benchmarks/scripts/dcap-compare.sh`.

let evidence = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/evidence")

struct Sample {
    let name: String
    let quote: [UInt8]
    let collateralJSON: [UInt8]
    let time: Date

    init(_ name: String, _ quote: String, _ collateral: String, _ time: TimeInterval) {
        self.name = name
        self.quote = Array((try? Data(contentsOf: evidence.appendingPathComponent(quote))) ?? Data())
        self.collateralJSON = Array((try? Data(contentsOf: evidence.appendingPathComponent(collateral))) ?? Data())
        self.time = Date(timeIntervalSince1970: time)
    }
}

let samples = [
    Sample("SGX", "sgx-dcap/dcapqvl_sgx_quote.bin", "sgx-dcap/dcapqvl_sgx_quote_collateral.json", 1_752_919_277),
    Sample("TDX", "tdx/dcapqvl_tdx_quote.bin", "tdx/dcapqvl_tdx_quote_collateral.json", 1_752_919_234),
]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds, maxDuration: .seconds(3), maxIterations: 20_000)

    for sample in samples {
        Benchmark("\(sample.name) steady state (verified collateral, memoised chain)") { benchmark in
            let verifier = DCAPVerifier()
            guard let bundle = try? CollateralBundle(jsonBytes: sample.collateralJSON),
                let collateral = try? VerifiedCollateral(bundle),
                (try? verifier.verify(quote: sample.quote, collateral: collateral, at: sample.time)) != nil
            else { fatalError("\(sample.name) does not verify") }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try? verifier.verify(quote: sample.quote, collateral: collateral, at: sample.time))
            }
        }

        Benchmark("\(sample.name) from bytes (collateral JSON + quote, no memo)") { benchmark in
            for _ in benchmark.scaledIterations {
                let verifier = DCAPVerifier(options: .init(chainCacheCapacity: 0))
                let result = try? verifier.verify(
                    quote: sample.quote, collateral: CollateralBundle(jsonBytes: sample.collateralJSON), at: sample.time)
                precondition(result != nil)
                blackHole(result)
            }
        }
    }

    // Floor: a quote needs two P-256 verifications in the steady state (QE report by the PCK key, quote by the
    // attestation key), plus the PCK leaf's and the collateral's when nothing is memoised. Measured on the real
    // SGX quote's own signature over its 432 signed bytes.
    Benchmark("floor: one P-256 ECDSA verify (SGX quote signature)") { benchmark in
        guard let quote = try? Quote(samples[0].quote),
            let key = try? P256.Signing.PublicKey(rawRepresentation: quote.attestationKey),
            let signature = try? P256.Signing.ECDSASignature(rawRepresentation: quote.signature),
            key.isValidSignature(signature, for: quote.signedBytes)
        else { fatalError("quote signature does not verify") }
        let signed = Array(quote.signedBytes)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(key.isValidSignature(signature, for: signed)) }
    }
}
