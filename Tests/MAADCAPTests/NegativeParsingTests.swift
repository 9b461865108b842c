import Foundation
import MAATesting
import Testing

@testable import MAADCAP

/// Spec §9 "Parsing and header", "Quote signature", "QE": mutations of the real evidence files.
@Suite("Negative: parsing, signatures and time (real evidence)")
struct NegativeParsingTests {
    let sgxRun = EvidenceRun.all[0]
    let tdxRun = EvidenceRun.all[4]
    let v5Run = EvidenceRun.all[7]

    func sgx() throws -> [UInt8] { try SharedData.bytes(sgxRun.quote) }
    func tdx() throws -> [UInt8] { try SharedData.bytes(tdxRun.quote) }
    func v5() throws -> [UInt8] { try SharedData.bytes(v5Run.quote) }

    func verify(_ bytes: [UInt8], _ run: EvidenceRun, at: TimeInterval? = nil) throws -> VerifiedQuote {
        let bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(run.collateral))
        return try DCAPVerifier().verify(quote: bytes, collateral: bundle, at: Date(timeIntervalSince1970: at ?? run.time))
    }

    func expect(_ code: DCAPError.Code, _ bytes: [UInt8], _ run: EvidenceRun, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: DCAPError(code), sourceLocation: sourceLocation) { try verify(bytes, run) }
    }

    @Test(arguments: [0, 47, 1019])
    func truncated(length: Int) throws {
        expect(.quoteTruncated, Array(try sgx().prefix(length)), sgxRun)
        expect(.quoteTruncated, Array(try tdx().prefix(length)), tdxRun)
    }

    @Test func truncatedInsideSignatureData() throws {
        let q = try sgx()
        expect(.quoteTruncated, Array(q.prefix(q.count - 1)), sgxRun)
    }

    @Test(arguments: [UInt16(2), 6])
    func unsupportedVersion(version: UInt16) throws {
        var q = try sgx()
        q[0] = UInt8(version)
        expect(.unsupportedQuoteVersion, q, sgxRun)
    }

    @Test func tdxWithVersion3() throws {
        var q = try tdx()
        q[0] = 3
        expect(.teeTypeVersionMismatch, q, tdxRun)
    }

    @Test func v5BodyTypeContradictsTEE() throws {
        var q = try v5()
        q[48] = 1  // SGX body in a TDX quote
        expect(.teeTypeVersionMismatch, q, v5Run)
        var s = try v5()
        s[4] = 0  // tee_type SGX with TD body type 3
        expect(.teeTypeVersionMismatch, s, v5Run)
        s[48] = 2  // tee_type SGX with TD body type 2
        expect(.teeTypeVersionMismatch, s, v5Run)
    }

    @Test(arguments: [UInt8(4), 9])
    func v5UnsupportedBodyType(type: UInt8) throws {
        var q = try v5()
        q[48] = type
        expect(.unsupportedBodyType, q, v5Run)
    }

    @Test func v5BodySizeMismatch() throws {
        var q = try v5()
        q[50] = 0x48; q[51] = 0x02  // 584 for body type 3
        expect(.bodySizeMismatch, q, v5Run)
        var r = try v5()
        r[53] ^= 0x80  // high byte of body_size
        expect(.bodySizeMismatch, r, v5Run)
    }

    @Test func attestationKeyType3() throws {
        var q = try sgx()
        q[2] = 3
        expect(.unsupportedAttestationKeyType, q, sgxRun)
    }

    @Test func teeType0x80() throws {
        var q = try tdx()
        q[4] = 0x80
        expect(.unsupportedTeeType, q, tdxRun)
    }

    @Test func qeVendorChanged() throws {
        var q = try sgx()
        q[12] ^= 1
        expect(.unknownQeVendor, q, sgxRun)
    }

    @Test func signatureDataLengthGigabytes() throws {
        var q = try sgx()
        q.replaceSubrange(432..<436, with: [0xFF, 0xFF, 0xFF, 0xFF])
        expect(.quoteTruncated, q, sgxRun)
    }

    /// v3 offsets: D = 436; QE auth size at D+576; cert type at D+578+N; cert size at D+580+N.
    @Test(arguments: [[UInt8(33), 0], [0xFF, 0xFF]])
    func qeAuthSizeWrong(size: [UInt8]) throws {
        var q = try sgx()
        q.replaceSubrange((436 + 576)..<(436 + 578), with: size)
        expect(.signatureDataMalformed, q, sgxRun)
    }

    @Test func certificationDataSizeWrong() throws {
        var q = try sgx()
        let at = 436 + 580 + 32
        var plusOne = q
        plusOne[at] &+= 1
        expect(.signatureDataMalformed, plusOne, sgxRun)
        q.replaceSubrange(at..<(at + 4), with: [0xFF, 0xFF, 0xFF, 0xFF])
        expect(.signatureDataMalformed, q, sgxRun)
    }

    /// v4 TDX offsets: D = 636; outer type at D+128, size at D+130; inner type at D+134+450+N.
    @Test func v4OuterTypeNot6() throws {
        var q = try tdx()
        q[636 + 128] = 5
        expect(.unsupportedCertificationDataType, q, tdxRun)
    }

    @Test(arguments: [UInt8(7), 6])
    func v4InnerType(type: UInt8) throws {
        var q = try tdx()
        q[636 + 134 + 450 + 32] = type
        expect(.unsupportedCertificationDataType, q, tdxRun)
    }

    @Test func extraBytesInsideType6() throws {
        let q = try tdx()
        let sigLen = Int(q[632]) | Int(q[633]) << 8 | Int(q[634]) << 16 | Int(q[635]) << 24
        let end = 636 + sigLen
        var mutated = Array(q[..<end]) + [0xAA] + Array(q[end...])
        // Adjust sig_data_len and the outer size, not the inner size.
        mutated.replaceSubrange(632..<636, with: le32(sigLen + 1))
        let outer = 636 + 130
        let outerSize = Int(mutated[outer]) | Int(mutated[outer + 1]) << 8 | Int(mutated[outer + 2]) << 16
        mutated.replaceSubrange(outer..<(outer + 4), with: le32(outerSize + 1))
        expect(.signatureDataMalformed, mutated, tdxRun)
    }

    @Test func trailingBytesAreIgnored() throws {
        let q = try sgx() + [UInt8](repeating: 0, count: 1024)
        let verified = try verify(q, sgxRun)
        #expect(verified.tcbStatus == .configurationAndSWHardeningNeeded)
        #expect(verified.advisoryIDs == sgxRun.advisories)
    }

    @Test func certType3WithoutCollateralChain() throws {
        var q = try sgx()
        q[436 + 578 + 32] = 3
        expect(.pckChainUnavailable, q, sgxRun)
        // With the chain supplied by the collateral (`pck_certificate_chain`), the same quote verifies.
        var bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(sgxRun.collateral))
        let original = try Quote(try sgx())
        bundle.pckCertificateChain = String(decoding: original.certificationData.data.filter { $0 != 0 }, as: UTF8.self)
        let verified = try DCAPVerifier().verify(quote: q, collateral: bundle, at: Date(timeIntervalSince1970: sgxRun.time))
        #expect(verified.tcbStatus == .configurationAndSWHardeningNeeded)
    }

    // MARK: PEM chain shape

    func replaceChain(_ q: [UInt8], _ pem: [UInt8]) -> [UInt8] {
        let certAt = 436 + 584 + 32
        var out = Array(q[..<certAt]) + pem
        out.replaceSubrange(432..<436, with: le32(584 + 32 + pem.count))
        out.replaceSubrange((certAt - 4)..<certAt, with: le32(pem.count))
        return out
    }

    func blocks(_ q: [UInt8]) throws -> [String] {
        let quote = try Quote(q)
        let text = String(decoding: quote.certificationData.data.filter { $0 != 0 }, as: UTF8.self)
        return text.components(separatedBy: "-----END CERTIFICATE-----").dropLast().map { $0.trimmingCharacters(in: .whitespacesAndNewlines) + "\n-----END CERTIFICATE-----\n" }
    }

    @Test func chainShapes() throws {
        let q = try sgx()
        let b = try blocks(q)
        #expect(b.count == 3)
        #expect(try verify(replaceChain(q, Array(b.joined().utf8)), sgxRun).tcbStatus == .configurationAndSWHardeningNeeded)
        for bad in [
            [b[0], b[1]], [b[0], b[1], b[2], b[2]], [b[2], b[0], b[1]], [b[0], "garbage\n", b[1], b[2]],
        ] {
            expect(.pckChainMalformed, replaceChain(q, Array(bad.joined().utf8)), sgxRun)
        }
    }

    // MARK: Signatures

    @Test(arguments: [48 + 64, 48 + 320, 30])  // MRENCLAVE, REPORTDATA, header user_data
    func sgxSignedRegionFlip(offset: Int) throws {
        var q = try sgx()
        q[offset] ^= 1
        expect(.quoteSignatureInvalid, q, sgxRun)
    }

    @Test func tdxRTMR0Flip() throws {
        var q = try tdx()
        q[48 + 328] ^= 1
        expect(.quoteSignatureInvalid, q, tdxRun)
    }

    @Test func v5TeeTCBSVN2Flip() throws {
        var q = try v5()
        q[54 + 584 + 3] ^= 1
        expect(.quoteSignatureInvalid, q, v5Run)
    }

    @Test func quoteSignatureByteFlipped() throws {
        var q = try sgx()
        q[436 + 10] ^= 1
        expect(.quoteSignatureInvalid, q, sgxRun)
    }

    @Test func attestationKeyNotOnCurve() throws {
        var q = try sgx()
        // x‖y = 0‖0 is not a P-256 point. The QE report data no longer matches either, so compare the order:
        // report data binding (step 11) precedes the key decoding (step 14).
        q.replaceSubrange((436 + 64)..<(436 + 128), with: [UInt8](repeating: 0, count: 64))
        expect(.qeReportDataMismatch, q, sgxRun)
    }

    @Test func qeReportByteChanged() throws {
        var q = try sgx()
        q[436 + 128 + 64] ^= 1
        expect(.qeReportSignatureInvalid, q, sgxRun)
    }

    @Test func qeReportSignatureByteChanged() throws {
        var q = try tdx()
        q[636 + 134 + 384 + 5] ^= 1
        expect(.qeReportSignatureInvalid, q, tdxRun)
    }

    @Test func qeAuthDataChanged() throws {
        var q = try sgx()
        q[436 + 578] ^= 1
        expect(.qeReportDataMismatch, q, sgxRun)
    }

    // MARK: Time

    @Test func pckCRLExpiredAlone() throws {
        // TDX run0: the PCK CRL (nextUpdate 10:00:35) is the first item to expire.
        #expect(throws: DCAPError(.crlExpired(.pck))) { try verify(try tdx(), tdxRun, at: 1_752_919_236) }
    }

    @Test func fortyDaysLater() throws {
        #expect(throws: DCAPError.self) { try verify(try sgx(), sgxRun, at: sgxRun.time + 40 * 86_400) }
    }

    @Test func collateralBoundaries() throws {
        // SGX run0: TCB Info issued 2025-06-19T10:56:11Z; QE Identity nextUpdate 2025-07-19T10:01:18Z.
        let issue = RFC3339.parse("2025-06-19T10:56:11Z")?.timeIntervalSince1970 ?? 0
        let qeNext = RFC3339.parse("2025-07-19T10:01:18Z")?.timeIntervalSince1970 ?? 0
        #expect(throws: DCAPError(.collateralNotYetValid(.tcbInfo))) { try verify(try sgx(), sgxRun, at: issue - 1) }
        #expect(try verify(try sgx(), sgxRun, at: issue).tcbStatus == .configurationAndSWHardeningNeeded)
        #expect(throws: DCAPError(.collateralExpired(.qeIdentity))) { try verify(try sgx(), sgxRun, at: qeNext + 1) }
    }

    @Test func pckCertificateExpiredOrNotYetValid() throws {
        // The PCK certificate of the v4 TDX quote is valid from 2025-02-06T23:25:51Z; use collateral checks'
        // own windows: verify the chain alone.
        let quote = try Quote(try tdx())
        let chain = try PCKChain(pem: quote.certificationData.data, anchor: .intel)
        #expect(throws: DCAPError(.certificateNotYetValid(.pck))) {
            try chain.checkValidity(at: Date(timeIntervalSince1970: 1_738_884_350))
        }
        #expect(throws: DCAPError(.certificateExpired(.pck))) {
            try chain.checkValidity(at: Date(timeIntervalSince1970: 1_959_722_752))
        }
    }
}
