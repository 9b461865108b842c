/// The kinds of evidence MAA attests, named as in its URL paths (`/attest/{type}`, `/policies/{type}`).
///
/// Part of the wire vocabulary every layer shares: the policy language, the models, the service and the client
/// all use this one enum (re-exported by `MAAModels` and `MAAPolicy` as a type alias).
public enum AttestationType: String, Sendable, Hashable, CaseIterable, Codable {
    case sgxEnclave = "SgxEnclave"
    case openEnclave = "OpenEnclave"
    case tpm = "Tpm"
    /// AMD SEV-SNP VM (api-version 2022-08-01).
    case sevSnpVm = "SevSnpVm"
    /// Intel TDX VM (api-version 2022-08-01).
    case tdxVm = "TdxVm"

    /// Parses a path segment case-insensitively, as MAA does (`sgxenclave` = `SgxEnclave`).
    public init?(pathSegment: String) {
        let lowered = pathSegment.lowercased()
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == lowered }) else { return nil }
        self = match
    }
}
