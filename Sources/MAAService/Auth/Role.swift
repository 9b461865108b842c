/// A caller's role. Roles are ordered: each one includes the rights of those before it.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// May attest and read policies, certificates and metadata ("Attestation Reader").
    case reader
    /// May also change policies and policy signers ("Attestation Contributor").
    case contributor
    /// May also create, list and delete instances.
    case admin

    private var rank: Int {
        switch self {
        case .reader: 0
        case .contributor: 1
        case .admin: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}
