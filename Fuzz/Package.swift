// swift-tools-version: 6.1
// libFuzzer targets for the DCAP quote and collateral parsers, kept out of the main build and test path.
// Build and run with `./run.sh SECONDS` (needs a toolchain with `-sanitize=fuzzer`, i.e. Linux).
import PackageDescription

let package = Package(
    name: "fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "swift-attestation", path: ".."),
    ],
    targets: [
        // The entry points: libFuzzer's driver with the executable's LLVMFuzzerTestOneInput.
        .target(name: "FuzzerEntry"),
        // Quote parsing, OpenEnclave report parsing and full verification of each parsed quote against real collateral.
        .executableTarget(
            name: "QuoteFuzzer",
            dependencies: ["FuzzerEntry", .product(name: "MAADCAP", package: "swift-attestation")]
        ),
        // Collateral bundle JSON, TCB Info, QE Identity, PCS responses and CRLs.
        .executableTarget(
            name: "CollateralFuzzer",
            dependencies: [
                "FuzzerEntry",
                .product(name: "MAADCAP", package: "swift-attestation"),
                .product(name: "MAAPKI", package: "swift-attestation"),
            ]
        ),
    ]
)
