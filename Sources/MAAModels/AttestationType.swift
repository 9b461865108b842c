/// The kinds of evidence MAA attests, named as in its URL paths (`/attest/{type}`, `/policies/{type}`).
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

/// The data-plane API versions MAA defines.
public enum APIVersion: String, Sendable, Hashable, CaseIterable, Codable {
    case v2020_10_01 = "2020-10-01"
    case v2022_08_01 = "2022-08-01"

    /// Whether this version serves `type`.
    public func supports(_ type: AttestationType) -> Bool {
        switch type {
        case .sgxEnclave, .openEnclave, .tpm: true
        case .sevSnpVm, .tdxVm: self == .v2022_08_01
        }
    }
}
