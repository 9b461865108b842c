import MAADCAP
import MAASEVSNP

/// Evidence that verified, of any attested type but TPM: what the attest path needs of it (TCB status, data
/// binding, claims), with static dispatch.
enum VerifiedEvidence: Sendable {
    /// An SGX quote, OpenEnclave report or TDX quote (Intel DCAP).
    case quote(VerifiedQuote)
    /// An AMD SEV-SNP report.
    case sevSnp(VerifiedSNPReport)

    /// The field `initTimeData` binds to, for error messages.
    var initTimeField: String {
        switch self {
        case .quote: "the enclave's CONFIGID"
        case .sevSnp: "the report's HOST_DATA"
        }
    }

    /// Runtime data: SHA-256 is the first 32 bytes of the report data (SEV-SNP: and bytes 32–63 are zero).
    func bindRuntimeData(_ bytes: [UInt8]) throws {
        switch self {
        case .quote(let quote): try quote.bindRuntimeData(bytes)
        case .sevSnp(let report): try report.bindRuntimeData(bytes)
        }
    }

    /// Init-time data: SHA-256 is CONFIGID (SGX) or HOST_DATA (SEV-SNP).
    func bindInitTimeData(_ bytes: [UInt8]) throws {
        switch self {
        case .quote(let quote): try quote.bindInitTimeData(bytes)
        case .sevSnp(let report): try report.bindInitTimeData(bytes)
        }
    }

    /// Token claims the verifier supplies.
    func claims(runtimeData: [UInt8]?) -> [String: ClaimValue] {
        switch self {
        case .quote(let quote): quote.claims(runtimeData: runtimeData)
        case .sevSnp(let report): SevSnpClaims.tokenClaims(report)
        }
    }

    /// The policy's incoming claims, built on ``claims(runtimeData:)``.
    func incomingClaims(extending tokenClaims: [String: ClaimValue]) -> [String: ClaimValue] {
        switch self {
        case .quote(let quote): quote.incomingClaims(extending: tokenClaims)
        case .sevSnp(let report): SevSnpClaims.incomingClaims(report, extending: tokenClaims)
        }
    }
}
