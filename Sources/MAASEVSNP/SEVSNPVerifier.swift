public import Foundation
import Crypto
import _CryptoExtras

/// Verifies AMD SEV-SNP attestation reports offline against the pinned AMD roots (§5, §6).
///
/// Checks, in order: the report format; the product (CPUID, or the VCEK's product name for version 2); the chain
/// (roles, pinned ARK, RSASSA-PSS signatures, names, validity at `now`, constraints); the CRL when one is given;
/// the VCEK/VLEK extensions against the product; the report's ECDSA P-384 signature over `[0, 0x2A0)`; the chip
/// binding; the TCB rules. "now" is always a parameter.
public struct SEVSNPVerifier: Sendable {
    /// Verification settings. The defaults are the MAA-compatible service's (§7).
    public struct Options: Sendable, Hashable {
        /// The pinned ARK keys; AMD's by default.
        public var trustAnchors: AMDTrustAnchors
        /// Reject when no CRL is supplied for the product (`crlUnavailable`). Off by default: no CRL travels with
        /// the evidence, and absence is recorded as `revocationChecked == false`.
        public var requireCRL: Bool
        /// Treat VERSION 1 as version 2 (MAA's 2022 example). Off by default.
        public var compatVersion1: Bool
        /// Require COMMITTED_TCB == CURRENT_TCB (go-sev-guest's default). Off by default: only M ≤ C is required.
        public var requireCommittedEqualsCurrent: Bool
        /// Minimum REPORTED_TCB per product (`tcbBelowMinimum`).
        public var minimumTCB: [SNPProduct: MinimumTCB]
        /// Minimum LAUNCH_TCB per product (`tcbBelowMinimum`).
        public var minimumLaunchTCB: [SNPProduct: MinimumTCB]
        /// AMD ARK, ASK and ASVK certificates (DER, any products; e.g. AMD KDS's `cert_chain` files) that complete
        /// a request whose chain lacks them: the report's product picks them by subject name. They are checked
        /// exactly as if the request had sent them (the ARK against the pin, the ASK under the ARK).
        public var fallbackCertificates: [[UInt8]]

