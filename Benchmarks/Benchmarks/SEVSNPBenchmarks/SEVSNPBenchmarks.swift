import Benchmark
import Crypto
import Foundation
import MAASEVSNP
import _CryptoExtras

/// SEV-SNP report verification from bytes: MAA's evidence document (base64 + JSON + PEM), the AMD chain
/// (ARK self-signature, ARK → ASK, ASK → VCEK: three RSASSA-PSS/SHA-384 verifications, RSA-4096), the report's
/// ECDSA P-384 signature, chip and TCB checks — nothing cached between iterations. The floors are the four
/// signature verifications alone.
/// Run from `Benchmarks/`: `swift package benchmark --target SEVSNPBenchmarks`.

let evidence = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/evidence/sev-snp/virtee-sev")

func file(_ name: String) -> [UInt8] {
    Array((try? Data(contentsOf: evidence.appendingPathComponent(name))) ?? Data())
}

func pemBlocks(_ text: String) -> [[UInt8]] {
    text.components(separatedBy: "-----END CERTIFICATE-----").compactMap { block in
        guard let start = block.range(of: "-----BEGIN CERTIFICATE-----") else { return nil }
        let body = block[start.upperBound...].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(body)).map { Array($0) }
    }
}

let time = Date(timeIntervalSince1970: 1_680_636_223)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds, maxDuration: .seconds(3), maxIterations: 20_000)

    let reportHex = String(decoding: file("report_milan.hex"), as: UTF8.self).filter { !$0.isWhitespace }
    var report: [UInt8] = []
    var index = reportHex.startIndex
    while index < reportHex.endIndex, let next = reportHex.index(index, offsetBy: 2, limitedBy: reportHex.endIndex),
        let byte = UInt8(reportHex[index..<next], radix: 16)
    {
        report.append(byte)
        index = next
    }
    let chain = [file("vcek_milan.der")] + pemBlocks(String(decoding: file("cert_chain_milan"), as: UTF8.self))
    let document = SNPEvidenceEnvelope(report: report, certificates: chain).jsonDocument()

    Benchmark("SEV-SNP Milan from bytes (evidence document: envelope, chain, report)") { benchmark in
        let verifier = SEVSNPVerifier()
        guard (try? verifier.verify(evidenceDocument: document, at: time)) != nil else { fatalError("the evidence does not verify") }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try? verifier.verify(evidenceDocument: document, at: time))
        }
    }

    Benchmark("SEV-SNP Milan from bytes (report + DER chain, no envelope)") { benchmark in
        let verifier = SEVSNPVerifier()
        for _ in benchmark.scaledIterations {
            blackHole(try? verifier.verify(report: report, certificates: chain, at: time))
        }
    }

    // Floors: the ARK's self-signature (one RSA-4096 PSS/SHA-384 verification; the chain needs three) and the
    // report's P-384 signature.
    Benchmark("floor: one RSA-4096 PSS/SHA-384 verify (ARK self-signature)") { benchmark in
        guard let ark = try? AMDCertificate(derEncoded: chain[2]),
            let key = try? _RSA.Signing.PublicKey(derRepresentation: ark.subjectPublicKeyInfo)
        else { fatalError("no ARK") }
        let signature = _RSA.Signing.RSASignature(rawRepresentation: ark.signature)
        let tbs = ark.tbsBytes
        guard key.isValidSignature(signature, for: SHA384.hash(data: tbs), padding: .PSS) else { fatalError("ARK") }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(key.isValidSignature(signature, for: SHA384.hash(data: tbs), padding: .PSS))
        }
    }

    Benchmark("floor: one P-384 ECDSA verify (the report signature)") { benchmark in
        guard let vcek = try? AMDCertificate(derEncoded: chain[0]),
            let key = try? P384.Signing.PublicKey(derRepresentation: vcek.subjectPublicKeyInfo),
            let parsed = try? SNPAttestationReport(report),
            let signature = try? P384.Signing.ECDSASignature(rawRepresentation: parsed.signatureR + parsed.signatureS)
        else { fatalError("no VCEK") }
        let signed = Array(parsed.signedBytes)
        guard key.isValidSignature(signature, for: SHA384.hash(data: signed)) else { fatalError("report") }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(key.isValidSignature(signature, for: SHA384.hash(data: signed)))
        }
    }
}
