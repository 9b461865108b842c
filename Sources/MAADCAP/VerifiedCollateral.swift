import Crypto
public import Foundation
import MAAPKI
import MAAWire
public import X509

/// A collateral set whose signatures, chains, CRL bindings and document contents have been verified once
/// (spec §5 steps 3–6 without the time checks), ready to be reused for many quotes.
///
/// Everything here is independent of the verification time except the validity windows, which
/// ``checkCurrent(at:)`` re-checks on every use (cheap date comparisons). Immutable; a class so that handing a set to
/// each verification shares it instead of copying its ≈ 90 references.
public final class VerifiedCollateral: Sendable {
    /// The bundle as received.
    public let bundle: CollateralBundle
    /// The anchor it was verified against.
    public let trustAnchor: TrustAnchor
    public let tcbInfo: TCBInfo
    public let qeIdentity: QEIdentity
    /// The TEE the TCB Info is for.
    public var teeType: TEEType { tcbInfo.id }
    /// The PCK CA that issued the PCK CRL (processor or platform).
    public let pckCAKind: PCKExtension.CAKind
    /// The PCK CA certificate from `pck_crl_issuer_chain`.
    public let pckCRLIssuer: Certificate
    /// The collateral hashes MAA reports in `x-ms-sgx-collateral` (all but `quotehash`).
    public let hashes: CollateralHashes
    /// Latest start and earliest end of all validity windows (documents, CRLs, signing chains).
    public let validFrom: Date
    public let validUntil: Date

    let rootCRL: CertificateRevocationList
    let pckCRL: CertificateRevocationList
    let tcbChain: [Certificate]
    let qeChain: [Certificate]
    let pckCRLChain: [Certificate]
    let pckCRLIssuerParsed: ParsedCertificate
    let rootParsed: ParsedCertificate?
    /// `pck_crl_issuer_chain` and its DER, which the quote's PCK chain normally ends with.
    let pckCRLChainPEM: PEMChain.Known

    /// Verifies a bundle's signatures and contents, then checks it is current at `now`.
    public convenience init(_ bundle: CollateralBundle, trustAnchor: TrustAnchor = .intel, at now: Date) throws(DCAPError) {
        try self.init(bundle, trustAnchor: trustAnchor)
        try checkCurrent(at: now)
    }

