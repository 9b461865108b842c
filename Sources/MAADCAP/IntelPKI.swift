import Crypto
import Foundation
import MAAPKI
import SwiftASN1
import X509

/// Role checks for the fixed-shape Intel SGX PKI (§3 of the spec): exact subject DNs, key usage, basic
/// constraints, key identifiers and signatures. Validity periods are checked separately, per verification time.
enum IntelPKI {
    static func name(_ cn: String) -> DistinguishedName {
        (try? DistinguishedName {
            CommonName(cn)
            OrganizationName("Intel Corporation")
            LocalityName("Santa Clara")
            StateOrProvinceName("CA")
            CountryName("US")
        }) ?? DistinguishedName()
    }

    static let rootName = name("Intel SGX Root CA")
    static let processorCAName = name("Intel SGX PCK Processor CA")
    static let platformCAName = name("Intel SGX PCK Platform CA")
    static let pckName = name("Intel SGX PCK Certificate")
    static let tcbSigningName = name("Intel SGX TCB Signing")

    // The DER of the names above, for byte comparisons (empty if serialisation failed: comparisons then fall back
    // to the parsed names).
    static let rootNameDER = der(rootName)
    static let processorCANameDER = der(processorCAName)
    static let platformCANameDER = der(platformCAName)
    static let pckNameDER = der(pckName)
    static let tcbSigningNameDER = der(tcbSigningName)

