/// The SGX enclave report body (384 bytes, `sgx_report_body_t`): the ISV enclave report in SGX quotes and the
/// QE report in every quote's signature data.
public struct SGXReportBody: Hashable, Sendable {
    /// Size in bytes.
    public static let size = 384

    public let cpuSVN: Measurement
    public let miscSelect: UInt32
    public let isvExtendedProductID: Measurement
    public let attributes: SGXAttributes
    public let mrEnclave: Measurement
    public let mrSigner: Measurement
    public let configID: Measurement
    public let isvProductID: UInt16
    public let isvSVN: UInt16
    public let configSVN: UInt16
    public let isvFamilyID: Measurement
    public let reportData: Measurement
    /// The 384 raw bytes (shares storage with the quote).
    public let rawBytes: ArraySlice<UInt8>

    /// Whether the enclave runs in debug mode (ATTRIBUTES.FLAGS bit 1).
    public var isDebuggable: Bool { attributes.isDebug }

    /// Parses exactly 384 bytes.
    init(_ raw: ArraySlice<UInt8>) throws(DCAPError) {
        var r = ByteReader(Array(raw))
        guard r.remaining == Self.size else { throw DCAPError(.quoteTruncated, "SGX report body needs 384 bytes") }
        cpuSVN = Measurement(try r.read(16))
        miscSelect = try r.u32()
        _ = try r.read(12)
        isvExtendedProductID = Measurement(try r.read(16))
        attributes = SGXAttributes(Array(try r.read(16)))
        mrEnclave = Measurement(try r.read(32))
        _ = try r.read(32)
        mrSigner = Measurement(try r.read(32))
        _ = try r.read(32)
        configID = Measurement(try r.read(64))
        isvProductID = try r.u16()
        isvSVN = try r.u16()
        configSVN = try r.u16()
        _ = try r.read(42)
        isvFamilyID = Measurement(try r.read(16))
        reportData = Measurement(try r.read(64))
        rawBytes = raw
    }
}

/// SGX enclave ATTRIBUTES (FLAGS ‖ XFRM, 16 bytes).
public struct SGXAttributes: Hashable, Sendable {
    /// The 16 raw bytes.
    public let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// FLAGS, little-endian u64 of bytes 0–7.
    public var flags: UInt64 { ByteReader.u64(bytes.prefix(8)) }
    /// XFRM, little-endian u64 of bytes 8–15.
    public var xfrm: UInt64 { ByteReader.u64(bytes.dropFirst(8)) }
    /// FLAGS bit 1: the enclave is debuggable.
    public var isDebug: Bool { flags & 0x2 != 0 }
    /// FLAGS bit 2: 64-bit mode.
    public var isMode64Bit: Bool { flags & 0x4 != 0 }
    /// FLAGS bit 7: Key Separation and Sharing enabled (the KSS claims apply).
    public var hasKSS: Bool { flags & 0x80 != 0 }
}
