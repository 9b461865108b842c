import Crypto
public import Foundation
import MAAWire

/// Verifies Intel SGX / TDX ECDSA (DCAP) quotes and OpenEnclave reports against offline collateral.
///
/// Synchronous and pure: the verification time is a parameter, nothing is fetched, logged or read from the
/// clock. The only state is a memo of already-checked PCK chains (keyed by the SHA-256 of the chain bytes), so
/// a platform's certificates are parsed and signature-checked once.
public struct DCAPVerifier: Sendable {
    /// Verifier configuration. Defaults are the secure ones.
    public struct Options: Sendable {
        /// The pinned root key. Default: Intel's SGX Root CA key.
        public var trustAnchor: TrustAnchor = .intel
        /// How many checked PCK chains to remember (0 disables the memo).
        public var chainCacheCapacity: Int = 1024

        public init(trustAnchor: TrustAnchor = .intel, chainCacheCapacity: Int = 1024) {
            self.trustAnchor = trustAnchor
            self.chainCacheCapacity = chainCacheCapacity
        }
    }

    public let options: Options
    let chainCache: PCKChainCache

    public init(options: Options = Options()) {
        self.options = options
        self.chainCache = PCKChainCache(capacity: options.chainCacheCapacity)
    }

    /// Verifies a raw SGX or TDX quote against verified collateral at `now`.
    public func verify(quote bytes: [UInt8], collateral: VerifiedCollateral, at now: Date) throws(DCAPError) -> VerifiedQuote {
        let quote = try Quote(bytes)
        return try verify(quote, evidence: bytes, kind: quote.teeType == .sgx ? .sgxQuote : .tdxQuote, collateral: collateral, at: now)
    }

    /// Verifies an OpenEnclave report (16-byte header + SGX quote); `quotehash` covers the whole report.
    public func verify(openEnclaveReport bytes: [UInt8], collateral: VerifiedCollateral, at now: Date) throws(DCAPError) -> VerifiedQuote {
        try verify(try Self.openEnclaveQuote(bytes), evidence: bytes, kind: .openEnclaveReport, collateral: collateral, at: now)
    }

    /// The SGX quote inside an OpenEnclave report.
    static func openEnclaveQuote(_ bytes: [UInt8]) throws(DCAPError) -> Quote {
        let quote = try Quote(try OpenEnclaveReport(bytes).quoteBytes)
        guard quote.teeType == .sgx else { throw DCAPError(.openEnclaveHeaderInvalid, "OpenEnclave report holds a TDX quote") }
        return quote
    }

    /// Convenience: verifies the collateral bundle too (everything from bytes).
    public func verify(quote bytes: [UInt8], collateral: CollateralBundle, at now: Date) throws(DCAPError) -> VerifiedQuote {
        try verify(quote: bytes, collateral: try VerifiedCollateral(collateral, trustAnchor: options.trustAnchor), at: now)
    }

    /// Convenience: verifies an OpenEnclave report and the collateral bundle.
    public func verify(openEnclaveReport bytes: [UInt8], collateral: CollateralBundle, at now: Date) throws(DCAPError) -> VerifiedQuote {
        try verify(openEnclaveReport: bytes, collateral: try VerifiedCollateral(collateral, trustAnchor: options.trustAnchor), at: now)
    }

    /// The PEM of a quote's PCK chain: embedded in its certification data (type 5), else the one collateral carries.
    static func pckChainPEM(of quote: Quote, collateralChain: String?) throws(DCAPError) -> ArraySlice<UInt8> {
        if quote.certificationData.type == 5 { return quote.certificationData.data }
        guard let collateralChain else {
            throw DCAPError(.pckChainUnavailable, "certification data type \(quote.certificationData.type) and no PCK chain")
        }
        return Array(collateralChain.utf8)[...]
    }

