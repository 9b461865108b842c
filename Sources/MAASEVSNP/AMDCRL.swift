public import Foundation
import MAAPKI
import SwiftASN1

/// An AMD KDS certificate revocation list (§4): a DER X.509 v2 CRL issued and RSASSA-PSS-signed by the ARK,
/// listing revoked ASK/ASVK serials. MAAPKI's `CertificateRevocationList` accepts only ECDSA-signed CRLs, hence
/// this reader on swift-asn1.
public struct AMDCRL: Sendable, Hashable {
    public let derBytes: [UInt8]
    /// The DER encoding of `tbsCertList`: the bytes the signature covers.
    public let tbsBytes: [UInt8]
    public let signatureAlgorithm: AMDCertificate.AlgorithmIdentifier
    public let issuer: AMDName
    public let thisUpdate: Date
    public let nextUpdate: Date?
    /// Revoked serial numbers: INTEGER content bytes with leading zero bytes removed.
    public let revokedSerials: [[UInt8]]
    public let signature: [UInt8]

    /// Parses a DER CRL (at most `maximumEntries` revoked entries).
    /// - Throws: `crlMalformed`.
    public init(derEncoded der: [UInt8], maximumEntries: Int = 10_000) throws(SEVSNPError) {
        guard !der.isEmpty, der.count <= 4 << 20 else { throw SEVSNPError(.crlMalformed, "a CRL of \(der.count) bytes") }
        do {
            var signed = try SignedDER(der, tbsName: "TBSCertList", maximumFields: 7)
            if signed.fields.peek?.identifier == .integer {
                guard try Int(derEncoded: try signed.fields.next()) == 1 else {
                    throw ASN1Error.invalidASN1Object(reason: "CRL version")
                }
            }
            let innerAlgorithm = try signed.innerAlgorithm(try signed.fields.next())
            let issuer = try AMDName(try signed.fields.next())
            let thisUpdate = try ASN1Time.date(from: try signed.fields.next())
            var nextUpdate: Date?
            if let node = signed.fields.peek, node.identifier == .utcTime || node.identifier == .generalizedTime {
                nextUpdate = try ASN1Time.date(from: try signed.fields.next())
            }
            var revoked: [[UInt8]] = []
            if signed.fields.peek?.identifier == .sequence {
                for entry in try DERNodes.children(try signed.fields.next(), .sequence, limit: maximumEntries) {
                    let entryFields = try DERNodes.children(entry, .sequence)
                    guard entryFields.count == 2 || entryFields.count == 3, entryFields[0].identifier == .integer else {
                        throw ASN1Error.invalidASN1Object(reason: "revoked entry")
                    }
                    _ = try ASN1Time.date(from: entryFields[1])
                    if entryFields.count == 3 {
                        for ext in try AMDCertificate.extensions(entryFields[2]) where ext.critical {
                            throw ASN1Error.invalidASN1Object(reason: "critical CRL entry extension \(ext.oid)")
                        }
                    }
                    revoked.append(Array(try DERNodes.primitive(entryFields[0]).drop { $0 == 0 }))
                }
            }
            if !signed.fields.isAtEnd {
                let node = try signed.fields.next()
                guard node.identifier == DERNodes.contextTag(0) else { throw ASN1Error.unexpectedFieldType(node.identifier) }
                // CRL Number, AKI and issuing-distribution-point data are informational here; an unknown critical
                // extension is not: reject.
                let known: Set<String> = ["2.5.29.20", "2.5.29.35"]
                for ext in try AMDCertificate.extensions(try DERNodes.explicit(node, 0)) where ext.critical && !known.contains(ext.oid) {
                    throw ASN1Error.invalidASN1Object(reason: "unknown critical CRL extension \(ext.oid)")
                }
            }
            guard signed.fields.isAtEnd else { throw ASN1Error.invalidASN1Object(reason: "trailing TBSCertList fields") }
            self.derBytes = der
            self.tbsBytes = Array(signed.tbs.encodedBytes)
            self.signatureAlgorithm = innerAlgorithm
            self.issuer = issuer
            self.thisUpdate = thisUpdate
            self.nextUpdate = nextUpdate
            self.revokedSerials = revoked
            self.signature = signed.signature
        } catch let error as SEVSNPError {
            throw error
        } catch {
            throw SEVSNPError(.crlMalformed, "\(error)")
        }
    }

    /// Whether a certificate serial (INTEGER content bytes) is listed, compared by value.
    public func lists(serial: [UInt8]) -> Bool {
        let wanted = Array(serial.drop { $0 == 0 })
        return revokedSerials.contains(wanted)
    }
}
