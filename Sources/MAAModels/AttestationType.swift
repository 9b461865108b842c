public import MAAWire

/// The kinds of evidence MAA attests (defined in `MAAWire`).
public typealias AttestationType = MAAWire.AttestationType

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
