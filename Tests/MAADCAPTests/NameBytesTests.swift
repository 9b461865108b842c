@testable import MAADCAP
import MAAPKI
import MAATesting
import Testing
import X509

/// Name comparisons by DER bytes (with the parsed names as fallback) agree with comparing parsed names, for
/// every pair of real Intel certificates and test-PKI certificates; and Intel's names match the constants'
/// encodings byte for byte, so the byte comparison is what settles them.
@Suite("Certificate names by bytes")
struct NameBytesTests {
    static func certificates() throws -> [Certificate] {
        var result: [Certificate] = []
        var spec: SGXExtensionSpec?
        for run in EvidenceRun.all where !run.openEnclave {
            let quote = try Quote(try SharedData.bytes(run.quote))
            let chain = try PCKChain(pem: quote.certificationData.data, anchor: .intel)
            let bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(run.collateral))
            result += [chain.leaf, chain.intermediate, chain.root]
            spec = SGXExtensionSpec(from: chain.sgxExtension)
            result += try PEMCertificates.certificates(Array(bundle.tcbInfoIssuerChain.utf8))
        }
        let pki = try TestPKI(caKind: .platform)
        result += [pki.root, pki.ca, pki.tcbSigning]
        if let spec { result.append(try pki.pckLeaf(spec)) }
        return result
    }

    @Test func byteComparisonAgreesWithParsedNames() throws {
        let certs = try Self.certificates()
        for a in certs {
            let an = try #require(IntelPKI.names(a))
            for b in certs {
                let bn = try #require(IntelPKI.names(b))
                #expect(IntelPKI.sameName(an.subject, bn.issuer) { a.subject == b.issuer } == (a.subject == b.issuer))
                #expect(IntelPKI.sameName(an.subject, bn.subject) { a.subject == b.subject } == (a.subject == b.subject))
                // Without the fallback, equal bytes never claim equality for different names.
                if PEMChain.sameBytes(an.subject, bn.issuer) { #expect(a.subject == b.issuer) }
            }
        }
    }

    @Test func intelNamesMatchTheConstantsByteForByte() throws {
        let run = EvidenceRun.all[4]
        let quote = try Quote(try SharedData.bytes(run.quote))
        let chain = try PCKChain(pem: quote.certificationData.data, anchor: .intel)
        let bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(run.collateral))
        let signing = try PEMCertificates.certificates(Array(bundle.tcbInfoIssuerChain.utf8))[0]
        let cases: [(Certificate, [UInt8])] = [
            (chain.root, IntelPKI.rootNameDER), (chain.leaf, IntelPKI.pckNameDER), (signing, IntelPKI.tcbSigningNameDER),
            (chain.intermediate, chain.intermediate.subject == IntelPKI.platformCAName ? IntelPKI.platformCANameDER : IntelPKI.processorCANameDER),
        ]
        for (cert, der) in cases {
            #expect(!der.isEmpty)
            #expect(PEMChain.sameBytes(try #require(IntelPKI.names(cert)).subject, der[...]), "\(cert.subject)")
        }
        let crl = try CertificateRevocationList(derEncoded: bundle.pckCRL)
        #expect(PEMChain.sameBytes(crl.issuerBytes, try #require(IntelPKI.names(chain.intermediate)).subject))
    }

    @Test func malformedTBSGivesNoNames() {
        #expect(CertificateNameBytes(tbsCertificate: [0x30, 0x00]) == nil)
        #expect(CertificateNameBytes(tbsCertificate: []) == nil)
        #expect(CertificateNameBytes(tbsCertificate: [0x30, 0x03, 0x02, 0x01, 0x01]) == nil)
    }
}
