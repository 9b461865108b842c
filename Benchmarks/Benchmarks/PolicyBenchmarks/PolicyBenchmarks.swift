import Benchmark
import MAAPolicy

/// The incoming claims MAA derives from the recorded SGX quote (`shared/maa-data/sgx/facts.json`), as in the
/// policy tests: the six SGX claims and their `$` aliases.
let recordedQuoteClaims: [Claim] = {
    let mrsigner = "2c1a44952ae8207135c6c29b75b8c029372ee94b677e15c20bd42340f10d41aa"
    let mrenclave = "b779202618becb636768e5d902f28d524222735fafb539ea9ba07c3fc171a1c2"
    return [
        Claim(type: "x-ms-sgx-is-debuggable", value: .boolean(false)),
        Claim(type: "x-ms-sgx-product-id", value: .integer(1)),
        Claim(type: "x-ms-sgx-mrsigner", value: .string(mrsigner)),
        Claim(type: "x-ms-sgx-mrenclave", value: .string(mrenclave)),
        Claim(type: "x-ms-sgx-svn", value: .integer(1)),
        Claim(type: "x-ms-attestation-type", value: .string("sgx")),
        Claim(type: "$is-debuggable", value: .boolean(false)),
        Claim(type: "$product-id", value: .integer(1)),
        Claim(type: "$sgx-mrsigner", value: .string(mrsigner)),
        Claim(type: "$sgx-mrenclave", value: .string(mrenclave)),
        Claim(type: "$svn", value: .integer(1)),
        Claim(type: "$tee", value: .string("sgx")),
    ]
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        maxDuration: .seconds(2)
    )

    let sharedText = DefaultPolicies.sharedInstance

    Benchmark("Parse shared default policy") { benchmark in
        let parser = PolicyParser()
        for _ in benchmark.scaledIterations {
            blackHole(try parser.parse(sharedText))
        }
    }

    Benchmark("Compile shared default policy (parse + compile + hash)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try AttestationPolicy(text: sharedText))
        }
    }

    Benchmark("Evaluate shared default policy, recorded quote claims") { benchmark in
        let policy = try AttestationPolicy(text: sharedText)
        let claims = recordedQuoteClaims
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try policy.evaluate(claims))
        }
    }

    Benchmark("Evaluate documented 1.1 SGX default, recorded quote claims") { benchmark in
        let policy = try AttestationPolicy(text: DefaultPolicies.sgxDocumented)
        let claims = recordedQuoteClaims
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try policy.evaluate(claims))
        }
    }

    Benchmark("Evaluate minimal permit-all policy, recorded quote claims") { benchmark in
        let policy = try AttestationPolicy(text: DefaultPolicies.minimalPermitAll)
        let claims = recordedQuoteClaims
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try policy.evaluate(claims))
        }
    }

    Benchmark("Explain shared default policy, recorded quote claims") { benchmark in
        let policy = try AttestationPolicy(text: sharedText)
        let claims = recordedQuoteClaims
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(policy.explain(claims))
        }
    }

    Benchmark("x-ms-policy-hash of shared default policy") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(PolicyHash.compute(sharedText))
        }
    }
}
