import Foundation
import MAATesting
import Testing
import _CryptoExtras

@testable import MAASEVSNP

/// Parsers never trap: truncations and flipped bytes over the whole report, each certificate and the envelope
/// give a typed error or a result. (A trap fails the whole test process.)
@Suite("SEV-SNP mutation (no trap on any input)")
struct SevSnpMutationTests {
    /// Parses a certificate the way verification does: the reader, the leaf extensions, the constraints.
    static func parseCertificate(_ der: [UInt8]) {
        guard let certificate = try? AMDCertificate(derEncoded: der) else { return }
        _ = try? VCEKExtensions(certificate)
        _ = try? CertificateConstraints(certificate, role: .vcek)
        _ = RSAPSSProfile.matches(certificate.signatureAlgorithm)
        _ = certificate.subject.isAMDName(commonName: "SEV-VCEK")
    }

    @Test func everyReportTruncationAndFlip() throws {
        let report = try SevSnpEvidence.milanReport()
        for length in 0..<report.count {
            #expect(throws: SEVSNPError.self) { _ = try SNPAttestationReport(report.prefix(length)) }
        }
        var rejected = 0
        for offset in 0..<report.count {
            var flipped = report
            flipped[offset] ^= 0x80
            if let parsed = try? SNPAttestationReport(flipped, compatVersion1: offset < 4) {
                _ = try? parsed.cpuidProduct()
                _ = parsed.tcbs(product: .milan)
                _ = parsed.tcbs(product: .turin)
            } else {
                rejected += 1
            }
        }
        #expect(rejected > 0)
    }

    @Test func sampledReportFlipsNeverVerify() throws {
        let report = try SevSnpEvidence.milanReport()
        let chain = try SevSnpEvidence.milanChain()
        let verifier = SEVSNPVerifier()
        for offset in stride(from: 0, to: report.count, by: 37) {
            var flipped = report
            flipped[offset] ^= 0x01
            #expect(throws: SEVSNPError.self, "offset \(offset)") {
                _ = try verifier.verify(report: flipped, certificates: chain, at: SevSnpEvidence.verifyTime)
            }
        }
    }

    @Test(arguments: ["vcek_milan.der", "vcek_turin.der"])
    func everyCertificateTruncationAndFlip(name: String) throws {
        let der = try SevSnpEvidence.der(name)
        try Self.exercise(der)
    }

    @Test(arguments: ["milan_ark.pem", "milan_ask.pem", "turin_ask.pem"])
    func everyRootTruncationAndFlip(name: String) throws {
        try Self.exercise(try #require(try SevSnpEvidence.pem(name).first))
    }

    static func exercise(_ der: [UInt8]) throws {
        for length in 0..<der.count {
            #expect(throws: SEVSNPError.self) { _ = try AMDCertificate(derEncoded: Array(der.prefix(length))) }
        }
        for offset in 0..<der.count {
            var flipped = der
            flipped[offset] ^= 0xFF
            parseCertificate(flipped)
        }
    }

    @Test func randomMutationsOfChainsEnvelopesAndCRLs() throws {
        var rng = SplitMix64(seed: 0x5E5_5A9)
        let chain = try SevSnpEvidence.milanChain()
        let document = SNPEvidenceEnvelope(report: try SevSnpEvidence.milanReport(), certificates: chain).jsonDocument()
        let pki = try SevSnpTestPKI()
        let crl = try SevSnpTestPKI.crl(
            issuer: SevSnpTestPKI.amdName("ARK-Milan"), signer: pki.arkKey, thisUpdate: SevSnpEvidence.verifyTime,
            nextUpdate: SevSnpEvidence.verifyTime.addingTimeInterval(86_400), revoked: [[1, 2, 3], [4, 5]]
        )
        for length in 0..<crl.count {
            #expect(throws: SEVSNPError.self) { _ = try AMDCRL(derEncoded: Array(crl.prefix(length))) }
        }
        for _ in 0..<1_500 {
            let mutatedChain = chain.map { Self.mutate($0, &rng) }
            _ = try? AMDCertificateChain(derCertificates: mutatedChain, signingKey: .vcek)
            _ = try? SNPEvidenceEnvelope(json: Self.mutate(document, &rng))
            _ = try? AMDCRL(derEncoded: Self.mutate(crl, &rng))
            Self.parseCertificate(Self.mutate(chain[Int(rng.next() % 3)], &rng))
        }
        for length in stride(from: 0, to: document.count, by: 7) {
            #expect(throws: SEVSNPError.self) { _ = try SNPEvidenceEnvelope(json: Array(document.prefix(length))) }
        }
    }

    @Test func mutatedChainsNeverVerify() throws {
        var rng = SplitMix64(seed: 0xC4A1_2)
        let report = try SevSnpEvidence.milanReport()
        let chain = try SevSnpEvidence.milanChain()
        let verifier = SEVSNPVerifier()
        for round in 0..<120 {
            var mutated = chain
            let which = round % 3
            mutated[which] = Self.mutate(chain[which], &rng)
            guard mutated[which] != chain[which] else { continue }
            #expect(throws: SEVSNPError.self, "round \(round)") {
                _ = try verifier.verify(report: report, certificates: mutated, at: SevSnpEvidence.verifyTime)
            }
        }
        // Signatures of the wrong length (truncated BIT STRING content) are invalid, not a trap.
        for (index, role) in [(0, AMDCertificateRole.vcek), (1, .ask)] {
            let certificate = try AMDCertificate(derEncoded: chain[index])
            #expect(!RSAPSSProfile.isValid(signature: Array(certificate.signature.dropLast()), message: certificate.tbsBytes,
                                           key: try _RSA.Signing.PublicKey(derRepresentation: try AMDCertificate(derEncoded: chain[index + 1]).subjectPublicKeyInfo)),
                    "\(role)")
        }
    }

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<(Int(rng.next() % 3) + 1) {
            guard !bytes.isEmpty else { break }
            let at = Int(rng.next() % UInt64(bytes.count))
            switch rng.next() % 5 {
            case 0: bytes[at] ^= UInt8(1 << (rng.next() % 8))
            case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 2: bytes = Array(bytes.prefix(at))
            case 3: bytes.insert(contentsOf: (0..<Int(rng.next() % 8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            default: bytes.remove(at: at)
            }
        }
        return bytes
    }
}
