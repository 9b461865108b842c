import MAAWire

/// The certificate table a host supplies beside an extended report (Linux `SNP_GET_EXT_REPORT`, GHCB extended
/// guest request; §1): 24-byte entries `{GUID (16 bytes, RFC 4122 order), offset u32 LE, length u32 LE}` ended by
/// an all-zero entry, offsets counted from the start of the table.
///
/// Every offset and length is checked against the table's size before anything is read; certificates may not
/// overlap the entries. Unknown GUIDs are kept (a host may add its own blobs) but are not AMD certificates.
public struct SNPCertificateTable: Sendable, Hashable {
    /// One entry: its GUID (lowercase canonical text) and the bytes it points to.
    public struct Entry: Sendable, Hashable {
        public let guid: String
        public let bytes: [UInt8]
    }

    public static let vcekGUID = "63da758d-e664-4564-adc5-f4b93be8accd"
    public static let vlekGUID = "a8074bc2-a25a-483e-aae6-39c045a0b8a1"
    public static let askGUID = "4ab7b379-bbac-4fe4-a02f-05aef327c782"
    public static let arkGUID = "c0b406a4-a803-4952-9743-3fb6014cd0ae"

    public let entries: [Entry]

    /// Parses a table (at most `maximumEntries` entries before the terminator).
    /// - Throws: `certificateTableMalformed`.
    public init(_ bytes: [UInt8], maximumEntries: Int = 16) throws(SEVSNPError) {
        var raw: [(guid: ArraySlice<UInt8>, offset: Int, length: Int)] = []
        var position = 0
        while true {
            guard bytes.count - position >= 24 else {
                throw SEVSNPError(.certificateTableMalformed, "no all-zero terminator entry")
            }
            let entry = bytes[position..<(position + 24)]
            position += 24
            if entry.allSatisfy({ $0 == 0 }) { break }
            guard raw.count < maximumEntries else {
                throw SEVSNPError(.certificateTableMalformed, "more than \(maximumEntries) entries")
            }
            func u32(_ at: Int) -> Int {
                var value = 0
                for index in (0..<4).reversed() { value = value << 8 | Int(entry[entry.startIndex + at + index]) }
                return value
            }
            raw.append((entry.prefix(16), u32(16), u32(20)))
        }
        var entries: [Entry] = []
        for (guid, offset, length) in raw {
            // Ints hold any u32 sum, so the bounds arithmetic cannot overflow.
            guard length > 0, offset >= position, offset <= bytes.count, length <= bytes.count - offset else {
                throw SEVSNPError(
                    .certificateTableMalformed, "entry \(Self.text(guid)) points outside the table (offset \(offset), length \(length))"
                )
            }
            let text = Self.text(guid)
            guard !entries.contains(where: { $0.guid == text }) else {
                throw SEVSNPError(.certificateTableMalformed, "GUID \(text) appears twice")
            }
            entries.append(Entry(guid: text, bytes: Array(bytes[offset..<(offset + length)])))
        }
        self.entries = entries
    }

    /// The AMD certificates the table holds, leaf first: VCEK or VLEK, then ASK, then ARK (those present).
    public var amdCertificates: [[UInt8]] {
        [Self.vcekGUID, Self.vlekGUID, Self.askGUID, Self.arkGUID].compactMap { guid in
            entries.first { $0.guid == guid }?.bytes
        }
    }

    private static func text(_ guid: ArraySlice<UInt8>) -> String {
        let hex = Hex.encode(guid)
        var result = ""
        for (index, character) in hex.enumerated() {
            if [8, 12, 16, 20].contains(index) { result.append("-") }
            result.append(character)
        }
        return result
    }
}

extension SNPEvidenceEnvelope {
    /// An envelope from an extended report: the 1184-byte report followed by its certificate table.
    ///
    /// The ASK/ASVK and ARK may be missing from the table (hosts often supply only the VCEK); the verifier then
    /// refuses the chain, so add them (e.g. from AMD KDS's `cert_chain`) before verifying.
    public init(extendedReport bytes: [UInt8]) throws(SEVSNPError) {
        guard bytes.count > SNPAttestationReport.size else {
            throw SEVSNPError(.certificateTableMalformed, "no certificate table after the report")
        }
        let table = try SNPCertificateTable(Array(bytes[SNPAttestationReport.size...]))
        let certificates = table.amdCertificates
        guard !certificates.isEmpty else { throw SEVSNPError(.certificateTableMalformed, "the table holds no AMD certificate") }
        self.init(report: Array(bytes.prefix(SNPAttestationReport.size)), certificates: certificates)
    }
}
