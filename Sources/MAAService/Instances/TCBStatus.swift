public import MAADCAP

/// What an instance needs of Intel's TCB statuses (the type itself is ``MAADCAP/TCBStatus``, shared with the verifier).
extension TCBStatus {
    /// The secure default set an instance accepts.
    public static let secureDefault: [TCBStatus] = [
        .upToDate, .swHardeningNeeded, .configurationNeeded, .configurationAndSWHardeningNeeded,
    ]

    /// Parses and checks a list of accepted statuses: known names only, no duplicates, never `Revoked`, not empty.
    public static func acceptedList(_ names: [String]) throws(ServiceError) -> [TCBStatus] {
        guard !names.isEmpty else { throw .invalidParameter("at least one accepted TCB status is required") }
        var result: [TCBStatus] = []
        for name in names {
            guard let status = TCBStatus(rawValue: name) else {
                let known = TCBStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidParameter("unknown TCB status '\(name)' (known: \(known))")
            }
            guard status != .revoked else { throw .invalidParameter("a revoked TCB can never be accepted") }
            guard !result.contains(status) else { throw .invalidParameter("duplicate TCB status '\(name)'") }
            result.append(status)
        }
        return result
    }
}
