import Foundation
import Testing

@testable import MAASEVSNP

/// §9 "Report format": one change to the Milan evidence, one expected error.
@Suite("SEV-SNP report format")
struct SevSnpReportFormatTests {
    static func mutated(_ change: (inout [UInt8]) -> Void) throws -> [UInt8] {
        var report = try SevSnpEvidence.milanReport()
        change(&report)
        return report
    }

    static func put32(_ value: UInt32, at offset: Int, in report: inout [UInt8]) {
        for index in 0..<4 { report[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
    }

    @Test(arguments: [(0, SEVSNPError.Code.reportTruncated), (1183, .reportTruncated), (1185, .reportMalformed("size"))])
    func size(count: Int, expected: SEVSNPError.Code) throws {
        let report = try SevSnpEvidence.milanReport()
        let bytes = count <= report.count ? Array(report.prefix(count)) : report + [0]
        #expect(snpErrorCode { _ = try SNPAttestationReport(bytes) } == expected)
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(report: bytes) } == expected)
    }

    @Test(arguments: [UInt32(0), 1, 6, 0xFFFF_FFFF])
    func unsupportedVersion(version: UInt32) throws {
        let report = try Self.mutated { Self.put32(version, at: 0, in: &$0) }
        #expect(snpErrorCode { _ = try SNPAttestationReport(report) } == .unsupportedReportVersion)
    }

    @Test func version1OnlyWithTheCompatSwitch() throws {
        let report = try Self.mutated { Self.put32(1, at: 0, in: &$0) }
        let parsed = try SNPAttestationReport(report, compatVersion1: true)
        #expect(parsed.version == 1 && parsed.cpuid == nil)
        // The signature covers VERSION, so the changed report no longer verifies even with the switch.
        #expect(snpErrorCode {
            _ = try SevSnpEvidence.verifyMilan(report: report, options: .init(compatVersion1: true))
        } == .reportSignatureInvalid)
    }

    @Test func signatureAlgorithm2() throws {
        let report = try Self.mutated { Self.put32(2, at: 0x34, in: &$0) }
        #expect(snpErrorCode { _ = try SNPAttestationReport(report) } == .unsupportedSignatureAlgorithm)
    }

    @Test(arguments: [
        (UInt32(3 << 2), SEVSNPError.Code.reportMalformed("signerInfo")), (7 << 2, .reportUnsigned),
        (1 << 5, .reportMalformed("signerInfo")), (1 << 31, .reportMalformed("signerInfo")),
    ])
    func signerInfo(value: UInt32, expected: SEVSNPError.Code) throws {
        let report = try Self.mutated { Self.put32(value, at: 0x48, in: &$0) }
        #expect(snpErrorCode { _ = try SNPAttestationReport(report) } == expected)
    }

    @Test func policyReservedBits() throws {
        let cleared = try Self.mutated { $0[0x0A] &= ~0x02 }  // bit 17
        #expect(snpErrorCode { _ = try SNPAttestationReport(cleared) } == .reportMalformed("policy"))
        let bit40 = try Self.mutated { $0[0x08 + 5] |= 0x01 }  // bit 40
        #expect(snpErrorCode { _ = try SNPAttestationReport(bit40) } == .reportMalformed("policy"))
        let bit26 = try Self.mutated { $0[0x08 + 3] |= 0x04 }  // bit 26
        #expect(snpErrorCode { _ = try SNPAttestationReport(bit26) } == .reportMalformed("policy"))
    }

    @Test(arguments: [0x04C, 0x188, 0x19F, 0x1EB, 0x1EF, 0x208, 0x250, 0x29F, 0x330, 0x400, 0x49F])
    func mustBeZero(offset: Int) throws {
        let report = try Self.mutated { $0[offset] = 0x01 }
        #expect(snpErrorCode { _ = try SNPAttestationReport(report) } == .reportMalformed("reserved"))
    }

    @Test func cpuidBytesAreReservedOnlyInVersion2() throws {
        // 0x188..0x18A carry CPUID from version 3 on; in a version 2 report they must be zero (tested above).
        var body = try Self.mutated { Self.put32(3, at: 0, in: &$0) }
        body[0x188] = 0x19
        body[0x189] = 0x01
        let parsed = try SNPAttestationReport(body)
        #expect(parsed.cpuid?.family == 0x19)
        #expect(try parsed.cpuidProduct() == .milan)
        body[0x188] = 0x1A
        body[0x189] = 0x50  // Venice
        #expect(snpErrorCode { _ = try SNPAttestationReport(body).cpuidProduct() } == .unsupportedProduct)
    }

    @Test(arguments: [0x2A0 + 48, 0x2A0 + 60, 0x2A0 + 71, 0x2E8 + 48, 0x2E8 + 71])
    func signatureHighBytes(offset: Int) throws {
        let report = try Self.mutated { $0[offset] = 0x01 }
        #expect(snpErrorCode { _ = try SNPAttestationReport(report) } == .reportMalformed("signature"))
    }

    @Test(arguments: [0x15, 0x00 + 4, 0x50, 0x90, 0x1A0, 0x29F - 0x98, 0x180])
    func signedByteFlipped(offset: Int) throws {
        let report = try Self.mutated { $0[offset] ^= 0x01 }
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(report: report) } == .reportSignatureInvalid)
    }

    @Test(arguments: [0x2A0, 0x2A0 + 20, 0x2E8, 0x2E8 + 47])
    func signatureByteFlipped(offset: Int) throws {
        let report = try Self.mutated { $0[offset] ^= 0x01 }
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(report: report) } == .reportSignatureInvalid)
    }

    @Test func vlekSignerWithOnlyAVCEK() throws {
        let report = try Self.mutated { Self.put32(1 << 2, at: 0x48, in: &$0) }
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(report: report) } == .vlekMissing)
    }

    @Test func minimumTCBIsComponentWise() throws {
        // snp 9 > 8 although the minimum's u64 is smaller than the report's (microcode 0 vs 115).
        let minimum = MinimumTCB(bootLoader: 3, tee: 0, snp: 9, microcode: 0)
        #expect(snpErrorCode {
            _ = try SevSnpEvidence.verifyMilan(options: .init(minimumTCB: [.milan: minimum]))
        } == .tcbBelowMinimum)
        #expect(snpErrorCode {
            _ = try SevSnpEvidence.verifyMilan(options: .init(minimumLaunchTCB: [.milan: minimum]))
        } == .tcbBelowMinimum)
        _ = try SevSnpEvidence.verifyMilan(options: .init(minimumTCB: [.milan: MinimumTCB(bootLoader: 3, snp: 8, microcode: 115)]))
        // A minimum for another product does not apply.
        _ = try SevSnpEvidence.verifyMilan(options: .init(minimumTCB: [.genoa: minimum]))
    }

    @Test func bindings() throws {
        let verified = try SevSnpEvidence.verifyMilan()
        #expect(snpErrorCode { try verified.bindRuntimeData([1, 2, 3]) } == .runtimeDataMismatch)
        #expect(snpErrorCode { try verified.bindInitTimeData([1, 2, 3]) } == .initTimeDataMismatch)
    }
}
