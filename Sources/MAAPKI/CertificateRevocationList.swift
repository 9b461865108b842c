public import Foundation
import SwiftASN1
public import X509

/// An X.509 v2 certificate revocation list (RFC 5280 §5), parsed strictly with swift-asn1.
///
/// swift-certificates has no CRL type; this one keeps what revocation checking needs: the raw `tbsCertList`
/// bytes for the signature check, the issuer, the update times, the revoked serial numbers and the two
/// extensions Intel requires (CRL Number and Authority Key Identifier). Critical extensions other than those
/// this parser knows, at list or entry level, are rejected.
public struct CertificateRevocationList: Sendable {
    /// The DER encoding of the whole CRL.
    public let derBytes: [UInt8]
    /// The DER encoding of `tbsCertList`: the bytes the signature covers.
    public let tbsBytes: ArraySlice<UInt8>
    /// The issuer name.
    public let issuer: DistinguishedName
    /// The DER encoding of the issuer name (a slice of ``derBytes``).
    public let issuerBytes: ArraySlice<UInt8>
    /// `thisUpdate`.
    public let thisUpdate: Date
    /// `nextUpdate`, when present.
    public let nextUpdate: Date?
    /// The authority key identifier extension's `keyIdentifier`, when present.
    public let authorityKeyIdentifier: [UInt8]?
    /// The CRL Number extension's integer content bytes, when present.
    public let crlNumber: [UInt8]?
    /// The number of revoked-certificate entries.
    public var revokedCount: Int { revokedSerials.count }

    /// Revoked serial numbers, normalised to their minimal big-endian magnitude (no leading zero bytes), as slices
    /// of ``derBytes`` (no copy per entry; a CRL is checked against a handful of certificates, so a scan is cheap).
    let revokedSerials: [ArraySlice<UInt8>]
    /// The signature algorithm (outer `signatureAlgorithm`, which must equal the inner `signature`).
    let signatureAlgorithm: Certificate.SignatureAlgorithm
    /// The signature BIT STRING content.
    let signatureBytes: [UInt8]