        public init(
            trustAnchors: AMDTrustAnchors = .amd, requireCRL: Bool = false, compatVersion1: Bool = false,
            requireCommittedEqualsCurrent: Bool = false, minimumTCB: [SNPProduct: MinimumTCB] = [:],
            minimumLaunchTCB: [SNPProduct: MinimumTCB] = [:], fallbackCertificates: [[UInt8]] = []
        ) {
            self.trustAnchors = trustAnchors
            self.requireCRL = requireCRL
            self.compatVersion1 = compatVersion1
            self.requireCommittedEqualsCurrent = requireCommittedEqualsCurrent
            self.minimumTCB = minimumTCB
            self.minimumLaunchTCB = minimumLaunchTCB
            self.fallbackCertificates = fallbackCertificates
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Verifies MAA's evidence document (the decoded `report` member of `/attest/SevSnpVm`).
    /// - Parameter crls: DER AMD CRLs by product; the one for the report's product is enforced when present.
    public func verify(evidenceDocument json: [UInt8], crls: [SNPProduct: [UInt8]] = [:], at now: Date) throws(SEVSNPError)
        -> VerifiedSNPReport
    {
        let envelope = try SNPEvidenceEnvelope(json: json)
        return try verify(report: envelope.report, certificates: envelope.certificates, crls: crls, at: now)
    }

    /// Verifies a report against its certificates (DER; VCEK/VLEK, ASK/ASVK and ARK in any order).
    public func verify(
        report bytes: [UInt8], certificates: [[UInt8]], crls: [SNPProduct: [UInt8]] = [:], at now: Date
    ) throws(SEVSNPError) -> VerifiedSNPReport {
        // 2. The report format.
        let report = try SNPAttestationReport(bytes, compatVersion1: options.compatVersion1)
        let cpuidProduct = try report.cpuidProduct()

        // 4–5. The chain's roles (completed from the fallback certificates), and the leaf the signer info names.
        let chain = try AMDCertificateChain(
            derCertificates: try completed(certificates, cpuidProduct: cpuidProduct), signingKey: report.signerInfo.signingKey
        )
        let leafExtensions = try VCEKExtensions(chain.leaf)

        // 3. The product: CPUID (v3+), else the leaf's product name, confirmed against the ARK/ASK names.
        guard let leafProduct = SNPProduct.fromProductName(leafExtensions.productName) else {
            throw SEVSNPError(.unsupportedProduct, "the \(chain.leafRole.rawValue.uppercased()) names product '\(leafExtensions.productName)'")
        }
        let product = cpuidProduct ?? leafProduct
        if cpuidProduct == nil, leafProduct != chain.product {
            throw SEVSNPError(
                .productMismatch, "the key is for '\(leafExtensions.productName)', the ARK/ASK for \(chain.product.rawValue)"
            )
        }
        if cpuidProduct == nil, product == .turin {
            throw SEVSNPError(.unsupportedReportVersion, "a Turin report must be version 3 or later")
        }
        let tcbs = report.tcbs(product: product)

        // 6. The chain, at `now`, under the pinned root for the product.
        let leafKey = try chain.verify(product: product, anchors: options.trustAnchors, at: now)

        // 7. Revocation.
        let revocationChecked = try checkRevocation(chain: chain, crl: crls[product], at: now)

        // 8. The leaf's extensions against the product (VCEK names carry a stepping; compare the family only).
        guard leafProduct == product else {
            throw SEVSNPError(.productMismatch, "the report is from \(product.rawValue), the key is for '\(leafExtensions.productName)'")
        }
        let certificateTCB = try leafExtensions.tcb(product: product)

        // 9. The report signature.
        let signature: P384.Signing.ECDSASignature
        do {
            signature = try P384.Signing.ECDSASignature(rawRepresentation: report.signatureR + report.signatureS)
        } catch {
            throw SEVSNPError(.reportSignatureInvalid, "R or S out of range")
        }
        guard leafKey.isValidSignature(signature, for: SHA384.hash(data: report.signedBytes)) else {
            throw SEVSNPError(.reportSignatureInvalid, "the report signature does not verify with the \(chain.leafRole.rawValue.uppercased())")
        }

        // 10. Chip binding (VCEK only).
        let chipIDMasked = report.chipID.allSatisfy { $0 == 0 }
        if chain.leafKind == .vcek {
            guard let hardwareID = leafExtensions.hardwareID else {
                throw SEVSNPError(.certificateExtensionMalformed("hwID"), "the VCEK has no hwID")
            }
            let idLength = product == .turin ? 8 : 64
            guard hardwareID.count == idLength else {
                throw SEVSNPError(.certificateExtensionMalformed("hwID"), "a \(product.rawValue) hwID has \(idLength) bytes, not \(hardwareID.count)")
            }
            if !chipIDMasked {
                guard Array(report.chipID.prefix(idLength)) == hardwareID,
                    report.chipID.dropFirst(idLength).allSatisfy({ $0 == 0 })
                else {
                    throw SEVSNPError(.chipIdMismatch, "the VCEK's hwID is not the report's CHIP_ID")
                }
            }
        }

        // 11. TCB consistency (§6).
        try checkTCB(tcbs, certificate: certificateTCB, product: product)

        return VerifiedSNPReport(
            report: report, product: product, signingKey: chain.leafKind, tcbs: tcbs, certificateTCB: certificateTCB,
            leafExtensions: leafExtensions, chain: chain, revocationChecked: revocationChecked,
            chipIDMasked: chipIDMasked, verifiedAt: now
        )
    }

    /// Verifies a chain alone (no report), for a known product: e.g. a VCEK fetched from AMD KDS.
    public func verifyChain(certificates: [[UInt8]], product: SNPProduct, at now: Date) throws(SEVSNPError)
        -> (chain: AMDCertificateChain, extensions: VCEKExtensions)
    {
        let chain = try AMDCertificateChain(derCertificates: certificates, signingKey: .vcek)
        _ = try chain.verify(product: product, anchors: options.trustAnchors, at: now)
        let extensions = try VCEKExtensions(chain.leaf)
        guard SNPProduct.fromProductName(extensions.productName) == product else {
            throw SEVSNPError(.productMismatch, "the VCEK is for '\(extensions.productName)'")
        }
        _ = try extensions.tcb(product: product)
        return (chain, extensions)
    }

    /// The request's certificates plus the fallback ARK/ASK/ASVK of the report's product whose subject name the
    /// request does not carry. The product is the CPUID one, else the leaf's product name; without either the
    /// request's certificates are returned unchanged (the chain checks then say what is wrong).
    private func completed(_ certificates: [[UInt8]], cpuidProduct: SNPProduct?) throws(SEVSNPError) -> [[UInt8]] {
        guard !options.fallbackCertificates.isEmpty, certificates.count < 3 else { return certificates }
        var names: Set<String> = []
        var leafProduct: SNPProduct?
        for der in certificates {
            let certificate = try AMDCertificate(derEncoded: der)
            guard let name = certificate.subject.commonName else { continue }
            names.insert(name)
            if name == "SEV-VCEK" || name == "SEV-VLEK" {
                leafProduct = SNPProduct.fromProductName(try VCEKExtensions(certificate).productName)
            }
        }
        guard let product = cpuidProduct ?? leafProduct else { return certificates }
        let wanted: Set<String> = ["ARK-\(product.rawValue)", "SEV-\(product.rawValue)", "SEV-VLEK-\(product.rawValue)"]
        var result = certificates
        for der in options.fallbackCertificates {
            let certificate = try AMDCertificate(derEncoded: der)
            guard let name = certificate.subject.commonName, wanted.contains(name), names.insert(name).inserted else { continue }
            result.append(der)
        }
        return result
    }

    /// §4: issuer is the ARK, signature by the pinned ARK key, current at `now`, the intermediate not listed.
    private func checkRevocation(chain: AMDCertificateChain, crl der: [UInt8]?, at now: Date) throws(SEVSNPError) -> Bool {
        guard let der else {
            if options.requireCRL { throw SEVSNPError(.crlUnavailable, "no AMD CRL for \(chain.product.rawValue)") }
            return false
        }
        let crl = try AMDCRL(derEncoded: der)
        guard crl.issuer == chain.ark.subject else { throw SEVSNPError(.crlIssuerMismatch, "the CRL is not issued by the ARK") }
        guard RSAPSSProfile.matches(crl.signatureAlgorithm) else {
            throw SEVSNPError(.crlSignatureInvalid, "the CRL is not signed with AMD's RSASSA-PSS profile")
        }
        let arkKey: _RSA.Signing.PublicKey
        do { arkKey = try _RSA.Signing.PublicKey(derRepresentation: chain.ark.subjectPublicKeyInfo) } catch {
            throw SEVSNPError(.certificateMalformed(.ark), "\(error)")
        }
        guard RSAPSSProfile.isValid(signature: crl.signature, message: crl.tbsBytes, key: arkKey) else {
            throw SEVSNPError(.crlSignatureInvalid, "the CRL signature does not verify with the ARK")
        }
        guard crl.thisUpdate <= now else { throw SEVSNPError(.crlNotYetValid, "the CRL is valid from \(crl.thisUpdate)") }
        guard let nextUpdate = crl.nextUpdate, now <= nextUpdate else {
            throw SEVSNPError(.crlExpired, "the CRL's nextUpdate has passed (or is missing)")
        }
        guard !crl.lists(serial: chain.intermediate.serialNumber) else {
            throw SEVSNPError(.certificateRevoked(chain.intermediateRole), "the CRL lists the \(chain.intermediateRole.rawValue.uppercased())")
        }
        return true
    }

    /// §6: V == R, V ≤ C, M ≤ C (or M == C), minimum TCBs.
    private func checkTCB(_ tcbs: ReportTCBs, certificate: TCBVersion, product: SNPProduct) throws(SEVSNPError) {
        guard certificate.hasSameComponents(as: tcbs.reported) else {
            throw SEVSNPError(.tcbCertificateMismatch, "the certificate's TCB (\(certificate)) is not REPORTED_TCB (\(tcbs.reported))")
        }
        guard certificate.isAtMost(tcbs.current) else {
            throw SEVSNPError(.tcbInconsistent, "REPORTED_TCB (\(tcbs.reported)) is ahead of CURRENT_TCB (\(tcbs.current))")
        }
        if options.requireCommittedEqualsCurrent {
            guard tcbs.committed.hasSameComponents(as: tcbs.current) else {
                throw SEVSNPError(.tcbInconsistent, "COMMITTED_TCB (\(tcbs.committed)) is not CURRENT_TCB (\(tcbs.current))")
            }
        } else {
            guard tcbs.committed.isAtMost(tcbs.current) else {
                throw SEVSNPError(.tcbInconsistent, "COMMITTED_TCB (\(tcbs.committed)) is ahead of CURRENT_TCB (\(tcbs.current))")
            }
        }
        if let minimum = options.minimumTCB[product], !minimum.isMet(by: tcbs.reported) {
            throw SEVSNPError(.tcbBelowMinimum, "REPORTED_TCB (\(tcbs.reported)) is below the minimum")
        }
        if let minimum = options.minimumLaunchTCB[product], !minimum.isMet(by: tcbs.launch) {
            throw SEVSNPError(.tcbBelowMinimum, "LAUNCH_TCB (\(tcbs.launch)) is below the minimum")
        }
    }
}
