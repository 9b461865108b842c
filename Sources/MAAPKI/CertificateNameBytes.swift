/// The DER encodings of a certificate's issuer and subject names, read from its `tbsCertificate` bytes.
///
/// Equal encodings mean equal names (DER is canonical and parsing is deterministic), so comparing these bytes
/// settles equality without building and comparing `DistinguishedName` values; different bytes say nothing
/// more, and callers then compare the parsed names.
public struct CertificateNameBytes: Sendable {
    /// The issuer `Name`, tag and length included.
    public let issuer: ArraySlice<UInt8>
    /// The subject `Name`, tag and length included.
    public let subject: ArraySlice<UInt8>

    /// Reads `TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity,
    /// subject, … }`; `nil` when the bytes do not have that shape.
    public init?(tbsCertificate tbs: ArraySlice<UInt8>) {
        var outer = DERScanner(tbs)
        guard let sequence = outer.read(0x30), outer.isAtEnd else { return nil }
        var fields = outer.inside(sequence)
        if fields.peekTag == 0xA0 { guard fields.read(0xA0) != nil else { return nil } }
        guard fields.read(0x02) != nil, fields.read(0x30) != nil, let issuer = fields.read(0x30), fields.read(0x30) != nil,
            let subject = fields.read(0x30)
        else { return nil }
        self.issuer = tbs[issuer.encoded]
        self.subject = tbs[subject.encoded]
    }
}