    /// Verifies a bundle's signatures and contents without any time check (call ``checkCurrent(at:)`` before use).
    public init(_ bundle: CollateralBundle, trustAnchor: TrustAnchor = .intel) throws(DCAPError) {
        self.bundle = bundle
        self.trustAnchor = trustAnchor
        // Signing chains: exactly [TCB Signing, Root], root pinned.
        let (tcbChain, tcbChainDER) = try Self.signingChain(bundle.tcbInfoIssuerChain, anchor: trustAnchor, doc: .tcbInfo)
        // Intel serves the same chain for both documents: check it once when the bytes are identical.
        let qeChain =
            bundle.qeIdentityIssuerChain == bundle.tcbInfoIssuerChain
            ? tcbChain : try Self.signingChain(bundle.qeIdentityIssuerChain, anchor: trustAnchor, doc: .qeIdentity).0
        // Step 3: Root CA CRL, verified with the pinned root (whose certificate the chain carries).
        let rootCRL = try IntelPKI.checkCRL(bundle.rootCACRL, issuer: tcbChain[1], which: .root)
        if rootCRL.isRevoked(tcbChain[0].serialNumber) {
            throw DCAPError(.certificateRevoked(.tcbSigning), "TCB Info signing certificate is revoked")
        }
        if rootCRL.isRevoked(qeChain[0].serialNumber) {
            throw DCAPError(.certificateRevoked(.tcbSigning), "QE Identity signing certificate is revoked")
        }
        // Step 4: TCB Info signature over the exact bytes, then parse. (The digest is also the reported hash.)
        let tcbInfoDigest = SHA256.hash(data: bundle.tcbInfo)
        let qeIdentityDigest = SHA256.hash(data: bundle.qeIdentity)
        try Self.checkSignature(bundle.tcbInfoSignature, over: tcbInfoDigest, by: tcbChain[0], doc: .tcbInfo)
        let tcbInfo = try TCBInfo(jsonBytes: bundle.tcbInfo)
        // Step 5: QE Identity.
        try Self.checkSignature(bundle.qeIdentitySignature, over: qeIdentityDigest, by: qeChain[0], doc: .qeIdentity)
        let qeIdentity = try QEIdentity(jsonBytes: bundle.qeIdentity)
        guard qeIdentity.id == tcbInfo.id else {
            throw DCAPError(.collateralTypeMismatch(.qeIdentity), "QE Identity is for \(qeIdentity.id), TCB Info for \(tcbInfo.id)")
        }
        // Step 6: PCK CRL with its issuer chain [PCK CA, Root].
        var pckCRLChain: [Certificate] = []
        var pckCRLChainDER: [[UInt8]] = []
        do {
            // The root usually repeats the signing chain's root block byte for byte: not decoded again.
            pckCRLChainDER = try PEMChain.derBlocks(
                bundle.pckCRLIssuerChain.utf8, maximumCount: 2,
                reusing: PEMChain.Known.lastBlock(of: bundle.tcbInfoIssuerChain.utf8, der: tcbChainDER))
            for der in pckCRLChainDER {
                pckCRLChain.append(der == tcbChainDER.last ? tcbChain[1] : try Certificate(derEncoded: der))
            }
        } catch {
            throw DCAPError(.crlIssuerMismatch(.pck), "pck_crl_issuer_chain: \(error)")
        }
        guard pckCRLChain.count == 2 else { throw DCAPError(.crlIssuerMismatch(.pck), "pck_crl_issuer_chain needs 2 certificates") }
        do {
            // The same root certificate was already checked with the signing chain.
            if pckCRLChainDER[1] != tcbChainDER.last { try IntelPKI.checkRoot(pckCRLChain[1], anchor: trustAnchor) }
            try IntelPKI.checkIssued(pckCRLChain[0], by: pckCRLChain[1], role: .intermediate)
            try IntelPKI.checkCA(pckCRLChain[0], role: .intermediate, pathLength: 0)
        } catch where error.code == .untrustedRoot {
            throw error
        } catch {
            throw DCAPError(.crlIssuerMismatch(.pck), "pck_crl_issuer_chain: \(error)")
        }
        let kind: PCKExtension.CAKind
        let caNames = IntelPKI.names(pckCRLChain[0])
        if IntelPKI.hasSubject(pckCRLChain[0], IntelPKI.processorCAName, IntelPKI.processorCANameDER, names: caNames) {
            kind = .processor
        } else if IntelPKI.hasSubject(pckCRLChain[0], IntelPKI.platformCAName, IntelPKI.platformCANameDER, names: caNames) {
            kind = .platform
        } else {
            throw DCAPError(.crlIssuerMismatch(.pck), "PCK CRL issuer is not an Intel PCK CA")
        }
        guard !rootCRL.isRevoked(pckCRLChain[0].serialNumber) else {
            throw DCAPError(.certificateRevoked(.intermediate), "PCK CA is revoked")
        }
        let pckCRL = try IntelPKI.checkCRL(bundle.pckCRL, issuer: pckCRLChain[0], which: .pck)

        self.tcbInfo = tcbInfo
        self.qeIdentity = qeIdentity
        self.rootCRL = rootCRL
        self.pckCRL = pckCRL
        self.tcbChain = tcbChain
        self.qeChain = qeChain
        self.pckCRLChain = pckCRLChain
        self.pckCRLIssuer = pckCRLChain[0]
        self.pckCRLIssuerParsed = ParsedCertificate(
            derBytes: pckCRLChainDER[0], certificate: pckCRLChain[0], checkedIssuerDER: pckCRLChainDER[1])
        self.pckCRLChainPEM = PEMChain.Known(text: bundle.pckCRLIssuerChain.utf8, der: pckCRLChainDER)
        self.rootParsed = tcbChainDER.count == 2 ? ParsedCertificate(derBytes: tcbChainDER[1], certificate: tcbChain[1]) : nil
        self.pckCAKind = kind
        let rootCRLHash = Hex.encode(SHA256.hash(data: bundle.rootCACRL))
        let tcbInfoCertsHash = Hex.encode(SHA256.hash(data: Array(bundle.tcbInfoIssuerChain.utf8)))
        self.hashes = CollateralHashes(
            tcbInfoHash: Hex.encode(tcbInfoDigest),
            qeIDHash: Hex.encode(qeIdentityDigest),
            tcbInfoCertsHash: tcbInfoCertsHash,
            qeIDCertsHash: bundle.qeIdentityIssuerChain == bundle.tcbInfoIssuerChain
                ? tcbInfoCertsHash : Hex.encode(SHA256.hash(data: Array(bundle.qeIdentityIssuerChain.utf8))),
            tcbInfoCRLHash: rootCRLHash,
            qeIDCRLHash: rootCRLHash
        )
        var from = max(tcbInfo.issueDate, qeIdentity.issueDate, rootCRL.thisUpdate, pckCRL.thisUpdate)
        var until = min(tcbInfo.nextUpdate, qeIdentity.nextUpdate, rootCRL.nextUpdate ?? .distantPast, pckCRL.nextUpdate ?? .distantPast)
        for chain in [tcbChain, qeChain, pckCRLChain] {
            for index in chain.indices {
                from = max(from, chain[index].notValidBefore)
                until = min(until, chain[index].notValidAfter)
            }
        }
        self.validFrom = from
        self.validUntil = until
    }

