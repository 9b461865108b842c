import Benchmark
import Crypto
import Foundation
import MAAJOSE
import MAAModels
import MAAWire
import _CryptoExtras

/// The recorded MAA attestation token and the `/certs` of its instance, from `../shared/maa-data/recordings`
/// (extracted by `Benchmarks/scripts/extract-jose-fixture.py` into `.build/jose-fixture.json`).
struct Fixture {
    let token: String
    let jwks: [UInt8]

    static func load() -> Fixture {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent(".build/jose-fixture.json").path
        guard let data = FileManager.default.contents(atPath: path),
            let value = try? JSONValue(parsing: Array(data)),
            let token = value["token"]?.stringValue, let jwks = value["jwks"]?.stringValue
        else { fatalError("run Benchmarks/scripts/jose-compare.sh (it writes \(path) first)") }
        return Fixture(token: token, jwks: Array(jwks.utf8))
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .cpuTotal, .mallocCountTotal], maxDuration: .seconds(5),
                                           maxIterations: 1_000_000)
    let fixture = Fixture.load()
    let signers = try! AttestationSigner.signers(from: JWKS(parsing: fixture.jwks))
    let issuedAt = try! AttestationToken(compact: fixture.token).issuedAt!

    Benchmark("Validate recorded MAA token (parse + RS256 verify + claims decode)") { benchmark in
        var options = TokenValidationOptions.at(issuedAt)
        options.issuer = "https://pylarryoattestationaad.wus.attest.azure.net"
        for _ in benchmark.scaledIterations {
            let token = try AttestationToken(compact: fixture.token)
            try token.validate(signers: signers, options: options)
            blackHole(try AttestationResult(token: token))
        }
    }

    Benchmark("Parse + claims decode only (no signature)") { benchmark in
        for _ in benchmark.scaledIterations {
            let token = try AttestationToken(compact: fixture.token)
            blackHole(try AttestationResult(token: token))
        }
    }

    // The physical floor: one RSA-2048 PKCS#1 v1.5 SHA-256 verification over the same signing input.
    let parsed = try! AttestationToken(compact: fixture.token)
    let signingInput = parsed.jws.signingInput
    let signature = _RSA.Signing.RSASignature(rawRepresentation: parsed.jws.signature)
    let leaf = signers.first { $0.keyID == parsed.keyID }!
    let rsaKey = _RSA.Signing.PublicKey(leaf.certificates[0].publicKey)!
    Benchmark("Bare RSA-2048 PKCS#1 v1.5 verify (SHA-256 of the signing input included)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(rsaKey.isValidSignature(signature, for: SHA256.hash(data: signingInput), padding: .insecurePKCS1v1_5))
        }
    }

    let digest = SHA256.hash(data: signingInput)
    Benchmark("Bare RSA-2048 PKCS#1 v1.5 verify (precomputed digest)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(rsaKey.isValidSignature(signature, for: digest, padding: .insecurePKCS1v1_5))
        }
    }
}
