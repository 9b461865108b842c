import Foundation
import MAATesting
import MAAWire
import Testing

@testable import MAASEVSNP

/// §1's Linux extended report: report + GUID table, every offset and length bounds-checked.
@Suite("SEV-SNP certificate table")
struct SevSnpCertificateTableTests {
    static func guid(_ text: String) -> [UInt8] { (try? Hex.decode(text.filter { $0 != "-" })) ?? [] }

    static func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// A table of `items` (GUID text, bytes) laid out after the entries and the terminator.
    static func table(_ items: [(String, [UInt8])]) -> [UInt8] {
        var offset = (items.count + 1) * 24
        var header: [UInt8] = []
        var body: [UInt8] = []
        for (guid, bytes) in items {
            header += Self.guid(guid) + le32(offset) + le32(bytes.count)
            body += bytes
            offset += bytes.count
        }
        return header + [UInt8](repeating: 0, count: 24) + body
    }

    @Test func extendedReportVerifies() throws {
        let chain = try SevSnpEvidence.milanChain()
        // ARK first and an unknown GUID: the roles come from the GUIDs, not the order.
        let table = Self.table([
            (SNPCertificateTable.arkGUID, chain[2]), ("00112233-4455-6677-8899-aabbccddeeff", [1, 2, 3]),
            (SNPCertificateTable.vcekGUID, chain[0]), (SNPCertificateTable.askGUID, chain[1]),
        ])
        let envelope = try SNPEvidenceEnvelope(extendedReport: try SevSnpEvidence.milanReport() + table)
        #expect(envelope.certificates == chain)
        let parsed = try SNPCertificateTable(table)
        #expect(parsed.entries.count == 4)
        #expect(parsed.entries[1].guid == "00112233-4455-6677-8899-aabbccddeeff")
        _ = try SEVSNPVerifier().verify(report: envelope.report, certificates: envelope.certificates, at: SevSnpEvidence.verifyTime)
    }

    @Test func malformedTables() throws {
        let vcek = Self.guid(SNPCertificateTable.vcekGUID)
        let zero = [UInt8](repeating: 0, count: 24)
        let cases: [[UInt8]] = [
            [],  // no terminator
            vcek + Self.le32(48) + Self.le32(4),  // no terminator after the entry
            vcek + Self.le32(48) + Self.le32(4) + zero + [1, 2, 3],  // length past the end
            vcek + Self.le32(48) + Self.le32(0) + zero + [1],  // empty
            vcek + Self.le32(0) + Self.le32(24) + zero,  // overlapping the entries
            vcek + Self.le32(0xFFFF_FFFF) + Self.le32(0xFFFF_FFFF) + zero,  // extreme values
            vcek + Self.le32(72) + Self.le32(1) + vcek + Self.le32(72) + Self.le32(1) + zero + [9],  // duplicate GUID
        ]
        for table in cases {
            #expect(snpErrorCode { _ = try SNPCertificateTable(table) } == .certificateTableMalformed)
        }
        let many = [UInt8]((0..<20).flatMap { index in Self.guid(String(format: "%08x-0000-0000-0000-000000000000", index + 1)) + Self.le32(0) + Self.le32(1) }) + zero
        #expect(snpErrorCode { _ = try SNPCertificateTable(many) } == .certificateTableMalformed)
        #expect(snpErrorCode { _ = try SNPEvidenceEnvelope(extendedReport: try SevSnpEvidence.milanReport()) } == .certificateTableMalformed)
        let onlyUnknown = Self.table([("00112233-4455-6677-8899-aabbccddeeff", [1])])
        #expect(snpErrorCode { _ = try SNPEvidenceEnvelope(extendedReport: try SevSnpEvidence.milanReport() + onlyUnknown) }
            == .certificateTableMalformed)
    }

    @Test func everyTruncationOfATable() throws {
        let chain = try SevSnpEvidence.milanChain()
        let table = Self.table([(SNPCertificateTable.vcekGUID, chain[0]), (SNPCertificateTable.askGUID, chain[1])])
        for length in 0..<table.count {
            _ = try? SNPCertificateTable(Array(table.prefix(length)))
        }
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            var mutated = table
            mutated[Int(rng.next() % UInt64(min(72, mutated.count)))] = UInt8(truncatingIfNeeded: rng.next())
            _ = try? SNPCertificateTable(mutated)
        }
    }
}