    private static let ecdsaSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
    private static let ecdsaSHA384: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 3]
    private static let oidCRLNumber: ASN1ObjectIdentifier = [2, 5, 29, 20]
    private static let oidAKI: ASN1ObjectIdentifier = [2, 5, 29, 35]
    private static let oidReasonCode: ASN1ObjectIdentifier = [2, 5, 29, 21]
    private static let oidInvalidityDate: ASN1ObjectIdentifier = [2, 5, 29, 24]

    /// Parses a DER `CertificateList`. At most `maximumEntries` revoked entries are accepted.
    ///
    /// CRLs in Intel's profile take a single strict pass over the bytes (``CRLFastPath``); anything else, valid or
    /// not, goes through the general swift-asn1 parser, which gives the same result for what the fast pass accepts.
    ///
    /// `knownIssuer` is a name already parsed from exactly `bytes` (normally the issuing certificate's subject): an
    /// issuer with the same encoding is not parsed again (the same bytes give the same name).
    public init(
        derEncoded der: [UInt8], maximumEntries: Int = 100_000,
        knownIssuer: (bytes: ArraySlice<UInt8>, name: DistinguishedName)? = nil
    ) throws(PKIError) {
        if let parts = CRLFastPath.parse(der, maximumEntries: maximumEntries, knownIssuer: knownIssuer) {
            self.init(der: der, parts: parts)
        } else {
            try self.init(generalParsing: der, maximumEntries: maximumEntries)
        }
    }

    private init(der: [UInt8], parts: CRLFastPath.Parts) {
        self.derBytes = der
        self.tbsBytes = der[parts.tbs]
        self.signatureBytes = parts.signature
        self.signatureAlgorithm = parts.algorithm
        self.issuer = parts.issuer
        self.issuerBytes = der[parts.issuerRange]
        self.thisUpdate = parts.thisUpdate
        self.nextUpdate = parts.nextUpdate
        self.revokedSerials = parts.revoked
        self.authorityKeyIdentifier = parts.aki
        self.crlNumber = parts.crlNumber
    }

    /// The general parser (swift-asn1 node tree), for any CRL; the reference the fast path is tested against.
    init(generalParsing der: [UInt8], maximumEntries: Int = 100_000) throws(PKIError) {
        guard !der.isEmpty else { throw PKIError(.crlMalformed, "empty CRL") }
        do {
            let root = try DER.parse(der)
            var parsed: (tbs: ArraySlice<UInt8>, alg: ASN1ObjectIdentifier, sig: [UInt8])?
            var body: Body?
            try DER.sequence(root, identifier: .sequence) { nodes in
                guard let tbsNode = nodes.next(), let algNode = nodes.next(), let sigNode = nodes.next() else {
                    throw ASN1Error.invalidASN1Object(reason: "CertificateList needs three elements")
                }
                body = try Body(tbsNode, maximumEntries: maximumEntries)
                let alg = try Self.algorithm(algNode)
                let bits = try ASN1BitString(derEncoded: sigNode)
                guard bits.paddingBits == 0 else { throw ASN1Error.invalidASN1Object(reason: "signature bits") }
                parsed = (tbsNode.encodedBytes, alg, Array(bits.bytes))
            }
            guard let parsed, let body else { throw ASN1Error.invalidASN1Object(reason: "empty") }
            guard parsed.alg == body.innerAlgorithm else {
                throw PKIError(.crlMalformed, "outer and inner signature algorithms differ")
            }
            switch parsed.alg {
            case Self.ecdsaSHA256: self.signatureAlgorithm = .ecdsaWithSHA256
            case Self.ecdsaSHA384: self.signatureAlgorithm = .ecdsaWithSHA384
            default: throw PKIError(.unsupportedSignatureAlgorithm, "\(parsed.alg)")
            }
            self.derBytes = der
            self.tbsBytes = parsed.tbs
            self.signatureBytes = parsed.sig
            self.issuer = body.issuer
            self.issuerBytes = body.issuerBytes
            self.thisUpdate = body.thisUpdate
            self.nextUpdate = body.nextUpdate
            self.revokedSerials = body.revoked
            self.authorityKeyIdentifier = body.aki
            self.crlNumber = body.crlNumber
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError(.crlMalformed, "\(error)")
        }
    }

    /// Whether the CRL's signature verifies with `key` (the issuing certificate's public key).
    public func isSignatureValid(for key: Certificate.PublicKey) -> Bool {
        key.isValidSignature(signatureBytes, for: tbsBytes, signatureAlgorithm: signatureAlgorithm)
    }

    /// Whether `serialNumber` is listed (compared by integer value).
    public func isRevoked(_ serialNumber: Certificate.SerialNumber) -> Bool {
        let wanted = Self.normalise(serialNumber.bytes)
        return revokedSerials.contains { $0.elementsEqual(wanted) }
    }

    /// Whether `date` lies in `thisUpdate ... nextUpdate` (a CRL without `nextUpdate` is never current).
    public func isCurrent(at date: Date) -> Bool {
        guard let nextUpdate else { return false }
        return thisUpdate <= date && date <= nextUpdate
    }

    static func normalise(_ bytes: some Collection<UInt8>) -> [UInt8] {
        Array(bytes.drop { $0 == 0 })
    }

    static func normalise(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        bytes.drop { $0 == 0 }
    }

    private static func algorithm(_ node: ASN1Node) throws -> ASN1ObjectIdentifier {
        try DER.sequence(node, identifier: .sequence) { nodes in
            guard let oidNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "AlgorithmIdentifier") }
            let oid = try ASN1ObjectIdentifier(derEncoded: oidNode)
            // ECDSA AlgorithmIdentifiers have absent parameters; tolerate an explicit NULL only.
            if let parameters = nodes.next() { _ = try ASN1Null(derEncoded: parameters) }
            return oid
        }
    }

    /// The `TBSCertList` fields.
    private struct Body {
        var innerAlgorithm: ASN1ObjectIdentifier
        var issuer: DistinguishedName
        var issuerBytes: ArraySlice<UInt8>
        var thisUpdate: Date
        var nextUpdate: Date?
        var revoked: [ArraySlice<UInt8>] = []
        var aki: [UInt8]?
        var crlNumber: [UInt8]?

        init(_ node: ASN1Node, maximumEntries: Int) throws {
            var fields: [ASN1Node] = []
            try DER.sequence(node, identifier: .sequence) { nodes in
                while let next = nodes.next() {
                    guard fields.count < 7 else { throw ASN1Error.invalidASN1Object(reason: "too many TBSCertList fields") }
                    fields.append(next)
                }
            }
            var index = 0
            func take() throws -> ASN1Node {
                guard index < fields.count else { throw ASN1Error.invalidASN1Object(reason: "TBSCertList too short") }
                defer { index += 1 }
                return fields[index]
            }
            // version: must be v2 (INTEGER 1) — extensions are required by the DCAP profile.
            let versionNode = try take()
            let version = try Int(derEncoded: versionNode)
            guard version == 1 else { throw ASN1Error.invalidASN1Object(reason: "CRL version \(version)") }
            innerAlgorithm = try CertificateRevocationList.algorithm(try take())
            let issuerNode = try take()
            issuer = try DistinguishedName(derEncoded: issuerNode)
            issuerBytes = issuerNode.encodedBytes
            thisUpdate = try ASN1Time.date(from: try take())
            if index < fields.count, fields[index].identifier == .utcTime || fields[index].identifier == .generalizedTime {
                nextUpdate = try ASN1Time.date(from: try take())
            }
            if index < fields.count, fields[index].identifier == .sequence {
                let list = try take()
                var revoked: [ArraySlice<UInt8>] = []
                try DER.sequence(list, identifier: .sequence) { entries in
                    while let entry = entries.next() {
                        guard revoked.count < maximumEntries else { throw ASN1Error.invalidASN1Object(reason: "too many entries") }
                        revoked.append(try Self.entrySerial(entry))
                    }
                }
                self.revoked = revoked
            }
            if index < fields.count {
                let tagged = try take()
                guard tagged.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) else {
                    throw ASN1Error.unexpectedFieldType(tagged.identifier)
                }
                try DER.explicitlyTagged(tagged, tagNumber: 0, tagClass: .contextSpecific) { extensionsNode in
                    try self.readExtensions(extensionsNode)
                }
            }
            guard index == fields.count else { throw ASN1Error.invalidASN1Object(reason: "trailing TBSCertList fields") }
        }

        /// A revoked entry's serial. The revocation date and the entry extensions are validated (DER shape, time
        /// syntax, no unknown critical extension) but not kept: revocation checking needs only the serial.
        private static func entrySerial(_ entry: ASN1Node) throws -> ArraySlice<UInt8> {
            try DER.sequence(entry, identifier: .sequence) { nodes in
                guard let serialNode = nodes.next(), let dateNode = nodes.next() else {
                    throw ASN1Error.invalidASN1Object(reason: "revoked entry")
                }
                let serial = try ArraySlice<UInt8>(derEncoded: serialNode)
                _ = try ASN1Time.date(from: dateNode)
                if let extensionsNode = nodes.next() {
                    try forEachExtensionNode(extensionsNode) { oidNode, critical, _ in
                        guard critical else { return }
                        let oid = try ASN1ObjectIdentifier(derEncoded: oidNode)
                        guard oid == oidReasonCode || oid == oidInvalidityDate else {
                            throw PKIError(.crlUnknownCriticalExtension, "entry extension \(oid)")
                        }
                    }
                }
                guard nodes.next() == nil else { throw ASN1Error.invalidASN1Object(reason: "trailing revoked entry fields") }
                return CertificateRevocationList.normalise(serial)
            }
        }

        private mutating func readExtensions(_ node: ASN1Node) throws {
            var seen: Set<ASN1ObjectIdentifier> = []
            var aki: [UInt8]?
            var number: [UInt8]?
            try Self.forEachExtension(node) { oid, critical, value in
                guard seen.insert(oid).inserted else { throw ASN1Error.invalidASN1Object(reason: "duplicate extension \(oid)") }
                switch oid {
                case oidAKI:
                    let ext = try AuthorityKeyIdentifier(
                        Certificate.Extension(oid: oid, critical: critical, value: value)
                    )
                    aki = ext.keyIdentifier.map(Array.init)
                case oidCRLNumber:
                    let parsed = try DER.parse(value)
                    number = Array(try ArraySlice<UInt8>(derEncoded: parsed))
                default:
                    if critical { throw PKIError(.crlUnknownCriticalExtension, "\(oid)") }
                }
            }
            self.aki = aki
            self.crlNumber = number
        }

        private static func forEachExtension(
            _ node: ASN1Node,
            _ body: (ASN1ObjectIdentifier, Bool, ArraySlice<UInt8>) throws -> Void
        ) throws {
            try forEachExtensionNode(node) { oidNode, critical, value in
                try body(try ASN1ObjectIdentifier(derEncoded: oidNode), critical, value)
            }
        }

        /// Walks `Extensions`, handing each extension's OID node (checked to be an OBJECT IDENTIFIER; decoded by
        /// the caller only when it needs the value), criticality and value.
        private static func forEachExtensionNode(
            _ node: ASN1Node,
            _ body: (ASN1Node, Bool, ArraySlice<UInt8>) throws -> Void
        ) throws {
            try DER.sequence(node, identifier: .sequence) { nodes in
                var count = 0
                while let ext = nodes.next() {
                    count += 1
                    guard count <= 64 else { throw ASN1Error.invalidASN1Object(reason: "too many extensions") }
                    try DER.sequence(ext, identifier: .sequence) { parts in
                        guard let oidNode = parts.next(), var valueNode = parts.next() else {
                            throw ASN1Error.invalidASN1Object(reason: "extension")
                        }
                        guard oidNode.identifier == .objectIdentifier else {
                            throw ASN1Error.unexpectedFieldType(oidNode.identifier)
                        }
                        var critical = false
                        if valueNode.identifier == .boolean {
                            critical = try Bool(derEncoded: valueNode)
                            // DER: DEFAULT FALSE must be omitted.
                            guard critical else { throw ASN1Error.invalidASN1Object(reason: "explicit critical FALSE") }
                            guard let next = parts.next() else { throw ASN1Error.invalidASN1Object(reason: "extension value") }
                            valueNode = next
                        }
                        let value = try ASN1OctetString(derEncoded: valueNode)
                        guard parts.next() == nil else { throw ASN1Error.invalidASN1Object(reason: "trailing extension fields") }
                        try body(oidNode, critical, value.bytes)
                    }
                }
            }
        }
    }
}
