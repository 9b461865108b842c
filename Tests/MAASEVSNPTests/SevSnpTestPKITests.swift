import Crypto
import Foundation
import MAATesting
import Testing
import _CryptoExtras

@testable import MAASEVSNP

/// §9 cases marked [test PKI]: validly signed but wrong reports and certificates, under a test root injected
/// through the configurable ARK pin.
@Suite("SEV-SNP test PKI")
struct SevSnpTestPKITests {
    static let now = SevSnpEvidence.verifyTime

    static func verifier(_ pki: SevSnpTestPKI, product: SNPProduct = .milan, options: SEVSNPVerifier.Options = .init())
        -> SEVSNPVerifier
    {
        var options = options
        options.trustAnchors = AMDTrustAnchors(spkiSHA256: [product: pki.arkSPKISHA256])
        return SEVSNPVerifier(options: options)
    }

    static func verify(
        _ pki: SevSnpTestPKI, report: [UInt8], chain: [[UInt8]]? = nil, product: SNPProduct = .milan,
        options: SEVSNPVerifier.Options = .init(), crl: [UInt8]? = nil
    ) throws -> VerifiedSNPReport {
        try verifier(pki, product: product, options: options).verify(
            report: report, certificates: chain ?? pki.chain, crls: crl.map { [product: $0] } ?? [:], at: now
        )
    }

    static func signed(_ pki: SevSnpTestPKI, _ body: [UInt8]) throws -> [UInt8] {
        try SevSnpTestPKI.signReport(body, with: pki.vcekKey)
    }

