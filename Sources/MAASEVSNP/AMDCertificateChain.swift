public import Foundation
import Crypto
import _CryptoExtras

/// The AMD certificates of one report, by role: ARK, the intermediate (ASK or ASVK) and the leaf (VCEK or VLEK).
///
/// Roles come from the subject common names, not from the order (§5 step 4): `ARK-<Product>`, `SEV-<Product>`
/// (ASK), `SEV-VLEK-<Product>` (ASVK), `SEV-VCEK`, `SEV-VLEK`. Unknown names, a role twice, certificates the leaf
/// does not need, or a self-issued certificate outside the root position are `chainMalformed`.
public struct AMDCertificateChain: Sendable, Hashable {
    public let ark: AMDCertificate
    /// The ASK (for a VCEK) or ASVK (for a VLEK).
    public let intermediate: AMDCertificate
    /// The VCEK or VLEK.
    public let leaf: AMDCertificate
    /// Which kind of key the leaf is (``SigningKeyKind/vcek`` or ``SigningKeyKind/vlek``).
    public let leafKind: SigningKeyKind
    /// The product the ARK's and the intermediate's names carry.
    public let product: SNPProduct

    /// The roles of the intermediate and the leaf.
    public var intermediateRole: AMDCertificateRole { leafKind == .vlek ? .asvk : .ask }
    public var leafRole: AMDCertificateRole { leafKind == .vlek ? .vlek : .vcek }

    /// Sorts DER certificates into roles.
    /// - Parameter signingKey: the report's SIGNING_KEY: a VLEK report needs a VLEK (`vlekMissing`), a VCEK report
    ///   a VCEK (`signingKeyMismatch`).
    public init(derCertificates: [[UInt8]], signingKey: SigningKeyKind) throws(SEVSNPError) {
        guard !derCertificates.isEmpty, derCertificates.count <= 4 else {
            throw SEVSNPError(.chainMalformed, "\(derCertificates.count) certificates (a VCEK/VLEK, its ASK/ASVK and the ARK expected)")
        }
        var byRole: [AMDCertificateRole: AMDCertificate] = [:]
        var products: [AMDCertificateRole: SNPProduct] = [:]
        for der in derCertificates {
            let certificate = try AMDCertificate(derEncoded: der)
            guard let name = certificate.subject.commonName else {
                throw SEVSNPError(.chainMalformed, "a certificate without a single common name")
            }
            let (role, product) = try Self.role(of: name)
            if role == .vcek || role == .vlek {
                // A leaf that claims to be a CA is refused outright, whatever else the chain holds (C37).
                if try CertificateConstraints(certificate, role: role).isCA == true {
                    throw SEVSNPError(.certificateConstraintsViolated(role), "\(name) claims CA:TRUE")
                }
            }
            if role != .ark, certificate.isSelfIssued {
                throw SEVSNPError(.chainMalformed, "self-issued certificate \(name) outside the root position")
            }
            guard byRole[role] == nil else { throw SEVSNPError(.chainMalformed, "two \(role.rawValue.uppercased()) certificates") }
            byRole[role] = certificate
            products[role] = product
        }
        let kind: SigningKeyKind
        switch signingKey {
        case .vlek:
            guard byRole[.vlek] != nil else { throw SEVSNPError(.vlekMissing, "the report is signed by a VLEK; none was supplied") }
            kind = .vlek
        default:
            guard byRole[.vcek] != nil else {
                throw SEVSNPError(.signingKeyMismatch, "the report is signed by a VCEK; none was supplied")
            }
            kind = .vcek
        }
        let intermediateRole: AMDCertificateRole = kind == .vlek ? .asvk : .ask
        guard let ark = byRole[.ark], let intermediate = byRole[intermediateRole],
            let leaf = byRole[kind == .vlek ? .vlek : .vcek]
        else {
            throw SEVSNPError(.chainMalformed, "the chain needs the ARK and the \(intermediateRole.rawValue.uppercased())")
        }
        guard byRole.count == 3 else { throw SEVSNPError(.chainMalformed, "certificates the chain does not use") }
        guard let product = products[.ark], products[intermediateRole] == product else {
            throw SEVSNPError(.productMismatch, "the ARK and the \(intermediateRole.rawValue.uppercased()) name different products")
        }
        self.ark = ark
        self.intermediate = intermediate
        self.leaf = leaf
        self.leafKind = kind
        self.product = product
    }

    /// The role and, for the ARK and intermediates, the product a subject common name denotes.
    private static func role(of name: String) throws(SEVSNPError) -> (AMDCertificateRole, SNPProduct?) {
        func product(_ suffix: Substring) throws(SEVSNPError) -> SNPProduct {
            guard let product = SNPProduct(rawValue: String(suffix)) else {
                throw SEVSNPError(.unsupportedProduct, "certificate \(name) names an unsupported product")
            }
            return product
        }
        if name == "SEV-VCEK" { return (.vcek, nil) }
        if name == "SEV-VLEK" { return (.vlek, nil) }
        if name.hasPrefix("SEV-VLEK-") { return (.asvk, try product(name.dropFirst("SEV-VLEK-".count))) }
        if name.hasPrefix("ARK-") { return (.ark, try product(name.dropFirst("ARK-".count))) }
        if name.hasPrefix("SEV-") { return (.ask, try product(name.dropFirst("SEV-".count))) }
        throw SEVSNPError(.chainMalformed, "unknown certificate \(name)")
    }

