import Foundation
import MAATesting
import MAAWire
import Testing

@testable import MAASEVSNP

@Suite("SEV-SNP known answers")
struct SevSnpKnownAnswerTests {
    @Test func milanReportVerifiesAndMatchesTheOracle() throws {
        let verified = try SevSnpEvidence.verifyMilan()
        let oracle = try JSONValue(parsing: try SharedData.bytes(SevSnpEvidence.directory + "expected-report_milan.oracle.json"))
        guard let fields = oracle["fields"] else { Issue.record("oracle without fields"); return }
        let report = verified.report
        #expect(report.bytes.count == oracle["size"]?.integerValue.map(Int.init))
        #expect(Int64(report.version) == fields["version"]?.integerValue)
        #expect(Int64(report.guestSVN) == fields["guest_svn"]?.integerValue)
        #expect("0x" + String(report.policy.raw, radix: 16) == fields["policy"]?.stringValue)
        #expect(Hex.encode(report.familyID) == fields["family_id"]?.stringValue)
        #expect(Hex.encode(report.imageID) == fields["image_id"]?.stringValue)
        #expect(Int64(report.vmpl) == fields["vmpl"]?.integerValue)
        #expect(Int64(report.signatureAlgorithm) == fields["signature_algo"]?.integerValue)
        #expect("0x" + String(report.platformInfo.raw, radix: 16) == fields["platform_info"]?.stringValue)
        #expect("0x" + String(report.signerInfo.raw, radix: 16) == fields["signer_info(author_key_en etc)"]?.stringValue)
        #expect(Hex.encode(report.reportData) == fields["report_data"]?.stringValue)
        #expect(Hex.encode(report.measurement) == fields["measurement"]?.stringValue)
        #expect(Hex.encode(report.hostData) == fields["host_data"]?.stringValue)
        #expect(Hex.encode(report.idKeyDigest) == fields["id_key_digest"]?.stringValue)
        #expect(Hex.encode(report.authorKeyDigest) == fields["author_key_digest"]?.stringValue)
        #expect(Hex.encode(report.reportID) == fields["report_id"]?.stringValue)
        #expect(Hex.encode(report.reportIDMA) == fields["report_id_ma"]?.stringValue)
        #expect(Hex.encode(report.chipID) == fields["chip_id"]?.stringValue)
        let firmware: [JSONValue] = [
            .integer(Int64(report.currentFirmware.build)), .integer(Int64(report.currentFirmware.minor)),
            .integer(Int64(report.currentFirmware.major)),
        ]
        #expect(fields["current_build_minor_major"]?.arrayValue == firmware)
        let committed: [JSONValue] = [
            .integer(Int64(report.committedFirmware.build)), .integer(Int64(report.committedFirmware.minor)),
            .integer(Int64(report.committedFirmware.major)),
        ]
        #expect(fields["committed_build_minor_major"]?.arrayValue == committed)
        let tcbs: [(String, TCBVersion)] = [
            ("current_tcb", verified.tcbs.current), ("reported_tcb", verified.tcbs.reported),
            ("committed_tcb", verified.tcbs.committed), ("launch_tcb", verified.tcbs.launch),
        ]
        for (name, tcb) in tcbs {
            let expected = fields[name]
            #expect("0x" + String(tcb.raw, radix: 16) == expected?["raw"]?.stringValue, "\(name)")
            #expect(Int64(tcb.bootLoader) == expected?["bootloader"]?.integerValue, "\(name)")
            #expect(Int64(tcb.tee) == expected?["tee"]?.integerValue, "\(name)")
            #expect(Int64(tcb.snp) == expected?["snp"]?.integerValue, "\(name)")
            #expect(Int64(tcb.microcode) == expected?["microcode"]?.integerValue, "\(name)")
            #expect(tcb.fmc == nil)
        }
        // The rest of §5 step 13.
        #expect(verified.product == .milan)
        #expect(verified.signingKey == .vcek)
        #expect(verified.certificateTCB.hasSameComponents(as: verified.tcbs.reported))
        #expect(verified.revocationChecked == false)
        #expect(verified.chipIDMasked == false)
        #expect(verified.policy.smtAllowed && !verified.policy.debug && !verified.policy.migrateMA)
        #expect(verified.platformInfo.smtEnabled)
        #expect(verified.leafExtensions.productName == "Milan-B0")
        #expect(verified.leafExtensions.hardwareID == report.chipID)
        #expect(verified.leafExtensions.structureVersion == 0)
        #expect(verified.chain.leaf.serialNumber == [0])
    }

