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
            let root = try DER.parse(der)
            guard root.encodedBytes.count == der.count else { throw ASN1Error.invalidASN1Object(reason: "trailing bytes") }
            let parts = try DERNodes.children(root, .sequence)
            guard parts.count == 3 else { throw ASN1Error.invalidASN1Object(reason: "CertificateList needs three elements") }
            let outerAlgorithm = try AMDCertificate.algorithm(parts[1])
            let bits = try ASN1BitString(derEncoded: parts[2])
            guard bits.paddingBits == 0 else { throw ASN1Error.invalidASN1Object(reason: "signature padding bits") }
            let fields = try DERNodes.children(parts[0], .sequence, limit: 7)
            var index = 0
            func next() throws -> ASN1Node {
                guard index < fields.count else { throw ASN1Error.invalidASN1Object(reason: "TBSCertList too short") }
                defer { index += 1 }
                return fields[index]
            }
            if fields.first?.identifier == .integer {
                guard try Int(derEncoded: try next()) == 1 else { throw ASN1Error.invalidASN1Object(reason: "CRL version") }
            }
            let innerAlgorithm = try AMDCertificate.algorithm(try next())
            guard innerAlgorithm == outerAlgorithm else {
                throw ASN1Error.invalidASN1Object(reason: "inner and outer signature algorithms differ")
            }
            let issuer = try AMDName(try next())
            let thisUpdate = try ASN1Time.date(from: try next())
            var nextUpdate: Date?
            if index < fields.count, fields[index].identifier == .utcTime || fields[index].identifier == .generalizedTime {
                nextUpdate = try ASN1Time.date(from: try next())
            }
            var revoked: [[UInt8]] = []
            if index < fields.count, fields[index].identifier == .sequence {
                for entry in try DERNodes.children(try next(), .sequence, limit: maximumEntries) {
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
            if index < fields.count {
                let node = try next()
                guard node.identifier == DERNodes.contextTag(0) else { throw ASN1Error.unexpectedFieldType(node.identifier) }
                // CRL Number, AKI and issuing-distribution-point data are informational here; an unknown critical
                // extension is not: reject.
                let known: Set<String> = ["2.5.29.20", "2.5.29.35"]
                for ext in try AMDCertificate.extensions(try DERNodes.explicit(node, 0)) where ext.critical && !known.contains(ext.oid) {
                    throw ASN1Error.invalidASN1Object(reason: "unknown critical CRL extension \(ext.oid)")
                }
            }
            guard index == fields.count else { throw ASN1Error.invalidASN1Object(reason: "trailing TBSCertList fields") }
            self.derBytes = der
            self.tbsBytes = Array(parts[0].encodedBytes)
            self.signatureAlgorithm = innerAlgorithm
            self.issuer = issuer
            self.thisUpdate = thisUpdate
            self.nextUpdate = nextUpdate
            self.revokedSerials = revoked
            self.signature = Array(bits.bytes)
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
