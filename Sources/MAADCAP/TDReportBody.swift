/// The TD report body of a TDX quote: version 1.0 (584 bytes) or 1.5 (648 bytes, adds TEE_TCB_SVN2 and
/// MRSERVICETD).
public struct TDReportBody: Hashable, Sendable {
    /// Size of a TD report 1.0 body.
    public static let size10 = 584
    /// Size of a TD report 1.5 body.
    public static let size15 = 648

    /// TEE_TCB_SVN: byte 0 TDX module minor SVN, byte 1 module major version, then per TCB Info.
    public let teeTCBSVN: Measurement
    public let mrSeam: Measurement
    public let mrSignerSeam: Measurement
    public let seamAttributes: Measurement
    public let tdAttributes: TDAttributes
    public let xfam: Measurement
    public let mrTD: Measurement
    public let mrConfigID: Measurement
    public let mrOwner: Measurement
    public let mrOwnerConfig: Measurement
    /// RTMR0 … RTMR3.
    public let rtmrs: [Measurement]
    public let reportData: Measurement
    /// TEE_TCB_SVN2 (TD report 1.5 only).
    public let teeTCBSVN2: Measurement?
    /// MRSERVICETD (TD report 1.5 only).
    public let mrServiceTD: Measurement?

    /// Whether this is a 1.5 body.
    public var isVersion15: Bool { teeTCBSVN2 != nil }

    init(_ raw: ArraySlice<UInt8>) throws(DCAPError) {
        var r = ByteReader(Array(raw))
        guard r.remaining == Self.size10 || r.remaining == Self.size15 else {
            throw DCAPError(.bodySizeMismatch, "TD report body of \(r.remaining) bytes")
        }
        teeTCBSVN = Measurement(try r.read(16))
        mrSeam = Measurement(try r.read(48))
        mrSignerSeam = Measurement(try r.read(48))
        seamAttributes = Measurement(try r.read(8))
        tdAttributes = TDAttributes(Array(try r.read(8)))
        xfam = Measurement(try r.read(8))
        mrTD = Measurement(try r.read(48))
        mrConfigID = Measurement(try r.read(48))
        mrOwner = Measurement(try r.read(48))
        mrOwnerConfig = Measurement(try r.read(48))
        var rtmrs: [Measurement] = []
        for _ in 0..<4 { rtmrs.append(Measurement(try r.read(48))) }
        self.rtmrs = rtmrs
        reportData = Measurement(try r.read(64))
        if r.remaining > 0 {
            teeTCBSVN2 = Measurement(try r.read(16))
            mrServiceTD = Measurement(try r.read(48))
        } else {
            teeTCBSVN2 = nil
            mrServiceTD = nil
        }
    }
}

/// TD ATTRIBUTES (u64, little-endian).
public struct TDAttributes: Hashable, Sendable {
    /// The 8 raw bytes, as stored in the quote.
    public let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var value: UInt64 { ByteReader.u64(bytes[...]) }
    /// Bit 0: the TD is debuggable.
    public var isDebug: Bool { value & 1 != 0 }
    /// Bits 0–7 (TUD group): any set bit means the TD is under debug / not trustworthy.
    public var tudBits: UInt8 { UInt8(truncatingIfNeeded: value) }
    /// Bit 28: EPT violation conversion to #VE disabled.
    public var septVEDisable: Bool { value & (1 << 28) != 0 }
    /// Bit 30: protection keys.
    public var protectionKeys: Bool { value & (1 << 30) != 0 }
    /// Bit 31: key locker.
    public var keyLocker: Bool { value & (1 << 31) != 0 }
    /// Bit 63: performance monitoring.
    public var perfmon: Bool { value & (1 << 63) != 0 }
    /// Whether any bit outside the ones named above is set.
    public var hasReservedBits: Bool {
        let known: UInt64 = 1 | (1 << 28) | (1 << 30) | (1 << 31) | (1 << 63)
        return value & ~known != 0
    }
}
