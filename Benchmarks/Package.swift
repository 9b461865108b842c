// swift-tools-version: 6.1
// Benchmarks for swift-attestation, kept in their own package so the main build stays lean.
// Run from this directory: `swift package benchmark` (all) or `swift package benchmark --target JOSEBenchmarks`.
import PackageDescription

let benchmarkDependencies: [Target.Dependency] = [
    .product(name: "Benchmark", package: "benchmark"),
]

func benchmarkTarget(_ name: String, _ products: [String], extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: benchmarkDependencies + products.map { .product(name: $0, package: "swift-attestation") } + extra,
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "swift-attestation", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        benchmarkTarget("JOSEBenchmarks", ["MAAJOSE", "MAAModels", "MAAWire"], extra: [
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        benchmarkTarget("DCAPBenchmarks", ["MAADCAP"]),
        benchmarkTarget("PolicyBenchmarks", ["MAAPolicy"]),
        benchmarkTarget("ServiceBenchmarks", ["MAADCAP", "MAAJOSE", "MAAService", "MAAWire"], extra: [
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        benchmarkTarget("ClientBenchmarks", ["MAAClient", "MAAJOSE", "MAAModels", "MAAWire"]),
        benchmarkTarget("SEVSNPBenchmarks", ["MAASEVSNP"], extra: [
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
    ]
)