    static func der(_ name: DistinguishedName) -> [UInt8] {
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(name)) != nil else { return [] }
        return serializer.serializedBytes
    }

    /// The DER of a certificate's issuer and subject names.
    static func names(_ cert: Certificate) -> CertificateNameBytes? {
        CertificateNameBytes(tbsCertificate: cert.tbsCertificateBytes)
    }

    /// Name equality: identical DER encodings settle it (the same bytes parse to the same name); otherwise the
    /// parsed names are compared (`parsedEqual`).
    static func sameName(_ a: ArraySlice<UInt8>?, _ b: ArraySlice<UInt8>?, _ parsedEqual: () -> Bool) -> Bool {
        if let a, let b, PEMChain.sameBytes(a, b) { return true }
        return parsedEqual()
    }

    /// Whether `cert`'s subject is `name` (whose DER is `nameDER`).
    static func hasSubject(_ cert: Certificate, _ name: DistinguishedName, _ nameDER: [UInt8], names: CertificateNameBytes?) -> Bool {
        sameName(names?.subject, nameDER[...]) { cert.subject == name }
    }

    /// Checks the root: exact name, self-issued and self-signed, pinned key, CA constraints.
    static func checkRoot(_ root: Certificate, anchor: TrustAnchor) throws(DCAPError) {
        // A root whose exact TBS bytes and signature were checked against this anchor before carries the same
        // key: skip the key comparison (which re-encodes both points) and the self-signature.
        if !CheckedRoots.shared.contains(root, anchor: anchor) {
            guard root.publicKey == anchor.certificateKey else { throw DCAPError(.untrustedRoot, "root key is not the pinned key") }
            guard root.subject == rootName, root.issuer == root.subject else {
                throw DCAPError(.untrustedRoot, "root is not the self-issued Intel SGX Root CA")
            }
            guard root.publicKey.isValidSignature(root.signature, for: root) else {
                throw DCAPError(.certificateSignatureInvalid(.root), "root self-signature")
            }
            CheckedRoots.shared.insert(root, anchor: anchor)
        }
        let names = names(root)
        guard hasSubject(root, rootName, rootNameDER, names: names),
            sameName(names?.issuer, names?.subject, { root.issuer == root.subject })
        else {
            throw DCAPError(.untrustedRoot, "root is not the self-issued Intel SGX Root CA")
        }
        try checkCA(root, role: .root, pathLength: 1)
        try checkKeyIdentifiers(child: root, parent: root, role: .root)
    }

    /// Checks `child` is issued and signed by `parent`. `signatureAlreadyVerified` skips only the signature
    /// computation, for a certificate whose identical bytes were verified against the same parent in this call.
    static func checkIssued(
        _ child: Certificate, by parent: Certificate, role: CertificateRole, signatureAlreadyVerified: Bool = false
    ) throws(DCAPError) {
        guard sameName(names(child)?.issuer, names(parent)?.subject, { child.issuer == parent.subject }) else {
            throw DCAPError(.certificateSignatureInvalid(role), "issuer \(child.issuer) is not \(parent.subject)")
        }
        guard signatureAlreadyVerified || parent.publicKey.isValidSignature(child.signature, for: child) else {
            throw DCAPError(.certificateSignatureInvalid(role), "signature does not verify with the issuer key")
        }
        try checkKeyIdentifiers(child: child, parent: parent, role: role)
    }

    static func checkKeyIdentifiers(child: Certificate, parent: Certificate, role: CertificateRole) throws(DCAPError) {
        let aki: AuthorityKeyIdentifier?
        let ski: SubjectKeyIdentifier?
        do {
            aki = try child.extensions.authorityKeyIdentifier
            ski = try parent.extensions.subjectKeyIdentifier
        } catch {
            throw DCAPError(.certificateConstraintsViolated(role), "key identifier extension: \(error)")
        }
        if let akiID = aki?.keyIdentifier, akiID.isEmpty {
            throw DCAPError(.certificateConstraintsViolated(role), "empty authority key identifier")
        }
        if let ski, ski.keyIdentifier.isEmpty {
            throw DCAPError(.certificateConstraintsViolated(role), "empty subject key identifier")
        }
        if let akiID = aki?.keyIdentifier, let ski, akiID != ski.keyIdentifier {
            throw DCAPError(.certificateConstraintsViolated(role), "authority key identifier does not match the issuer")
        }
    }

    static func checkCA(_ cert: Certificate, role: CertificateRole, pathLength: Int) throws(DCAPError) {
        do {
            guard case .isCertificateAuthority(let maxPath)? = try cert.extensions.basicConstraints,
                maxPath.map({ $0 <= pathLength }) ?? false
            else { throw DCAPError(.certificateConstraintsViolated(role), "not a CA with pathLen ≤ \(pathLength)") }
            guard let usage = try cert.extensions.keyUsage, usage.keyCertSign, usage.cRLSign else {
                throw DCAPError(.certificateConstraintsViolated(role), "CA key usage lacks keyCertSign/cRLSign")
            }
        } catch let error as DCAPError {
            throw error
        } catch {
            throw DCAPError(.certificateConstraintsViolated(role), "\(error)")
        }
    }

    static func checkEndEntity(_ cert: Certificate, role: CertificateRole) throws(DCAPError) {
        do {
            switch try cert.extensions.basicConstraints {
            case .isCertificateAuthority?: throw DCAPError(.certificateConstraintsViolated(role), "end entity is a CA")
            default: break
            }
            guard let usage = try cert.extensions.keyUsage, usage.digitalSignature, !usage.keyCertSign, !usage.cRLSign else {
                throw DCAPError(.certificateConstraintsViolated(role), "key usage must be digitalSignature only")
            }
        } catch let error as DCAPError {
            throw error
        } catch {
            throw DCAPError(.certificateConstraintsViolated(role), "\(error)")
        }
        guard P256.Signing.PublicKey(cert.publicKey) != nil else {
            throw DCAPError(.certificateConstraintsViolated(role), "key is not P-256")
        }
    }

    /// `notBefore ≤ now ≤ notAfter`.
    static func checkValidity(_ cert: Certificate, role: CertificateRole, at now: Date) throws(DCAPError) {
        guard now >= cert.notValidBefore else { throw DCAPError(.certificateNotYetValid(role), "valid from \(cert.notValidBefore)") }
        guard now <= cert.notValidAfter else { throw DCAPError(.certificateExpired(role), "expired \(cert.notValidAfter)") }
    }

    /// Parses a CRL and binds it to its issuer (DN, AKI, signature, CRL Number).
    static func checkCRL(_ der: [UInt8], issuer: Certificate, which: CRLKind) throws(DCAPError) -> CertificateRevocationList {
        let crl: CertificateRevocationList
        do {
            let known = names(issuer).map { (bytes: $0.subject, name: issuer.subject) }
            crl = try CertificateRevocationList(derEncoded: der, knownIssuer: known)
        } catch {
            throw DCAPError(.crlMalformed(which), "\(error)")
        }
        guard sameName(crl.issuerBytes, names(issuer)?.subject, { crl.issuer == issuer.subject }) else {
            throw DCAPError(.crlIssuerMismatch(which), "CRL issuer \(crl.issuer) is not \(issuer.subject)")
        }
        guard let crlAKI = crl.authorityKeyIdentifier, crl.crlNumber != nil else {
            throw DCAPError(.crlMalformed(which), "CRL lacks the AKI or CRL Number extension")
        }
        let ski = (try? issuer.extensions.subjectKeyIdentifier)?.map { Array($0.keyIdentifier) }
        guard let ski, ski == crlAKI else {
            throw DCAPError(.crlIssuerMismatch(which), "CRL authority key identifier does not match the issuer")
        }
        guard crl.nextUpdate != nil else { throw DCAPError(.crlMalformed(which), "CRL without nextUpdate") }
        guard crl.isSignatureValid(for: issuer.publicKey) else { throw DCAPError(.crlSignatureInvalid(which)) }
        return crl
    }

    static func checkCRLValidity(_ crl: CertificateRevocationList, which: CRLKind, at now: Date) throws(DCAPError) {
        guard now >= crl.thisUpdate else { throw DCAPError(.crlNotYetValid(which), "thisUpdate \(crl.thisUpdate)") }
        guard let next = crl.nextUpdate, now <= next else { throw DCAPError(.crlExpired(which), "nextUpdate passed") }
    }
}


/// Root certificates already proven self-signed by a pinned key, process-wide. The Intel root is a constant
/// that every chain and collateral set repeats; its self-signature is computed once per distinct certificate.
/// Entries are matched on the exact TBS bytes, signature and anchor key (a byte comparison: there are one or two).
final class CheckedRoots: @unchecked Sendable {
    static let shared = CheckedRoots()

    private struct Entry {
        let tbs: [UInt8]
        let signature: Certificate.Signature
        let anchor: [UInt8]
    }

    private let lock = NSLock()
    private var entries: [Entry] = []

    func contains(_ root: Certificate, anchor: TrustAnchor) -> Bool {
        let tbs = root.tbsCertificateBytes
        return lock.withLock {
            entries.contains { entry in
                PEMChain.sameBytes(entry.tbs[...], tbs) && entry.signature == root.signature && entry.anchor == anchor.rawKey
            }
        }
    }

    func insert(_ root: Certificate, anchor: TrustAnchor) {
        let entry = Entry(tbs: Array(root.tbsCertificateBytes), signature: root.signature, anchor: anchor.rawKey)
        lock.withLock {
            if entries.count >= 64 { entries.removeAll() }
            entries.append(entry)
        }
    }
}