    @Test func milanVCEKCertificateFields() throws {
        let vcek = try AMDCertificate(derEncoded: try SevSnpEvidence.der("vcek_milan.der"))
        #expect(vcek.subject.commonName == "SEV-VCEK")
        #expect(vcek.issuer.commonName == "SEV-Milan")
        #expect(vcek.notBefore == Date(timeIntervalSince1970: 1_680_549_823))
        #expect(vcek.notAfter == Date(timeIntervalSince1970: 1_901_474_623))
        #expect(vcek.subject.isAMDName(commonName: "SEV-VCEK"))
        #expect(RSAPSSProfile.matches(vcek.signatureAlgorithm))
    }

    @Test func turinVCEKParses() throws {
        let vcek = try AMDCertificate(derEncoded: try SevSnpEvidence.der("vcek_turin.der"))
        let extensions = try VCEKExtensions(vcek)
        #expect(extensions.productName == "Turin")
        #expect(extensions.structureVersion == 1)
        #expect(extensions.fmcSPL == 0)
        #expect(extensions.microcodeSPL == 9)
        #expect(extensions.hardwareID?.count == 8)
        #expect(Hex.encode(extensions.hardwareID ?? []) == "1e550a8ee5cf9f4d")
        #expect(vcek.extensions(withOID: "1.3.6.1.4.1.3704.1.3.4").isEmpty)
        let tcb = try extensions.tcb(product: .turin)
        #expect(tcb.fmc == 0 && tcb.microcode == 9)
        #expect(tcb.raw == 0x0900_0000_0000_0000)
    }

    @Test func turinChainVerifiesUnderTheTurinPinOnly() throws {
        let time = Date(timeIntervalSince1970: 1_750_000_000)  // 2025-06-15
        let verified = try SEVSNPVerifier().verifyChain(certificates: try SevSnpEvidence.turinChain(), product: .turin, at: time)
        #expect(verified.chain.product == .turin)
        #expect(verified.extensions.productName == "Turin")
        // With the Milan key pinned for Turin, the Turin ARK is not trusted.
        let wrongPin = AMDTrustAnchors(spkiSHA256: [.turin: AMDTrustAnchors.amd.spkiSHA256[.milan] ?? []])
        let code = snpErrorCode {
            _ = try SEVSNPVerifier(options: .init(trustAnchors: wrongPin))
                .verifyChain(certificates: try SevSnpEvidence.turinChain(), product: .turin, at: time)
        }
        #expect(code == .untrustedRoot)
        // And it is not a Milan chain.
        #expect(snpErrorCode {
            _ = try SEVSNPVerifier().verifyChain(certificates: try SevSnpEvidence.turinChain(), product: .milan, at: time)
        } == .productMismatch)
    }

    @Test(arguments: ["milan", "genoa", "turin"])
    func builtInRootsMatchThePins(family: String) throws {
        let ark = try SevSnpEvidence.pem("\(family)_ark.pem")
        let ask = try SevSnpEvidence.pem("\(family)_ask.pem")
        let product = try #require(SNPProduct.allCases.first { $0.rawValue.lowercased() == family })
        let certificate = try AMDCertificate(derEncoded: try #require(ark.first))
        #expect(Hex.encode(SHA256Digest.of(certificate.subjectPublicKeyInfo)) == Hex.encode(AMDTrustAnchors.amd.spkiSHA256[product] ?? []))
        let askCertificate = try AMDCertificate(derEncoded: try #require(ask.first))
        #expect(askCertificate.issuer == certificate.subject)
        #expect(askCertificate.subject.commonName == "SEV-\(product.rawValue)")
    }

    @Test func milanTCBLayout() {
        let tcb = TCBVersion(raw: 0x7308_0000_0000_0003, product: .milan)
        #expect(tcb.bootLoader == 3 && tcb.tee == 0 && tcb.snp == 8 && tcb.microcode == 115 && tcb.fmc == nil)
        #expect(TCBVersion(product: .milan, bootLoader: 3, tee: 0, snp: 8, microcode: 115).raw == 0x7308_0000_0000_0003)
        let turin = TCBVersion(raw: 0x0900_0000_0403_0201, product: .turin)
        #expect(turin.fmc == 1 && turin.bootLoader == 2 && turin.tee == 3 && turin.snp == 4 && turin.microcode == 9)
    }

    @Test(arguments: [
        (UInt8(0x19), UInt8(0x01), SNPProduct?.some(.milan)), (0x19, 0x11, .genoa), (0x19, 0xA0, .genoa),
        (0x1A, 0x02, .turin), (0x1A, 0x50, nil), (0x1A, 0x90, nil), (0x17, 0x01, nil),
    ])
    func cpuidIdentification(family: UInt8, model: UInt8, product: SNPProduct?) {
        #expect(SNPProduct.identify(family: family, model: model) == product)
    }
}

import Crypto

enum SHA256Digest {
    static func of(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
}
