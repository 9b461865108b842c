public import MAADCAP

/// What an instance needs of Intel's TCB statuses (the type itself is ``MAADCAP/TCBStatus``, shared with the verifier).
extension TCBStatus {
    /// The secure default set an instance accepts: the platform is up to date, possibly with software hardening
    /// or configuration left to the policy. `OutOfDate*` and `Revoked` are refused. The two TDX relaunch statuses
    /// are accepted (dcap-verification.md §6.10): the TD was launched on an older TCB, but the platform it runs on
    /// now is at one of the accepted levels.
    public static let secureDefault: [TCBStatus] = [
        .upToDate, .swHardeningNeeded, .configurationNeeded, .configurationAndSWHardeningNeeded,
        .tdRelaunchAdvised, .tdRelaunchAdvisedConfigurationNeeded,
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
