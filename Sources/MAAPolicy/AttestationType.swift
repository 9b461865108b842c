/// The attestation types that have a policy, named as in MAA's REST paths (`/policies/{type}`).
public enum AttestationType: String, Sendable, Hashable, CaseIterable, Codable {
    case sgxEnclave = "SgxEnclave"
    case openEnclave = "OpenEnclave"
    case tpm = "Tpm"
    case sevSnpVm = "SevSnpVm"
    case tdxVm = "TdxVm"
}
