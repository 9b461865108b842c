// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "swift-attestation",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "MAAWire", targets: ["MAAWire"]),
        .library(name: "MAAJOSE", targets: ["MAAJOSE"]),
        .library(name: "MAAPKI", targets: ["MAAPKI"]),
        .library(name: "MAAModels", targets: ["MAAModels"]),
        .library(name: "MAADCAP", targets: ["MAADCAP"]),
        .library(name: "MAASEVSNP", targets: ["MAASEVSNP"]),
        .library(name: "MAAPolicy", targets: ["MAAPolicy"]),
        .library(name: "MAAService", targets: ["MAAService"]),
        .library(name: "MAAClient", targets: ["MAAClient"]),
        .executable(name: "attest", targets: ["AttestCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Test support only: reads the recorded MAA traffic (vcrpy YAML).
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // Test support only: runs the `attest` executable as a child process without blocking a thread.
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
    ],
    targets: [
        // Encodings and bounded readers: base64url, hex, a strict JSON value model. No dependencies.
        .target(name: "MAAWire", swiftSettings: swiftSettings),
        // JWS / JWT / JWK / JWKS on swift-crypto, token validation.
        .target(
            name: "MAAJOSE",
            dependencies: [
                "MAAWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // MAA REST data-plane wire models shared by the client and the server.
        .target(name: "MAAModels", dependencies: ["MAAWire", "MAAJOSE"], swiftSettings: swiftSettings),
        // What swift-certificates lacks: CRLs, revocation policy, vendor extensions.
        .target(
            name: "MAAPKI",
            dependencies: [
                "MAAWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // Intel SGX / TDX DCAP quotes, OpenEnclave reports, collateral and verification.
        .target(
            name: "MAADCAP",
            dependencies: [
                "MAAWire", "MAAPKI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // AMD SEV-SNP attestation reports: parser, AMD certificate chain (RSASSA-PSS), VCEK checks, verification.
        .target(
            name: "MAASEVSNP",
            dependencies: [
                "MAAWire", "MAAPKI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // DCAP collateral over HTTP from a PCCS / Intel PCS (v4 API); MAADCAP verifies everything fetched.
        .target(
            name: "MAACollateralFetch",
            dependencies: [
                "MAADCAP", "MAAPKI", "MAAWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // The MAA attestation policy language: lexer, parser, evaluator, explain mode.
        .target(
            name: "MAAPolicy",
            dependencies: ["MAAWire", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The service core: instances, storage protocols, attestation use cases, token issuance.
        .target(
            name: "MAAService",
            dependencies: [
                "MAAWire", "MAAJOSE", "MAAModels", "MAADCAP", "MAASEVSNP", "MAAPolicy",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Embedded SQLite storage for the service (the default for `attest serve`).
        .target(
            name: "MAAStorageSQLite",
            dependencies: [
                "MAAService",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Hummingbird adapter: routes, api-version, MAA error JSON, auth, body limits, metrics.
        .target(
            name: "MAAServer",
            dependencies: [
                "MAAService", "MAAWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The client library (never depends on the server).
        .target(
            name: "MAAClient",
            dependencies: [
                "MAAWire", "MAAJOSE", "MAAModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        // Shared test fixtures: paths to ../shared, recorded exchanges, test PKIs.
        .target(
            name: "MAATesting",
            dependencies: [
                "MAAWire", "MAAJOSE", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The `attest` command-line tool.
        .executableTarget(
            name: "AttestCLI",
            dependencies: [
                "MAAWire", "MAAJOSE", "MAAModels", "MAADCAP", "MAAPolicy", "MAAService", "MAAClient",
                "MAAStorageSQLite", "MAAServer", "MAACollateralFetch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MAAWireTests", dependencies: ["MAAWire", "MAATesting"], swiftSettings: swiftSettings),
        // Runs the built `attest` executable: the command-line contracts (exit codes, JSON shapes).
        .testTarget(name: "AttestCLITests", dependencies: ["AttestCLI", "MAATesting", "MAAWire"], swiftSettings: swiftSettings),
        .testTarget(name: "MAAJOSETests", dependencies: ["MAAJOSE", "MAAModels", "MAATesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MAAPKITests",
            dependencies: [
                "MAAPKI", "MAATesting", "MAAWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MAADCAPTests",
            dependencies: [
                "MAADCAP", "MAAPKI", "MAATesting", "MAAWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MAASEVSNPTests",
            dependencies: [
                "MAASEVSNP", "MAATesting", "MAAWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MAACollateralFetchTests",
            dependencies: [
                "MAACollateralFetch", "MAADCAP", "MAAService", "MAATesting", "MAAWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MAAPolicyTests", dependencies: ["MAAPolicy", "MAATesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MAAServiceTests",
            dependencies: [
                "MAAService", "MAAStorageSQLite", "MAATesting", "MAAJOSE", "MAAWire", "MAADCAP", "MAAPolicy", "MAASEVSNP",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MAAServerTests",
            dependencies: [
                "MAAServer", "MAAService", "MAATesting", "MAAJOSE", "MAAWire", "MAADCAP", "MAASEVSNP",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // MAAClient and the remote `attest` commands against this project's own server over loopback.
        .testTarget(
            name: "CompatibilityTests",
            dependencies: [
                "MAAClient", "MAAServer", "MAAService", "MAADCAP", "MAAJOSE", "MAAModels", "MAAWire", "MAATesting",
                "AttestCLI", "MAASEVSNP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MAAClientTests",
            dependencies: [
                "MAAClient", "MAAJOSE", "MAAModels", "MAAWire", "MAATesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
