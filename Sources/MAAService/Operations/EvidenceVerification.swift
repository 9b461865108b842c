public import MAAModels
public import MAADCAP
public import MAASEVSNP

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How the service verifies SGX, OpenEnclave and TDX evidence (Intel DCAP with a collateral store, SGX and TDX
/// collateral side by side, keyed by TEE type) and SEV-SNP evidence (the AMD chain in the request under the pinned
/// AMD roots, with optional AMD CRLs), judged at a time.
public struct EvidenceVerification: Sendable {
    /// The DCAP verifier (Intel root by default).
    public var verifier: DCAPVerifier
    /// Verified collateral sets by platform.
    public var collateral: CollateralStore
    /// When set, collateral and certificates are judged at this Unix time instead of the clock (offline
    /// operation with archived collateral). Tokens still use the real clock.
    public var collateralTime: Int64?
    /// When set, a quote whose platform has no current collateral in ``collateral`` triggers a fetch through
    /// it (e.g. from a PCCS); the refresher must fill the same store. Everything fetched is verified first.
    public var refresher: CollateralRefresher?
    /// The SEV-SNP verifier (AMD's pinned roots by default).
    public var sevSnp: SEVSNPVerifier
    /// AMD KDS CRLs (DER) by product: the one for a report's product is enforced when present; without one the
    /// report is verified with `revocationChecked == false` (sevsnp-verification.md §4).
    public var amdCRLs: [SNPProduct: [UInt8]]

    public init(
        verifier: DCAPVerifier = DCAPVerifier(),
        collateral: CollateralStore = CollateralStore(),
        collateralTime: Int64? = nil,
        refresher: CollateralRefresher? = nil,
        sevSnp: SEVSNPVerifier = SEVSNPVerifier(),
        amdCRLs: [SNPProduct: [UInt8]] = [:]
    ) {
        self.verifier = verifier
        self.collateral = collateral
        self.collateralTime = collateralTime
        self.refresher = refresher
        self.sevSnp = sevSnp
        self.amdCRLs = amdCRLs
    }

    /// Verifies SEV-SNP evidence (MAA's `report` document: report and VCEK chain) at the collateral time (or
    /// `now`); failures become `InvalidParameter` with the reason.
    func verifySevSnp(evidence: [UInt8], now: Int64) throws(ServiceError) -> VerifiedSNPReport {
        let time = Date(timeIntervalSince1970: TimeInterval(collateralTime ?? now))
        do {
            return try sevSnp.verify(evidenceDocument: evidence, crls: amdCRLs, at: time)
        } catch {
            throw .invalidParameter("the evidence did not verify: \(error)")
        }
    }

    /// Verifies an SGX quote, OpenEnclave report or TDX quote; DCAP failures become `InvalidParameter` with the reason.
    /// - Parameter tcbEvaluationDataNumber: the policy's TCB baseline (`x-ms-sgx-tcbidentifier`); `nil` takes the
    ///   newest collateral current at the verification time.
    func verify(
        _ type: AttestationType, evidence: [UInt8], now: Int64, tcbEvaluationDataNumber: Int64? = nil
    ) async throws(ServiceError) -> VerifiedQuote {
        let time = Date(timeIntervalSince1970: TimeInterval(collateralTime ?? now))
        do {
            return try verifyWithStore(type, evidence: evidence, at: time, tcbEvaluationDataNumber: tcbEvaluationDataNumber)
        } catch let error where error.code == .collateralNotFound && refresher != nil {
            // No current collateral for this (genuine: its PCK chain checked out) platform: fetch, then retry once.
            do {
                let quote = try Quote(type == .openEnclave ? try OpenEnclaveReport(evidence).quoteBytes : evidence)
                _ = try await refresher?.collateral(for: try verifier.collateralKey(for: quote), at: time)
                return try verifyWithStore(type, evidence: evidence, at: time, tcbEvaluationDataNumber: tcbEvaluationDataNumber)
            } catch {
                throw .invalidParameter("the evidence did not verify: \(error)")
            }
        } catch {
            throw .invalidParameter("the evidence did not verify: \(error)")
        }
    }

    private func verifyWithStore(
        _ type: AttestationType, evidence: [UInt8], at time: Date, tcbEvaluationDataNumber: Int64?
    ) throws(DCAPError) -> VerifiedQuote {
        switch type {
        case .sgxEnclave, .tdxVm:
            // A raw quote names its TEE in the header; it must be the one the endpoint attests.
            let verified = try verifier.verify(quote: evidence, store: collateral, at: time, tcbEvaluationDataNumber: tcbEvaluationDataNumber)
            let expected: TEEType = type == .tdxVm ? .tdx : .sgx
            guard verified.quote.teeType == expected else {
                throw DCAPError(.unsupportedTeeType, "a \(verified.quote.teeType.rawValue.uppercased()) quote was sent to /attest/\(type.rawValue)")
            }
            return verified
        case .openEnclave:
            return try verifier.verify(
                openEnclaveReport: evidence, store: collateral, at: time, tcbEvaluationDataNumber: tcbEvaluationDataNumber
            )
        default:
            throw DCAPError(.unsupportedTeeType, "\(type.rawValue) evidence is not a DCAP quote")
        }
    }
}
