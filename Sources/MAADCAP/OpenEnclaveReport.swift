/// An OpenEnclave remote report as MAA's `/attest/OpenEnclave` receives it: a 16-byte header
/// (`version` u32 = 1, `report_type` u32 = 2 remote, `report_size` u64) followed by an SGX quote.
public struct OpenEnclaveReport: Sendable {
    /// The whole report, header included (what MAA's `quotehash` covers).
    public let bytes: [UInt8]
    /// The embedded quote bytes.
    public let quoteBytes: [UInt8]

    /// Parses the header; the quote itself is parsed by ``Quote``.
    public init(_ bytes: [UInt8]) throws(DCAPError) {
        var r = ByteReader(bytes)
        let invalid = DCAPError.Code.openEnclaveHeaderInvalid
        let version = try r.u32(invalid)
        let type = try r.u32(invalid)
        let size = try r.u64(invalid)
        guard version == 1 else { throw DCAPError(invalid, "OE report version \(version)") }
        guard type == 2 else { throw DCAPError(invalid, "OE report type \(type) is not SGX remote (2)") }
        guard size == UInt64(r.remaining) else {
            throw DCAPError(invalid, "report_size \(size) but \(r.remaining) bytes follow the header")
        }
        self.bytes = bytes
        self.quoteBytes = Array(bytes[16...])
    }
}
