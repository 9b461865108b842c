/// A TCB status as Intel's collateral and QVL name it.
public enum TCBStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case upToDate = "UpToDate"
    case swHardeningNeeded = "SWHardeningNeeded"
    case configurationNeeded = "ConfigurationNeeded"
    case configurationAndSWHardeningNeeded = "ConfigurationAndSWHardeningNeeded"
    case outOfDate = "OutOfDate"
    case outOfDateConfigurationNeeded = "OutOfDateConfigurationNeeded"
    case revoked = "Revoked"
    /// TDX 1.5 only (§6.8): the TD was launched on an out-of-date TCB that has since been updated.
    case tdRelaunchAdvised = "TDRelaunchAdvised"
    /// TDX 1.5 only: as ``tdRelaunchAdvised``, with a configuration-needed status involved.
    case tdRelaunchAdvisedConfigurationNeeded = "TDRelaunchAdvisedConfigurationNeeded"

    /// Parses a status string from TCB Info / QE Identity (the relaunch statuses never appear there).
    init(collateral string: String) throws(DCAPError) {
        guard let status = TCBStatus(rawValue: string), status != .tdRelaunchAdvised,
            status != .tdRelaunchAdvisedConfigurationNeeded
        else { throw DCAPError(.unknownTcbStatus, "TCB status \"\(string)\"") }
        self = status
    }

    var isConfigurationNeeded: Bool {
        switch self {
        case .configurationNeeded, .configurationAndSWHardeningNeeded, .outOfDateConfigurationNeeded,
            .tdRelaunchAdvisedConfigurationNeeded:
            true
        default: false
        }
    }
}
