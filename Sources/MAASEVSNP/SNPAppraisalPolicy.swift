/// Client-side appraisal of a verified report (§7, "Swift client-side helper default"): stricter defaults than
/// the MAA-compatible service, which reports these facts as claims and leaves them to the attestation policy.
public struct SNPAppraisalPolicy: Sendable, Hashable {
    /// Accept POLICY.DEBUG = 1. Off by default (`debugNotAllowed`).
    public var unsafeAllowDebug: Bool
    /// The highest VMPL accepted; 0 by default (`vmplNotAllowed`).
    public var maximumVMPL: UInt32
    /// Accept POLICY.MIGRATE_MA = 1. Off by default (`migrationNotAllowed`).
    public var allowMigrationAgent: Bool
    /// The required MEASUREMENT (launch digest), when set (`measurementMismatch`).
    public var expectedMeasurement: [UInt8]?

    public init(
        unsafeAllowDebug: Bool = false, maximumVMPL: UInt32 = 0, allowMigrationAgent: Bool = false,
        expectedMeasurement: [UInt8]? = nil
    ) {
        self.unsafeAllowDebug = unsafeAllowDebug
        self.maximumVMPL = maximumVMPL
        self.allowMigrationAgent = allowMigrationAgent
        self.expectedMeasurement = expectedMeasurement
    }

    /// Throws when the report is outside this policy.
    public func appraise(_ verified: VerifiedSNPReport) throws(SEVSNPError) {
        guard unsafeAllowDebug || !verified.report.policy.debug else {
            throw SEVSNPError(.debugNotAllowed, "the guest policy allows debugging")
        }
        guard verified.report.vmpl <= maximumVMPL else {
            throw SEVSNPError(.vmplNotAllowed, "VMPL \(verified.report.vmpl) (at most \(maximumVMPL) accepted)")
        }
        guard allowMigrationAgent || !verified.report.policy.migrateMA else {
            throw SEVSNPError(.migrationNotAllowed, "the guest policy allows a migration agent")
        }
        if let expectedMeasurement, verified.report.measurement != expectedMeasurement {
            throw SEVSNPError(.measurementMismatch, "MEASUREMENT is not the expected launch digest")
        }
    }
}
