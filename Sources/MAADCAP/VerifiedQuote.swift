import Foundation

/// What kind of evidence was submitted (decides what `quotehash` covers and which claims apply).
public enum EvidenceKind: String, Sendable, Hashable {
    /// A raw SGX quote (`/attest/SgxEnclave`).
    case sgxQuote
    /// An OpenEnclave report: 16-byte header + SGX quote (`/attest/OpenEnclave`).
    case openEnclaveReport
    /// A TDX quote (`/attest/TdxVm`).
    case tdxQuote
}

/// A quote whose signatures, PCK chain, revocation and collateral checked out, with its TCB evaluation.
///
/// The TCB status is reported, not judged (except `Revoked`, which the verifier rejects): whether to accept
/// `OutOfDate`, debug enclaves or a service TD is appraisal policy (see ``AppraisalPolicy``).
///
/// Immutable; a class so that each use (claims, bindings, the policy's incoming claims) shares the quote instead of
/// copying its references.
public final class VerifiedQuote: Sendable {
    public let kind: EvidenceKind
    public let quote: Quote
    /// The final TCB status.
    public var tcbStatus: TCBStatus { tcb.status }
    /// Advisory IDs (platform, QE, module; de-duplicated).
    public var advisoryIDs: [String] { tcb.advisoryIDs }
    /// The full TCB evaluation (per-component statuses, TCB date).
    public let tcb: TCBEvaluation
    /// The PCK certificate's SGX extension (FMSPC, PCE-ID, PPID, SGX type, components).
    public let pck: PCKExtension
    /// TCB evaluation data numbers of the TCB Info and QE Identity used.
    public let tcbInfoEvaluationDataNumber: Int64
    public let qeIdentityEvaluationDataNumber: Int64
    /// Hashes of the collateral used, and `quotehash` (SHA-256 of the submitted evidence, lowercase hex).
    public let collateralHashes: CollateralHashes
    public let evidenceHash: String
    /// Joint validity window of the collateral and the PCK chain.
    public let validFrom: Date
    public let validUntil: Date

    init(
        kind: EvidenceKind, quote: Quote, tcb: TCBEvaluation, pck: PCKExtension, tcbInfoEvaluationDataNumber: Int64,
        qeIdentityEvaluationDataNumber: Int64, collateralHashes: CollateralHashes, evidenceHash: String,
        validFrom: Date, validUntil: Date
    ) {
        self.kind = kind
        self.quote = quote
        self.tcb = tcb
        self.pck = pck
        self.tcbInfoEvaluationDataNumber = tcbInfoEvaluationDataNumber
        self.qeIdentityEvaluationDataNumber = qeIdentityEvaluationDataNumber
        self.collateralHashes = collateralHashes
        self.evidenceHash = evidenceHash
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// Whether the enclave or TD is debuggable (SGX ATTRIBUTES.DEBUG, TDX TDATTRIBUTES bit 0). Reported, not
    /// rejected, by the verifier.
    public var isDebuggable: Bool {
        switch quote.body {
        case .sgx(let body): body.isDebuggable
        case .td(let td): td.tdAttributes.isDebug
        }
    }
}