    /// The verification pipeline (spec §5), in order. `knownChain` is the quote's PCK chain when the caller has already
    /// obtained it from this verifier (checked up to the trust anchor).
    func verify(
        _ quote: Quote, evidence: [UInt8], kind: EvidenceKind, collateral: VerifiedCollateral, at now: Date,
        chain knownChain: PCKChain? = nil
    ) throws(DCAPError) -> VerifiedQuote {
        // 1. The quote was parsed by the caller (header, sizes, certification-data types).
        // 2. Obtain the PCK chain: embedded (type 5) or from the collateral.
        guard collateral.trustAnchor == options.trustAnchor else {
            throw DCAPError(.untrustedRoot, "collateral was verified against another trust anchor")
        }
        let chain: PCKChain
        if let knownChain {
            chain = knownChain
        } else {
            chain = try chainCache.chain(
                for: try Self.pckChainPEM(of: quote, collateralChain: collateral.bundle.pckCertificateChain),
                anchor: options.trustAnchor, verifiedIntermediate: collateral.pckCRLIssuerParsed,
                verifiedRoot: collateral.rootParsed, knownPEM: collateral.pckCRLChainPEM)
        }
        // 3–6. Collateral: signatures and contents were checked once; re-check windows at `now` and the TEE type.
        try collateral.checkCurrent(at: now)
        guard collateral.tcbInfo.id == quote.teeType else {
            throw DCAPError(.collateralTypeMismatch(.tcbInfo), "TCB Info for \(collateral.tcbInfo.id), quote is \(quote.teeType)")
        }
        guard collateral.qeIdentity.id == quote.teeType else {
            throw DCAPError(.collateralTypeMismatch(.qeIdentity), "QE Identity for \(collateral.qeIdentity.id)")
        }
        // 6. The PCK CRL must come from the intermediate of this chain.
        // (Identical certificate bytes settle it; otherwise compare subject and key.)
        guard chain.intermediateDER == collateral.pckCRLIssuerParsed.derBytes
            || (chain.intermediate.subject == collateral.pckCRLIssuer.subject
                && chain.intermediate.publicKey == collateral.pckCRLIssuer.publicKey)
        else { throw DCAPError(.crlIssuerMismatch(.pck), "PCK CRL is from another CA than the quote's PCK CA") }
        // 7. PCK chain validity and revocation.
        try chain.checkValidity(at: now)
        guard !collateral.rootCRL.isRevoked(chain.intermediate.serialNumber) else {
            throw DCAPError(.certificateRevoked(.intermediate), "PCK CA is revoked")
        }
        guard !collateral.pckCRL.isRevoked(chain.leaf.serialNumber) else {
            throw DCAPError(.certificateRevoked(.pck), "PCK certificate is revoked")
        }
        // 8. PCK extension (parsed with the chain).
        let pck = chain.sgxExtension
        // 9. Bind the TCB Info to the platform.
        guard collateral.tcbInfo.fmspc == pck.fmspc else { throw DCAPError(.fmspcMismatch, "TCB Info is for another FMSPC") }
        guard collateral.tcbInfo.pceID == pck.pceID else { throw DCAPError(.pceIdMismatch, "TCB Info is for another PCE") }
        // 10. QE report signature by the PCK key.
        guard let qeSignature = try? P256.Signing.ECDSASignature(rawRepresentation: quote.qeReportSignature),
            chain.leafKey.key.isValidSignature(qeSignature, for: quote.qeReport.rawBytes)
        else { throw DCAPError(.qeReportSignatureInvalid) }
        // 11. QE report data = SHA-256(attestation key ‖ QE auth data) ‖ 32 zero bytes.
        var hasher = SHA256()
        hasher.update(data: quote.attestationKey)
        hasher.update(data: quote.qeAuthData)
        let expected = Array(hasher.finalize()) + [UInt8](repeating: 0, count: 32)
        guard quote.qeReport.reportData.bytes == expected else { throw DCAPError(.qeReportDataMismatch) }
        // 12. QE identity: masked MISCSELECT and ATTRIBUTES, MRSIGNER, ISVPRODID; then the QE TCB level.
        let identity = collateral.qeIdentity
        let misc = withUnsafeBytes(of: quote.qeReport.miscSelect.littleEndian, Array.init)
        guard zip(misc, identity.miscSelectMask).map({ $0 & $1 }) == identity.miscSelect else {
            throw DCAPError(.qeIdentityMismatch("miscselect"))
        }
        guard zip(quote.qeReport.attributes.bytes, identity.attributesMask).map({ $0 & $1 }) == identity.attributes else {
            throw DCAPError(.qeIdentityMismatch("attributes"))
        }
        guard quote.qeReport.mrSigner.bytes == identity.mrSigner else { throw DCAPError(.qeIdentityMismatch("mrsigner")) }
        guard quote.qeReport.isvProductID == identity.isvProductID else { throw DCAPError(.qeIdentityMismatch("isvprodid")) }
        let qeLevel = try TCBEvaluator.qeLevel(identity, isvSVN: quote.qeReport.isvSVN)
        // 13. (TDX module identity is checked inside the TCB evaluation, step 15, before level matching.)
        // 14. Quote signature by the attestation key over header ‖ body.
        guard let attestationKey = try? P256.Signing.PublicKey(rawRepresentation: quote.attestationKey) else {
            throw DCAPError(.attestationKeyInvalid)
        }
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: quote.signature),
            attestationKey.isValidSignature(signature, for: quote.signedBytes)
        else { throw DCAPError(.quoteSignatureInvalid) }
        // 15. TCB evaluation (with TD relaunch advice for TD 1.5 bodies); Revoked is a failure.
        var tcb: TCBEvaluation
        switch quote.body {
        case .sgx:
            tcb = try TCBEvaluator.evaluate(info: collateral.tcbInfo, qe: qeLevel, pck: pck, td: nil, teeTCBSVN: nil)
        case .td(let td):
            tcb = try TCBEvaluator.evaluate(info: collateral.tcbInfo, qe: qeLevel, pck: pck, td: td, teeTCBSVN: td.teeTCBSVN.bytes)
            if let svn2 = td.teeTCBSVN2 {
                let current = try TCBEvaluator.evaluate(info: collateral.tcbInfo, qe: qeLevel, pck: pck, td: td, teeTCBSVN: svn2.bytes)
                tcb = TCBEvaluator.relaunch(launch: tcb, current: current)
            }
        }
        guard tcb.status != .revoked else { throw DCAPError(.tcbRevoked, "TCB status Revoked") }
        // 16. Report-level facts are carried in the result (debug bits, TD attributes, MRSERVICETD).
        return VerifiedQuote(
            kind: kind, quote: quote, tcb: tcb, pck: pck,
            tcbInfoEvaluationDataNumber: collateral.tcbInfo.tcbEvaluationDataNumber,
            qeIdentityEvaluationDataNumber: identity.tcbEvaluationDataNumber,
            collateralHashes: collateral.hashes, evidenceHash: Hex.encode(SHA256.hash(data: evidence)),
            validFrom: max(collateral.validFrom, chain.leaf.notValidBefore, chain.intermediate.notValidBefore, chain.root.notValidBefore),
            validUntil: min(collateral.validUntil, chain.leaf.notValidAfter, chain.intermediate.notValidAfter, chain.root.notValidAfter)
        )
    }
}