    @Test func validReportVerifies() throws {
        let pki = try SevSnpTestPKI()
        let verified = try Self.verify(pki, report: try Self.signed(pki, SevSnpTestPKI.reportBody()))
        #expect(verified.product == .milan)
        #expect(verified.report.version == 3)
        #expect(verified.tcbs.reported.snp == 8)
        // The real AMD pin does not accept the test root.
        #expect(snpErrorCode {
            _ = try SEVSNPVerifier().verify(report: try Self.signed(pki, SevSnpTestPKI.reportBody()), certificates: pki.chain, at: Self.now)
        } == .untrustedRoot)
    }

    @Test func rogueASKNotSignedByThePinnedARK() throws {
        let pki = try SevSnpTestPKI()
        let rogueKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let rogueASK = try SevSnpTestPKI.certificate(
            serial: [0x01, 0x00, 0x01], issuer: SevSnpTestPKI.amdName("ARK-Milan"), subject: SevSnpTestPKI.amdName("SEV-Milan"),
            spki: Array(pki.askKey.publicKey.derRepresentation),
            extensions: [SevSnpTestPKI.basicConstraints(ca: true, pathLength: 0), SevSnpTestPKI.keyUsage(certSign: true, crlSign: false)],
            signer: rogueKey
        )
        let report = try Self.signed(pki, SevSnpTestPKI.reportBody())
        #expect(snpErrorCode { _ = try Self.verify(pki, report: report, chain: [pki.vcek, rogueASK, pki.ark]) }
            == .certificateSignatureInvalid(.ask))
    }

    @Test(arguments: [
        SevSnpTestPKI.PSS(saltLength: 32), SevSnpTestPKI.PSS(hashOID: "2.16.840.1.101.3.4.2.1"),
        SevSnpTestPKI.PSS(hashOID: "2.16.840.1.101.3.4.2.3", saltLength: 64),
    ])
    func unexpectedPSSParameters(pss: SevSnpTestPKI.PSS) throws {
        var pki = try SevSnpTestPKI()
        pki.vcek = try pki.makeVCEK(extensions: SevSnpTestPKI.vcekExtensions(), pss: pss)
        let report = try Self.signed(pki, SevSnpTestPKI.reportBody())
        #expect(snpErrorCode { _ = try Self.verify(pki, report: report) } == .certificateSignatureAlgorithmUnexpected(.vcek))
    }

    @Test func vcekClaimingCA() throws {
        var pki = try SevSnpTestPKI()
        pki.vcek = try pki.makeVCEK(extensions: SevSnpTestPKI.vcekExtensions() + [SevSnpTestPKI.basicConstraints(ca: true, pathLength: nil)])
        let report = try Self.signed(pki, SevSnpTestPKI.reportBody())
        #expect(snpErrorCode { _ = try Self.verify(pki, report: report) } == .certificateConstraintsViolated(.vcek))
        // The same CA-VCEK "signing" a second VCEK: still refused on the constraint, not accepted as a path.
        #expect(snpErrorCode { _ = try Self.verify(pki, report: report, chain: [pki.vcek, pki.vcek, pki.ask, pki.ark]) }
            == .certificateConstraintsViolated(.vcek))
    }

    @Test(arguments: [
        SevSnpTestPKI.vcekExtensions(microcode: 114), SevSnpTestPKI.vcekExtensions(snp: 9),
        SevSnpTestPKI.vcekExtensions(bootLoader: 2), SevSnpTestPKI.vcekExtensions(tee: 1),
    ])
    func certificateTCBDiffersFromReported(extensions: [SevSnpTestPKI.Extension]) throws {
        var pki = try SevSnpTestPKI()
        pki.vcek = try pki.makeVCEK(extensions: extensions)
        let report = try Self.signed(pki, SevSnpTestPKI.reportBody())
        #expect(snpErrorCode { _ = try Self.verify(pki, report: report) } == .tcbCertificateMismatch)
    }

    @Test func reportedAheadOfCurrent() throws {
        var pki = try SevSnpTestPKI()
        pki.vcek = try pki.makeVCEK(extensions: SevSnpTestPKI.vcekExtensions(snp: 9))
        let body = SevSnpTestPKI.reportBody(tcb: 0x7308_0000_0000_0003, reportedTCB: 0x7309_0000_0000_0003)
        #expect(snpErrorCode { _ = try Self.verify(pki, report: try Self.signed(pki, body)) } == .tcbInconsistent)
    }

    @Test func committedAndCurrent() throws {
        let pki = try SevSnpTestPKI()
        var ahead = SevSnpTestPKI.reportBody()
        ahead[0x1E0 + 6] = 9  // COMMITTED snp 9 > CURRENT snp 8
        #expect(snpErrorCode { _ = try Self.verify(pki, report: try Self.signed(pki, ahead)) } == .tcbInconsistent)
        var behind = SevSnpTestPKI.reportBody()
        for index in 0..<8 { behind[0x1E0 + index] = 0 }  // COMMITTED 0 (as MAA's 2022 example)
        let report = try Self.signed(pki, behind)
        _ = try Self.verify(pki, report: report)
        #expect(snpErrorCode { _ = try Self.verify(pki, report: report, options: .init(requireCommittedEqualsCurrent: true)) }
            == .tcbInconsistent)
    }

    @Test func chipBinding() throws {
        let pki = try SevSnpTestPKI()
        var other = SevSnpTestPKI.chipID
        other[63] ^= 0x01
        let mismatched = try Self.signed(pki, SevSnpTestPKI.reportBody(chipID: other))
        #expect(snpErrorCode { _ = try Self.verify(pki, report: mismatched) } == .chipIdMismatch)
        let masked = try Self.verify(pki, report: try Self.signed(pki, SevSnpTestPKI.reportBody(chipID: [UInt8](repeating: 0, count: 64))))
        #expect(masked.chipIDMasked)
    }

    @Test func malformedExtensions() throws {
        let base = SevSnpTestPKI.vcekExtensions()
        let duplicate = base + [SevSnpTestPKI.Extension(oid: "1.3.6.1.4.1.3704.1.3.8", value: SevSnpTestPKI.integer(115))]
        let spl300 = base.map { $0.oid.hasSuffix(".3.8") ? SevSnpTestPKI.Extension(oid: $0.oid, value: SevSnpTestPKI.integer(300)) : $0 }
        let short = SevSnpTestPKI.vcekExtensions(hardwareID: [UInt8](repeating: 0x11, count: 63))
        let unknown = base + [SevSnpTestPKI.Extension(oid: "1.2.3.4", value: [0x05, 0x00])]
        let noName = base.filter { !$0.oid.hasSuffix(".1.2") }
        let cases: [([SevSnpTestPKI.Extension], SEVSNPError.Code)] = [
            (duplicate, .certificateExtensionMalformed("3.8")), (spl300, .certificateExtensionMalformed("3.8")),
            (short, .certificateExtensionMalformed("hwID")), (unknown, .certificateExtensionMalformed("unexpected")),
            (noName, .certificateExtensionMalformed("2")),
        ]
        for (extensions, expected) in cases {
            var pki = try SevSnpTestPKI()
            pki.vcek = try pki.makeVCEK(extensions: extensions)
            let report = try Self.signed(pki, SevSnpTestPKI.reportBody())
            #expect(snpErrorCode { _ = try Self.verify(pki, report: report) } == expected)
        }
        // hwID wrapped in a DER OCTET STRING (snpguest's fallback) is accepted.
        var pki = try SevSnpTestPKI()
        pki.vcek = try pki.makeVCEK(extensions: SevSnpTestPKI.vcekExtensions(hardwareID: SevSnpTestPKI.tlv(0x04, SevSnpTestPKI.chipID)))
        _ = try Self.verify(pki, report: try Self.signed(pki, SevSnpTestPKI.reportBody()))
    }

    @Test func crl() throws {
        let pki = try SevSnpTestPKI()
        let report = try Self.signed(pki, SevSnpTestPKI.reportBody())
        let arkName = SevSnpTestPKI.amdName("ARK-Milan")
        let thisUpdate = Self.now.addingTimeInterval(-86_400)
        let nextUpdate = Self.now.addingTimeInterval(86_400)
        let good = try SevSnpTestPKI.crl(issuer: arkName, signer: pki.arkKey, thisUpdate: thisUpdate, nextUpdate: nextUpdate,
                                         revoked: [[0x01, 0x00, 0x05]])
        #expect(try Self.verify(pki, report: report, crl: good).revocationChecked)
        #expect(try Self.verify(pki, report: report, options: .init(requireCRL: true), crl: good).revocationChecked)

        let otherSigner = try SevSnpTestPKI.crl(issuer: arkName, signer: pki.askKey, thisUpdate: thisUpdate, nextUpdate: nextUpdate)
        #expect(snpErrorCode { _ = try Self.verify(pki, report: report, crl: otherSigner) } == .crlSignatureInvalid)
        let expired = try SevSnpTestPKI.crl(issuer: arkName, signer: pki.arkKey, thisUpdate: thisUpdate.addingTimeInterval(-86_400 * 30),
                                            nextUpdate: thisUpdate)
        #expect(snpErrorCode { _ = try Self.verify(pki, report: report, crl: expired) } == .crlExpired)
        let future = try SevSnpTestPKI.crl(issuer: arkName, signer: pki.arkKey, thisUpdate: nextUpdate,
                                           nextUpdate: nextUpdate.addingTimeInterval(86_400))
        #expect(snpErrorCode { _ = try Self.verify(pki, report: report, crl: future) } == .crlNotYetValid)
        let revoking = try SevSnpTestPKI.crl(issuer: arkName, signer: pki.arkKey, thisUpdate: thisUpdate, nextUpdate: nextUpdate,
                                             revoked: [[0x01, 0x00, 0x01]])
        #expect(snpErrorCode { _ = try Self.verify(pki, report: report, crl: revoking) } == .certificateRevoked(.ask))
        let wrongIssuer = try SevSnpTestPKI.crl(issuer: SevSnpTestPKI.amdName("SEV-Milan"), signer: pki.arkKey,
                                                thisUpdate: thisUpdate, nextUpdate: nextUpdate)
        #expect(snpErrorCode { _ = try Self.verify(pki, report: report, crl: wrongIssuer) } == .crlIssuerMismatch)
        #expect(snpErrorCode { _ = try Self.verify(pki, report: report, crl: [0x30, 0x00]) } == .crlMalformed)
    }

    @Test func debugAndVMPLAreReportedAndLeftToTheAppraisal() throws {
        let pki = try SevSnpTestPKI()
        let debug = try Self.verify(pki, report: try Self.signed(pki, SevSnpTestPKI.reportBody(policy: 0x30000 | 1 << 19)))
        #expect(debug.isDebuggable)
        #expect(snpErrorCode { try SNPAppraisalPolicy().appraise(debug) } == .debugNotAllowed)
        try SNPAppraisalPolicy(unsafeAllowDebug: true).appraise(debug)

        let vmpl2 = try Self.verify(pki, report: try Self.signed(pki, SevSnpTestPKI.reportBody(vmpl: 2)))
        #expect(vmpl2.report.vmpl == 2)
        #expect(snpErrorCode { try SNPAppraisalPolicy().appraise(vmpl2) } == .vmplNotAllowed)
        try SNPAppraisalPolicy(maximumVMPL: 2).appraise(vmpl2)

        let migrate = try Self.verify(pki, report: try Self.signed(pki, SevSnpTestPKI.reportBody(policy: 0x30000 | 1 << 18)))
        #expect(snpErrorCode { try SNPAppraisalPolicy().appraise(migrate) } == .migrationNotAllowed)
        #expect(snpErrorCode { try SNPAppraisalPolicy(expectedMeasurement: [UInt8](repeating: 0, count: 48)).appraise(migrate) }
            == .migrationNotAllowed)
        let plain = try Self.verify(pki, report: try Self.signed(pki, SevSnpTestPKI.reportBody()))
        #expect(snpErrorCode { try SNPAppraisalPolicy(expectedMeasurement: [UInt8](repeating: 0, count: 48)).appraise(plain) }
            == .measurementMismatch)
        try SNPAppraisalPolicy(expectedMeasurement: [UInt8](repeating: 0xAB, count: 48)).appraise(plain)
    }

    @Test func runtimeAndInitTimeBinding() throws {
        let pki = try SevSnpTestPKI()
        let runtime = Array("{\"keys\":[]}".utf8)
        let initTime = Array("init".utf8)
        let body = SevSnpTestPKI.reportBody(
            reportData: Array(SHA256.hash(data: runtime)) + [UInt8](repeating: 0, count: 32),
            hostData: Array(SHA256.hash(data: initTime))
        )
        let verified = try Self.verify(pki, report: try Self.signed(pki, body))
        try verified.bindRuntimeData(runtime)
        try verified.bindInitTimeData(initTime)
        #expect(snpErrorCode { try verified.bindRuntimeData(runtime + [0]) } == .runtimeDataMismatch)
        #expect(snpErrorCode { try verified.bindInitTimeData(runtime) } == .initTimeDataMismatch)
        // Bytes 32..64 of REPORT_DATA must be zero for the binding.
        var dirty = body
        dirty[0x50 + 40] = 1
        let dirtyVerified = try Self.verify(pki, report: try Self.signed(pki, dirty))
        #expect(snpErrorCode { try dirtyVerified.bindRuntimeData(runtime) } == .runtimeDataMismatch)
    }

    @Test func turinReport() throws {
        var chipID = [UInt8](repeating: 0, count: 64)
        for index in 0..<8 { chipID[index] = 0x22 }
        let pki = try SevSnpTestPKI(
            product: "Turin",
            vcekExtensions: SevSnpTestPKI.vcekExtensions(productName: "Turin", bootLoader: 2, tee: 3, snp: 4, microcode: 9, fmc: 1,
                                                         hardwareID: Array(chipID.prefix(8)))
        )
        let tcb: UInt64 = 0x0900_0000_0403_0201
        let body = SevSnpTestPKI.reportBody(tcb: tcb, chipID: chipID, family: 0x1A, model: 0x02)
        let verified = try Self.verify(pki, report: try Self.signed(pki, body), product: .turin)
        #expect(verified.product == .turin)
        #expect(verified.tcbs.reported.fmc == 1 && verified.tcbs.reported.snp == 4 && verified.tcbs.reported.bootLoader == 2)
        // Turin's CHIP_ID uses 8 bytes; the rest must be zero.
        var wide = chipID
        wide[20] = 1
        #expect(snpErrorCode {
            _ = try Self.verify(pki, report: try Self.signed(pki, SevSnpTestPKI.reportBody(tcb: tcb, chipID: wide, family: 0x1A, model: 0x02)),
                                product: .turin)
        } == .chipIdMismatch)
        // A version 2 Turin report is refused (no CPUID; Turin needs v3+).
        #expect(snpErrorCode {
            _ = try Self.verify(pki, report: try Self.signed(pki, SevSnpTestPKI.reportBody(version: 2, tcb: tcb, chipID: chipID)),
                                product: .turin)
        } == .unsupportedReportVersion)
        // A Turin report (CPUID) with a Milan chain.
        let milan = try SevSnpTestPKI()
        #expect(snpErrorCode {
            _ = try Self.verify(milan, report: try Self.signed(milan, SevSnpTestPKI.reportBody(family: 0x1A, model: 0x02)))
        } == .productMismatch)
    }

    @Test func vlek() throws {
        let pki = try SevSnpTestPKI()
        let asvk = try SevSnpTestPKI.certificate(
            serial: [0x01, 0x00, 0x02], issuer: SevSnpTestPKI.amdName("ARK-Milan"), subject: SevSnpTestPKI.amdName("SEV-VLEK-Milan"),
            spki: Array(pki.askKey.publicKey.derRepresentation),
            extensions: [SevSnpTestPKI.basicConstraints(ca: true, pathLength: 0), SevSnpTestPKI.keyUsage(certSign: true, crlSign: false)],
            signer: pki.arkKey
        )
        let vlekExtensions = SevSnpTestPKI.vcekExtensions(productName: "Milan").filter { !$0.oid.hasSuffix(".1.4") }
            + [SevSnpTestPKI.Extension(oid: "1.3.6.1.4.1.3704.1.5", value: SevSnpTestPKI.tlv(0x16, Array("Azure".utf8)))]
        let vlek = try SevSnpTestPKI.certificate(
            serial: [0x00], issuer: SevSnpTestPKI.amdName("SEV-VLEK-Milan"), subject: SevSnpTestPKI.amdName("SEV-VLEK"),
            spki: Array(pki.vcekKey.publicKey.derRepresentation), extensions: vlekExtensions, signer: pki.askKey,
            notBefore: SevSnpTestPKI.vcekNotBefore, notAfter: SevSnpTestPKI.vcekNotAfter
        )
        var body = SevSnpTestPKI.reportBody()
        body[0x48] = 1 << 2
        let report = try Self.signed(pki, body)
        let verified = try Self.verify(pki, report: report, chain: [vlek, asvk, pki.ark])
        #expect(verified.signingKey == .vlek)
        #expect(verified.leafExtensions.cspID == "Azure")
        // A VCEK-signed report with only a VLEK chain, and a VLEK-signed report with a VCEK chain.
        #expect(snpErrorCode { _ = try Self.verify(pki, report: try Self.signed(pki, SevSnpTestPKI.reportBody()), chain: [vlek, asvk, pki.ark]) }
            == .signingKeyMismatch)
        #expect(snpErrorCode { _ = try Self.verify(pki, report: report) } == .vlekMissing)
    }
}