    /// Verifies the chain for `product` at `now` (§3.1, §3.2, §5 step 6) and returns the leaf's P-384 key.
    ///
    /// The ARK must carry the pinned key for the product and sign itself; the intermediate must be signed by the
    /// ARK and the leaf by the intermediate, each with exactly AMD's RSASSA-PSS profile; names are AMD's; every
    /// certificate is valid at `now`; the ARK and the intermediate are CAs with the required key usage.
    public func verify(product expected: SNPProduct, anchors: AMDTrustAnchors, at now: Date) throws(SEVSNPError)
        -> P384.Signing.PublicKey
    {
        guard product == expected else {
            throw SEVSNPError(.productMismatch, "the report is from \(expected.rawValue), the chain is \(product.rawValue)'s")
        }
        guard let pin = anchors.spkiSHA256[product], Array(SHA256.hash(data: ark.subjectPublicKeyInfo)) == pin else {
            throw SEVSNPError(.untrustedRoot, "the ARK's key is not the pinned \(product.rawValue) root key")
        }
        for (certificate, role) in [(ark, AMDCertificateRole.ark), (intermediate, intermediateRole), (leaf, leafRole)] {
            guard RSAPSSProfile.matches(certificate.signatureAlgorithm) else {
                throw SEVSNPError(
                    .certificateSignatureAlgorithmUnexpected(role), "not RSASSA-PSS/SHA-384/MGF1-SHA-384/salt 48"
                )
            }
        }
        let arkKey = try Self.rsaKey(ark, role: .ark)
        guard ark.isSelfIssued, RSAPSSProfile.isValid(signature: ark.signature, message: ark.tbsBytes, key: arkKey) else {
            throw SEVSNPError(.untrustedRoot, "the ARK is not self-signed with the pinned key")
        }
        guard intermediate.issuer == ark.subject,
            RSAPSSProfile.isValid(signature: intermediate.signature, message: intermediate.tbsBytes, key: arkKey)
        else {
            throw SEVSNPError(.certificateSignatureInvalid(intermediateRole), "not signed by the pinned ARK")
        }
        let intermediateKey = try Self.rsaKey(intermediate, role: intermediateRole)
        guard leaf.issuer == intermediate.subject,
            RSAPSSProfile.isValid(signature: leaf.signature, message: leaf.tbsBytes, key: intermediateKey)
        else {
            throw SEVSNPError(.certificateSignatureInvalid(leafRole), "not signed by the \(intermediateRole.rawValue.uppercased())")
        }
        let names: [(AMDCertificate, AMDCertificateRole, String)] = [
            (ark, .ark, "ARK-\(product.rawValue)"),
            (intermediate, intermediateRole, (leafKind == .vlek ? "SEV-VLEK-" : "SEV-") + product.rawValue),
            (leaf, leafRole, leafKind == .vlek ? "SEV-VLEK" : "SEV-VCEK"),
        ]
        for (certificate, role, commonName) in names {
            guard certificate.subject.isAMDName(commonName: commonName) else {
                throw SEVSNPError(.certificateNameInvalid(role), "the subject is not AMD's \(commonName)")
            }
            guard certificate.version == 2 else { throw SEVSNPError(.certificateMalformed(role), "not X.509 v3") }
        }
        for (certificate, role, _) in names {
            guard certificate.notBefore <= now else {
                throw SEVSNPError(.certificateNotYetValid(role), "valid from \(certificate.notBefore)")
            }
            guard now <= certificate.notAfter else {
                throw SEVSNPError(.certificateExpired(role), "expired at \(certificate.notAfter)")
            }
        }
        let arkConstraints = try CertificateConstraints(ark, role: .ark)
        guard arkConstraints.isCA == true, arkConstraints.keyCertSign == true, arkConstraints.crlSign == true else {
            throw SEVSNPError(.certificateConstraintsViolated(.ark), "the ARK must be a CA with keyCertSign and cRLSign")
        }
        let intermediateConstraints = try CertificateConstraints(intermediate, role: intermediateRole)
        guard intermediateConstraints.isCA == true, intermediateConstraints.pathLength == 0,
            intermediateConstraints.keyCertSign == true
        else {
            throw SEVSNPError(
                .certificateConstraintsViolated(intermediateRole), "the intermediate must be a CA with pathLen 0 and keyCertSign"
            )
        }
        guard try CertificateConstraints(leaf, role: leafRole).isCA != true else {
            throw SEVSNPError(.certificateConstraintsViolated(leafRole), "the leaf claims CA:TRUE")
        }
        do {
            return try P384.Signing.PublicKey(derRepresentation: leaf.subjectPublicKeyInfo)
        } catch {
            throw SEVSNPError(.certificateMalformed(leafRole), "the key is not ECDSA P-384: \(error)")
        }
    }

    private static func rsaKey(_ certificate: AMDCertificate, role: AMDCertificateRole) throws(SEVSNPError)
        -> _RSA.Signing.PublicKey
    {
        do {
            return try _RSA.Signing.PublicKey(derRepresentation: certificate.subjectPublicKeyInfo)
        } catch {
            throw SEVSNPError(.certificateMalformed(role), "the key is not RSA (at least 2048 bits): \(error)")
        }
    }
}
