/// The report a quote carries.
public enum QuoteBody: Hashable, Sendable {
    /// An SGX enclave report.
    case sgx(SGXReportBody)
    /// A TD report (1.0 or 1.5).
    case td(TDReportBody)
}

/// A parsed Intel ECDSA (DCAP) quote: SGX v3/v4/v5 or TDX v4/v5.
///
/// Parsing checks structure only (§2 of the spec: header rules, size arithmetic, certification-data types);
/// ``DCAPVerifier`` checks the signatures and the PKI. Every length field is checked against the remaining
/// input before use; nothing is allocated from an unchecked length.
public struct Quote: Sendable {
    /// Quotes larger than this are rejected (real quotes are ≈ 5 KB).
    public static let maximumSize = 1 << 20
    /// Intel's `QUOTE_MIN_BYTE_LEN`: 48 + 384 + 4 + 584.
    public static let minimumSize = 1020

    /// The quote bytes as given (including any ignored trailing bytes).
    public let bytes: [UInt8]
    public let header: QuoteHeader
    public let body: QuoteBody
    /// The v5 body type (1 SGX, 2 TD 1.0, 3 TD 1.5); `nil` for v3/v4.
    public let bodyType: UInt16?
    /// The region the attestation key signs: header (‖ v5 descriptor) ‖ body.
    public let signedRange: Range<Int>
    /// The report signature, raw r‖s.
    public let signature: [UInt8]
    /// The attestation public key, raw x‖y.
    public let attestationKey: [UInt8]
    /// The Quoting Enclave's report.
    public let qeReport: SGXReportBody
    /// The QE report signature (by the PCK key), raw r‖s.
    public let qeReportSignature: [UInt8]
    /// QE authentication data (hashed with the attestation key into the QE report data).
    public let qeAuthData: ArraySlice<UInt8>
    /// The innermost certification data (type 1–5).
    public let certificationData: CertificationData

    /// The TEE type.
    public var teeType: TEEType { header.teeType }
    /// The signed bytes.
    public var signedBytes: ArraySlice<UInt8> { bytes[signedRange] }

    /// Parses a quote.
    public init(_ bytes: [UInt8]) throws(DCAPError) {
        guard bytes.count >= Self.minimumSize else {
            throw DCAPError(.quoteTruncated, "\(bytes.count) bytes; a quote has at least \(Self.minimumSize)")
        }
        guard bytes.count <= Self.maximumSize else { throw DCAPError(.quoteTooLarge, "\(bytes.count) bytes") }
        var r = ByteReader(bytes)
        let header = try QuoteHeader(&r)
        // Body.
        var bodyType: UInt16?
        let bodySize: Int
        if header.version == 5 {
            let type = try r.u16()
            let size = try r.u32()
            switch (type, header.teeType) {
            case (1, .sgx): bodySize = SGXReportBody.size
            case (2, .tdx): bodySize = TDReportBody.size10
            case (3, .tdx): bodySize = TDReportBody.size15
            case (1, .tdx), (2, .sgx), (3, .sgx):
                throw DCAPError(.teeTypeVersionMismatch, "body type \(type) in a \(header.teeType) quote")
            default: throw DCAPError(.unsupportedBodyType, "body type \(type)")
            }
            guard Int(size) == bodySize else { throw DCAPError(.bodySizeMismatch, "body type \(type) with size \(size)") }
            bodyType = type
        } else {
            bodySize = header.teeType == .sgx ? SGXReportBody.size : TDReportBody.size10
        }
        let rawBody = try r.read(bodySize)
        let body: QuoteBody = header.teeType == .sgx ? .sgx(try SGXReportBody(rawBody)) : .td(try TDReportBody(rawBody))
        let signedEnd = r.offset
        // Signature data.
        let sigDataLength = Int(try r.u32())
        guard sigDataLength <= r.remaining else {
            throw DCAPError(.quoteTruncated, "signature data of \(sigDataLength) bytes, \(r.remaining) remain")
        }
        var s = ByteReader(bytes, from: r.offset, to: r.offset + sigDataLength)
        let malformed = DCAPError.Code.signatureDataMalformed
        let signature = try s.readArray(64, malformed)
        let attestationKey = try s.readArray(64, malformed)
        var qe: ByteReader
        if header.version == 3 {
            qe = s
        } else {
            let outerType = try s.u16(malformed)
            let outerSize = Int(try s.u32(malformed))
            guard outerType == 6 else {
                throw DCAPError(.unsupportedCertificationDataType, "outer certification data type \(outerType)")
            }
            guard outerSize == s.remaining else {
                throw DCAPError(malformed, "QE certification data size \(outerSize), \(s.remaining) bytes present")
            }
            qe = s
        }
        let qeReportBytes = try qe.read(SGXReportBody.size, malformed)
        let qeReportSignature = try qe.readArray(64, malformed)
        let authSize = Int(try qe.u16(malformed))
        let qeAuthData = try qe.read(authSize, malformed)
        let certType = try qe.u16(malformed)
        let certSize = Int(try qe.u32(malformed))
        guard certSize == qe.remaining else {
            throw DCAPError(malformed, "certification data size \(certSize), \(qe.remaining) bytes present")
        }
        guard (1...5).contains(certType) else {
            throw DCAPError(.unsupportedCertificationDataType, "certification data type \(certType)")
        }
        let certBytes = try qe.read(certSize, malformed)

        self.bytes = bytes
        self.header = header
        self.body = body
        self.bodyType = bodyType
        self.signedRange = 0..<signedEnd
        self.signature = signature
        self.attestationKey = attestationKey
        self.qeReport = try SGXReportBody(qeReportBytes)
        self.qeReportSignature = qeReportSignature
        self.qeAuthData = qeAuthData
        self.certificationData = CertificationData(type: certType, data: certBytes)
    }
}

/// Certification data that identifies the PCK certificate.
public struct CertificationData: Hashable, Sendable {
    /// The type (1–5); 5 is a PEM PCK chain.
    public let type: UInt16
    /// The raw data (shares storage with the quote).
    public let data: ArraySlice<UInt8>
}
