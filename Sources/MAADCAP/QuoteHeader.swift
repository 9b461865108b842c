/// The TEE a quote attests.
public enum TEEType: String, Sendable, Hashable {
    case sgx
    case tdx

    /// The `tee_type` header value.
    public var rawHeaderValue: UInt32 { self == .sgx ? 0 : 0x81 }
}

/// The 48-byte quote header.
public struct QuoteHeader: Hashable, Sendable {
    /// Intel's QE vendor ID.
    public static let intelQEVendorID: [UInt8] = [
        0x93, 0x9A, 0x72, 0x33, 0xF7, 0x9C, 0x4C, 0xA9, 0x94, 0x0A, 0x0D, 0xB3, 0x95, 0x7F, 0x06, 0x07,
    ]

    public let version: UInt16
    public let attestationKeyType: UInt16
    public let teeType: TEEType
    /// Informational only; the trusted value is the QE report's ISVSVN.
    public let qeSVN: UInt16
    /// Informational only; the trusted value is the PCK certificate's PCESVN.
    public let pceSVN: UInt16
    public let qeVendorID: Measurement
    public let userData: Measurement

    /// Parses and checks the header (version, key type, TEE type, vendor).
    init(_ r: inout ByteReader) throws(DCAPError) {
        version = try r.u16()
        attestationKeyType = try r.u16()
        let tee = try r.u32()
        qeSVN = try r.u16()
        pceSVN = try r.u16()
        qeVendorID = Measurement(try r.read(16))
        userData = Measurement(try r.read(20))
        guard (3...5).contains(version) else { throw DCAPError(.unsupportedQuoteVersion, "version \(version)") }
        guard attestationKeyType == 2 else {
            throw DCAPError(.unsupportedAttestationKeyType, "attestation key type \(attestationKeyType)")
        }
        switch tee {
        case 0: teeType = .sgx
        case 0x81: teeType = .tdx
        default: throw DCAPError(.unsupportedTeeType, "tee type \(tee)")
        }
        if version == 3, teeType == .tdx { throw DCAPError(.teeTypeVersionMismatch, "TDX quote with version 3") }
        guard qeVendorID.bytes == Self.intelQEVendorID else { throw DCAPError(.unknownQeVendor, "QE vendor \(qeVendorID)") }
    }
}
