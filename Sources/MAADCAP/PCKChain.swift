import Crypto
import Foundation
import MAAPKI
import X509

/// A PCK certificate chain (leaf, PCK CA, root) whose structure, signatures, constraints and SGX extension
/// have been checked (§3.2, §3.5). Validity periods and revocation are checked per verification. Immutable; a class
/// so that the memo and each verified quote share one chain instead of copying its references.
final class PCKChain: Sendable {
    let leaf: Certificate
    let intermediate: Certificate
    let root: Certificate
    let leafKey: P256.Signing.PublicKey.Sendable_
    let sgxExtension: PCKExtension
    /// The PCK CA certificate's DER bytes.
    let intermediateDER: [UInt8]

    /// Parses and checks a PEM chain. `verifiedIntermediate` is a PCK CA certificate already verified against
    /// the same root in this call (the collateral's PCK CRL issuer); an identical intermediate's signature is not
    /// re-verified. `verifiedRoot` is a root already checked against `anchor` (the collateral's); an identical
    /// root is not re-checked. `knownPEM` is PEM text whose blocks were already decoded.
    init(
        pem: ArraySlice<UInt8>, anchor: TrustAnchor, verifiedIntermediate: ParsedCertificate? = nil,
        verifiedRoot: ParsedCertificate? = nil, knownPEM: PEMChain.Known? = nil
    ) throws(DCAPError) {
        var certificates: [Certificate] = []
        var blocks: [[UInt8]] = []
        var reusedIntermediate = false
        var reusedRoot = false
        do {
            blocks = try PEMChain.derBlocks(pem, maximumCount: 3, reusing: knownPEM)
            for (index, der) in blocks.enumerated() {
                // Reuse the collateral's parsed PCK CA / root when the bytes are identical.
                if let known = verifiedIntermediate, known.derBytes == der {
                    reusedIntermediate = reusedIntermediate || index == 1
                    certificates.append(known.certificate)
                } else if let known = verifiedRoot, known.derBytes == der {
                    reusedRoot = reusedRoot || index == 2
                    certificates.append(known.certificate)
                } else {
                    certificates.append(try Certificate(derEncoded: der))
                }
            }
        } catch {
            throw DCAPError(.pckChainMalformed, "\(error)")
        }
        guard certificates.count == 3 else { throw DCAPError(.pckChainMalformed, "\(certificates.count) certificates, 3 required") }
        let (leaf, intermediate, root) = (certificates[0], certificates[1], certificates[2])
        // Order: the last must be self-issued, the others not.
        let rootNames = IntelPKI.names(root)
        let intermediateNames = IntelPKI.names(intermediate)
        let leafNames = IntelPKI.names(leaf)
        guard IntelPKI.sameName(rootNames?.subject, rootNames?.issuer, { root.subject == root.issuer }),
            !IntelPKI.sameName(intermediateNames?.subject, intermediateNames?.issuer, { intermediate.subject == intermediate.issuer }),
            !IntelPKI.sameName(leafNames?.subject, leafNames?.issuer, { leaf.subject == leaf.issuer })
        else {
            throw DCAPError(.pckChainMalformed, "chain is not leaf, intermediate, self-issued root")
        }
        // The collateral's root was checked against the same anchor (the verifier requires it): not again.
        if !reusedRoot { try IntelPKI.checkRoot(root, anchor: anchor) }
        let isPlatformCA = IntelPKI.hasSubject(intermediate, IntelPKI.platformCAName, IntelPKI.platformCANameDER, names: intermediateNames)
        guard isPlatformCA || IntelPKI.hasSubject(intermediate, IntelPKI.processorCAName, IntelPKI.processorCANameDER, names: intermediateNames) else {
            throw DCAPError(.certificateConstraintsViolated(.intermediate), "subject \(intermediate.subject)")
        }
        // The collateral's PCK CA was checked (issuer, signature, key identifiers, CA constraints) against a root:
        // when both certificates here are byte-identical to that pair, the result is known.
        let pairChecked = reusedIntermediate && verifiedIntermediate?.checkedIssuerDER == blocks[2]
        if !pairChecked {
            try IntelPKI.checkIssued(
                intermediate, by: root, role: .intermediate, signatureAlreadyVerified: reusedIntermediate)
            try IntelPKI.checkCA(intermediate, role: .intermediate, pathLength: 0)
        }
        guard IntelPKI.hasSubject(leaf, IntelPKI.pckName, IntelPKI.pckNameDER, names: leafNames) else {
            throw DCAPError(.certificateConstraintsViolated(.pck), "subject \(leaf.subject)")
        }
        try IntelPKI.checkIssued(leaf, by: intermediate, role: .pck)
        try IntelPKI.checkEndEntity(leaf, role: .pck)
        guard let key = P256.Signing.PublicKey(leaf.publicKey) else {
            throw DCAPError(.certificateConstraintsViolated(.pck), "PCK key is not P-256")
        }
        let ext = try PCKExtension(certificate: leaf)
        let expectedKind: PCKExtension.CAKind = isPlatformCA ? .platform : .processor
        guard ext.caKind == expectedKind else {
            throw DCAPError(.pckExtensionMalformed("outer"), "extension shape does not match the \(expectedKind) CA")
        }
        self.leaf = leaf
        self.intermediate = intermediate
        self.root = root
        self.leafKey = .init(key)
        self.sgxExtension = ext
        self.intermediateDER = blocks[1]
    }

    /// Validity of all three certificates at `now`.
    func checkValidity(at now: Date) throws(DCAPError) {
        try IntelPKI.checkValidity(root, role: .root, at: now)
        try IntelPKI.checkValidity(intermediate, role: .intermediate, at: now)
        try IntelPKI.checkValidity(leaf, role: .pck, at: now)
    }
}

extension P256.Signing.PublicKey {
    /// A `Sendable` holder for a P-256 public key (swift-crypto 3 does not mark the key `Sendable`; it is an
    /// immutable value).
    struct Sendable_: @unchecked Sendable {
        let key: P256.Signing.PublicKey
        init(_ key: P256.Signing.PublicKey) { self.key = key }
    }
}

/// A bounded, thread-safe memo of checked PCK chains keyed by SHA-256 of the chain bytes, so the certificates of
/// a platform are parsed and signature-checked once. Only successful checks are stored.
final class PCKChainCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [SHA256Digest: PCKChain] = [:]
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func chain(
        for pem: ArraySlice<UInt8>, anchor: TrustAnchor, verifiedIntermediate: ParsedCertificate? = nil,
        verifiedRoot: ParsedCertificate? = nil, knownPEM: PEMChain.Known? = nil
    ) throws(DCAPError) -> PCKChain {
        guard capacity > 0 else {
            return try PCKChain(
                pem: pem, anchor: anchor, verifiedIntermediate: verifiedIntermediate, verifiedRoot: verifiedRoot, knownPEM: knownPEM)
        }
        let key = SHA256.hash(data: pem)
        lock.lock()
        let cached = entries[key]
        lock.unlock()
        if let cached { return cached }
        let chain = try PCKChain(
            pem: pem, anchor: anchor, verifiedIntermediate: verifiedIntermediate, verifiedRoot: verifiedRoot, knownPEM: knownPEM)
        lock.lock()
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = chain
        lock.unlock()
        return chain
    }
}

/// A certificate with the DER bytes it was parsed from.
struct ParsedCertificate: Sendable {
    let derBytes: [UInt8]
    let certificate: Certificate
    /// The DER of the issuer this certificate was fully checked against (issuer name, signature, key
    /// identifiers, CA constraints), when it was.
    var checkedIssuerDER: [UInt8]? = nil
}