    /// Re-checks every validity window at `now`, in the spec's step order (Root CA CRL, TCB Info with its
    /// chain, QE Identity with its chain, PCK CRL with its chain).
    public func checkCurrent(at now: Date) throws(DCAPError) {
        if now >= validFrom, now <= validUntil { return }
        try IntelPKI.checkCRLValidity(rootCRL, which: .root, at: now)
        try IntelPKI.checkValidity(tcbChain[1], role: .root, at: now)
        try IntelPKI.checkValidity(tcbChain[0], role: .tcbSigning, at: now)
        try Self.checkDocument(.tcbInfo, tcbInfo.issueDate, tcbInfo.nextUpdate, at: now)
        try IntelPKI.checkValidity(qeChain[1], role: .root, at: now)
        try IntelPKI.checkValidity(qeChain[0], role: .tcbSigning, at: now)
        try Self.checkDocument(.qeIdentity, qeIdentity.issueDate, qeIdentity.nextUpdate, at: now)
        try IntelPKI.checkValidity(pckCRLChain[1], role: .root, at: now)
        try IntelPKI.checkValidity(pckCRLChain[0], role: .intermediate, at: now)
        try IntelPKI.checkCRLValidity(pckCRL, which: .pck, at: now)
    }

    /// Whether the collateral is current at `now`.
    public func isCurrent(at now: Date) -> Bool { now >= validFrom && now <= validUntil }

    private static func checkDocument(_ doc: CollateralDocument, _ issue: Date, _ next: Date, at now: Date) throws(DCAPError) {
        guard now >= issue else { throw DCAPError(.collateralNotYetValid(doc), "issued \(issue)") }
        guard now <= next else { throw DCAPError(.collateralExpired(doc), "nextUpdate \(next)") }
    }

    private static func signingChain(
        _ pem: String, anchor: TrustAnchor, doc: CollateralDocument
    ) throws(DCAPError) -> ([Certificate], [[UInt8]]) {
        var chain: [Certificate] = []
        let der: [[UInt8]]
        do {
            der = try PEMCertificates.derBlocks(Array(pem.utf8), maximumCount: 2)
            for block in der { chain.append(try Certificate(derEncoded: block)) }
        } catch {
            throw DCAPError(.collateralMalformed(doc), "issuer chain: \(error)")
        }
        guard chain.count == 2 else { throw DCAPError(.collateralMalformed(doc), "issuer chain needs 2 certificates") }
        try IntelPKI.checkRoot(chain[1], anchor: anchor)
        guard IntelPKI.hasSubject(chain[0], IntelPKI.tcbSigningName, IntelPKI.tcbSigningNameDER, names: IntelPKI.names(chain[0])) else {
            throw DCAPError(.certificateConstraintsViolated(.tcbSigning), "subject \(chain[0].subject)")
        }
        try IntelPKI.checkIssued(chain[0], by: chain[1], role: .tcbSigning)
        try IntelPKI.checkEndEntity(chain[0], role: .tcbSigning)
        return (chain, der)
    }

    /// Checks an ECDSA P-256 signature whose message digest, SHA-256 of the exact body bytes, is `digest`.
    private static func checkSignature(_ signature: [UInt8], over digest: SHA256Digest, by signer: Certificate, doc: CollateralDocument) throws(DCAPError) {
        guard let key = P256.Signing.PublicKey(signer.publicKey),
            let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
            key.isValidSignature(sig, for: digest)
        else { throw DCAPError(.collateralSignatureInvalid(doc), "signature does not verify over the exact body bytes") }
    }
}

/// SHA-256 hashes (lowercase hex) of the collateral pieces, as in MAA's `x-ms-sgx-collateral`.
public struct CollateralHashes: Sendable, Hashable {
    /// Over the `tcb_info` bytes.
    public let tcbInfoHash: String
    /// Over the `qe_identity` bytes.
    public let qeIDHash: String
    /// Over the `tcb_info_issuer_chain` PEM bytes.
    public let tcbInfoCertsHash: String
    /// Over the `qe_identity_issuer_chain` PEM bytes.
    public let qeIDCertsHash: String
    /// Over the Root CA CRL DER.
    public let tcbInfoCRLHash: String
    /// Over the Root CA CRL DER.
    public let qeIDCRLHash: String
}
