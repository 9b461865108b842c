public import Foundation
import MAAPKI
import SwiftASN1

/// A minimal X.509 v3 certificate reader for AMD's SEV-SNP PKI (ARK, ASK/ASVK, VCEK/VLEK), on swift-asn1 (§3.1).
///
/// Why not swift-certificates: every AMD certificate is signed with RSASSA-PSS, and swift-certificates'
/// `Certificate.Signature(signatureAlgorithm:signatureBytes:)` throws `unsupportedSignatureAlgorithm` for anything
/// but ECDSA, PKCS#1 v1.5 RSA and Ed25519, so `Certificate(derEncoded:)` rejects them; its `TBSCertificate` is not
/// public either. This reader keeps what verification needs and checks nothing semantic: the raw
/// `tbsCertificate` bytes, serial (kept as raw INTEGER content: VCEK serials are 0, which RFC 5280 forbids and
/// this reader accepts), signature algorithm with its raw parameters, names, validity, SubjectPublicKeyInfo and
/// the extension list.
public struct AMDCertificate: Sendable, Hashable {
    /// An AlgorithmIdentifier: the OID and the raw DER of its parameters (`nil` when absent).
    public struct AlgorithmIdentifier: Sendable, Hashable {
        public let oid: String
        public let parameters: [UInt8]?
        /// The DER encoding of the whole AlgorithmIdentifier.
        public let derBytes: [UInt8]
    }

    /// One extension: OID (dotted), criticality and the content of its `extnValue` OCTET STRING.
    public struct Extension: Sendable, Hashable {
        public let oid: String
        public let critical: Bool
        public let value: [UInt8]
    }

    /// The whole certificate, as received.
    public let derBytes: [UInt8]
    /// The DER encoding of `tbsCertificate`: the bytes the signature covers.
    public let tbsBytes: [UInt8]
    /// The X.509 version number as encoded (2 means v3).
    public let version: Int
    /// The serial number's INTEGER content bytes (two's complement, as encoded).
    public let serialNumber: [UInt8]
    /// The `signature` field inside `tbsCertificate` (equal to the outer one).
    public let signatureAlgorithm: AlgorithmIdentifier
    public let issuer: AMDName
    public let subject: AMDName
    public let notBefore: Date
    public let notAfter: Date
    /// The DER encoding of SubjectPublicKeyInfo.
    public let subjectPublicKeyInfo: [UInt8]
    public let extensions: [Extension]
    /// The signature BIT STRING's bytes.
    public let signature: [UInt8]

    /// Parses a DER certificate.
    /// - Throws: `certificateMalformed(role)` for anything that is not a well-formed X.509 v3 certificate.
    public init(derEncoded der: [UInt8], role: AMDCertificateRole? = nil) throws(SEVSNPError) {
        guard !der.isEmpty, der.count <= 16_384 else {
            throw SEVSNPError(.certificateMalformed(role), "a certificate of \(der.count) bytes")
        }
        do {
            var signed = try SignedDER(der, tbsName: "TBSCertificate", maximumFields: 11)
            // version [0] EXPLICIT INTEGER: v3 is required (AMD issues only v3).
            let versionNode = try signed.fields.next()
            guard versionNode.identifier == DERNodes.contextTag(0) else {
                throw ASN1Error.invalidASN1Object(reason: "not an X.509 v3 certificate")
            }
            let version = try Int(derEncoded: try DERNodes.explicit(versionNode, 0))
            guard version == 2 else { throw ASN1Error.invalidASN1Object(reason: "X.509 version \(version + 1)") }
            let serialNode = try signed.fields.next()
            guard serialNode.identifier == .integer else { throw ASN1Error.unexpectedFieldType(serialNode.identifier) }
            let serial = try DERNodes.primitive(serialNode)
            let innerAlgorithm = try signed.innerAlgorithm(try signed.fields.next())
            let issuer = try AMDName(try signed.fields.next())
            let validity = try DERNodes.children(try signed.fields.next(), .sequence)
            guard validity.count == 2 else { throw ASN1Error.invalidASN1Object(reason: "Validity") }
            let subject = try AMDName(try signed.fields.next())
            let spkiNode = try signed.fields.next()
            _ = try DERNodes.children(spkiNode, .sequence)
            var extensions: [Extension] = []
            while !signed.fields.isAtEnd {
                let node = try signed.fields.next()
                if node.identifier == DERNodes.contextTag(1) || node.identifier == DERNodes.contextTag(2) { continue }
                guard node.identifier == DERNodes.contextTag(3), extensions.isEmpty, signed.fields.isAtEnd else {
                    throw ASN1Error.invalidASN1Object(reason: "unexpected TBSCertificate field")
                }
                extensions = try Self.extensions(try DERNodes.explicit(node, 3))
            }
            self.derBytes = der
            self.tbsBytes = Array(signed.tbs.encodedBytes)
            self.version = version
            self.serialNumber = Array(serial)
            self.signatureAlgorithm = innerAlgorithm
            self.issuer = issuer
            self.subject = subject
            self.notBefore = try ASN1Time.date(from: validity[0])
            self.notAfter = try ASN1Time.date(from: validity[1])
            self.subjectPublicKeyInfo = Array(spkiNode.encodedBytes)
            self.extensions = extensions
            self.signature = signed.signature
        } catch let error as SEVSNPError {
            throw error
        } catch {
            throw SEVSNPError(.certificateMalformed(role), "\(error)")
        }
    }

    /// The extension with `oid`, if present once (duplicates are rejected by the checks that read them).
    public func extensions(withOID oid: String) -> [Extension] { extensions.filter { $0.oid == oid } }

    /// Whether the certificate names itself as its issuer.
    public var isSelfIssued: Bool { issuer == subject }

    static func algorithm(_ node: ASN1Node) throws -> AlgorithmIdentifier {
        let parts = try DERNodes.children(node, .sequence)
        guard parts.count == 1 || parts.count == 2 else { throw ASN1Error.invalidASN1Object(reason: "AlgorithmIdentifier") }
        let oid = try ASN1ObjectIdentifier(derEncoded: parts[0])
        return AlgorithmIdentifier(
            oid: oid.description, parameters: parts.count == 2 ? Array(parts[1].encodedBytes) : nil,
            derBytes: Array(node.encodedBytes)
        )
    }

    /// `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`.
    static func extensions(_ node: ASN1Node) throws -> [Extension] {
        var result: [Extension] = []
        for ext in try DERNodes.children(node, .sequence, limit: 32) {
            let parts = try DERNodes.children(ext, .sequence)
            guard parts.count == 2 || parts.count == 3 else { throw ASN1Error.invalidASN1Object(reason: "Extension") }
            let oid = try ASN1ObjectIdentifier(derEncoded: parts[0])
            var critical = false
            if parts.count == 3 {
                critical = try Bool(derEncoded: parts[1])
                // DER: a DEFAULT FALSE value is omitted, never encoded.
                guard critical else { throw ASN1Error.invalidASN1Object(reason: "critical FALSE encoded") }
            }
            let value = try ASN1OctetString(derEncoded: parts[parts.count - 1])
            result.append(Extension(oid: oid.description, critical: critical, value: Array(value.bytes)))
        }
        guard !result.isEmpty else { throw ASN1Error.invalidASN1Object(reason: "empty Extensions") }
        return result
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.derBytes == rhs.derBytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(derBytes) }
}
