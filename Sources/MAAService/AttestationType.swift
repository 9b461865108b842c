/// The evidence types of the MAA data plane, as they appear in `/attest/{type}` and `/policies/{type}`.
public enum AttestationType: String, Sendable, Hashable, CaseIterable, Codable {
    case sgxEnclave = "SgxEnclave"
    case openEnclave = "OpenEnclave"
    case tpm = "Tpm"
    case sevSnpVm = "SevSnpVm"

    /// Parses a path component exactly (MAA's names are case-sensitive in the SDKs that send them).
    public init?(pathComponent: some StringProtocol) {
        self.init(rawValue: String(pathComponent))
    }
}
