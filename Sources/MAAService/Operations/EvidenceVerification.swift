public import MAAModels
import MAADCAP

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How the service verifies SGX/OpenEnclave evidence: Intel DCAP with a collateral store, judged at a time.
public struct EvidenceVerification: Sendable {
    /// The DCAP verifier (Intel root by default).
    public var verifier: DCAPVerifier
    /// Verified collateral sets by platform.
    public var collateral: CollateralStore
    /// When set, collateral and certificates are judged at this Unix time instead of the clock (offline
    /// operation with archived collateral). Tokens still use the real clock.
    public var collateralTime: Int64?

    public init(
        verifier: DCAPVerifier = DCAPVerifier(),
        collateral: CollateralStore = CollateralStore(),
        collateralTime: Int64? = nil
    ) {
        self.verifier = verifier
        self.collateral = collateral
        self.collateralTime = collateralTime
    }

    /// Verifies an SGX quote or OpenEnclave report; DCAP failures become `InvalidParameter` with the reason.
    /// - Parameter tcbEvaluationDataNumber: the policy's TCB baseline (`x-ms-sgx-tcbidentifier`); `nil` takes the
    ///   newest collateral current at the verification time.
    func verify(
        _ type: AttestationType, evidence: [UInt8], now: Int64, tcbEvaluationDataNumber: Int64? = nil
    ) throws(ServiceError) -> VerifiedQuote {
        let time = Date(timeIntervalSince1970: TimeInterval(collateralTime ?? now))
        do {
            switch type {
            case .sgxEnclave:
                return try verifier.verify(
                    quote: evidence, store: collateral, at: time, tcbEvaluationDataNumber: tcbEvaluationDataNumber
                )
            case .openEnclave:
                return try verifier.verify(
                    openEnclaveReport: evidence, store: collateral, at: time, tcbEvaluationDataNumber: tcbEvaluationDataNumber
                )
            default:
                throw DCAPError(.unsupportedTeeType, "not SGX evidence")
            }
        } catch {
            throw .invalidParameter("the evidence did not verify: \(error)")
        }
    }
}
