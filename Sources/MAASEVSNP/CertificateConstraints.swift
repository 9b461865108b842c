import SwiftASN1

/// Basic constraints and key usage of an AMD certificate, read from its extensions.
struct CertificateConstraints: Sendable {
    /// `nil` when the certificate has no basicConstraints extension.
    var isCA: Bool?
    var pathLength: Int?
    /// keyUsage bits as (keyCertSign, cRLSign); `nil` without the extension.
    var keyCertSign: Bool?
    var crlSign: Bool?

    /// Reads the extensions; a duplicate or malformed one, or an unknown critical one, is a constraint violation.
    init(_ certificate: AMDCertificate, role: AMDCertificateRole) throws(SEVSNPError) {
        var seen: Set<String> = []
        // AMD's own extensions (VCEK/VLEK) are VCEKExtensions' to check, duplicates included.
        for ext in certificate.extensions where !ext.oid.hasPrefix(VCEKExtensions.prefix) {
            guard seen.insert(ext.oid).inserted else {
                throw SEVSNPError(.certificateConstraintsViolated(role), "extension \(ext.oid) appears twice")
            }
            do {
                switch ext.oid {
                case VCEKExtensions.basicConstraints:
                    let fields = try DERNodes.children(try DER.parse(ext.value), .sequence)
                    var index = 0
                    var ca = false
                    if index < fields.count, fields[index].identifier == .boolean {
                        ca = try Bool(derEncoded: fields[index])
                        index += 1
                    }
                    if index < fields.count {
                        pathLength = try Int(derEncoded: fields[index])
                        index += 1
                    }
                    guard index == fields.count else { throw ASN1Error.invalidASN1Object(reason: "basicConstraints") }
                    isCA = ca
                case VCEKExtensions.keyUsage:
                    let bits = try ASN1BitString(derEncoded: try DER.parse(ext.value))
                    let first = bits.bytes.first ?? 0
                    keyCertSign = first & 0x04 != 0
                    crlSign = first & 0x02 != 0
                default:
                    let known = [VCEKExtensions.authorityKeyIdentifier, VCEKExtensions.subjectKeyIdentifier, "2.5.29.31"]
                    if ext.critical, !known.contains(ext.oid) {
                        throw SEVSNPError(.certificateConstraintsViolated(role), "unknown critical extension \(ext.oid)")
                    }
                }
            } catch let error as SEVSNPError {
                throw error
            } catch {
                throw SEVSNPError(.certificateConstraintsViolated(role), "extension \(ext.oid): \(error)")
            }
        }
    }
}
