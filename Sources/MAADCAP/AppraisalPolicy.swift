/// Acceptance rules applied after verification (spec §6.10, "Swift client-side helper" column).
///
/// Verification proves the evidence genuine and computes a status; this decides whether to accept it. The
/// defaults are strict: only `UpToDate`, `SWHardeningNeeded` and `TDRelaunchAdvised`-free statuses, no debug
/// enclaves or TDs, no service TD, no reserved TD attribute bits, SEPT_VE_DISABLE required. An MAA-compatible
/// service instead reports these facts as claims and lets the attestation policy decide.
public struct AppraisalPolicy: Sendable {
    /// TCB statuses accepted. Default: `UpToDate`, `SWHardeningNeeded`.
    public var acceptedStatuses: Set<TCBStatus>
    /// Accept debug enclaves / TDs.
    /// - Warning: a debug enclave's memory is readable by the host; its evidence proves nothing about secrecy.
    public var unsafeAllowDebug: Bool
    /// Accept TDX 1.5 quotes with a non-zero MRSERVICETD.
    public var unsafeAllowServiceTD: Bool
    /// Accept TDs without SEPT_VE_DISABLE or with reserved attribute bits set.
    public var unsafeAllowTDAttributes: Bool

    public init(
        acceptedStatuses: Set<TCBStatus> = [.upToDate, .swHardeningNeeded], unsafeAllowDebug: Bool = false,
        unsafeAllowServiceTD: Bool = false, unsafeAllowTDAttributes: Bool = false
    ) {
        self.acceptedStatuses = acceptedStatuses
        self.unsafeAllowDebug = unsafeAllowDebug
        self.unsafeAllowServiceTD = unsafeAllowServiceTD
        self.unsafeAllowTDAttributes = unsafeAllowTDAttributes
    }

    /// Throws the first rule `verified` breaks.
    public func appraise(_ verified: VerifiedQuote) throws(DCAPError) {
        if verified.isDebuggable, !unsafeAllowDebug { throw DCAPError(.debugNotAllowed) }
        if case .td(let td) = verified.quote.body {
            if td.tdAttributes.tudBits != 0, !unsafeAllowDebug { throw DCAPError(.debugNotAllowed) }
            if let service = td.mrServiceTD, !service.isZero, !unsafeAllowServiceTD { throw DCAPError(.serviceTdNotAllowed) }
            if !unsafeAllowTDAttributes, td.tdAttributes.hasReservedBits || !td.tdAttributes.septVEDisable {
                throw DCAPError(.tdAttributesNotAllowed)
            }
        }
        guard acceptedStatuses.contains(verified.tcbStatus) else {
            throw DCAPError(.tcbStatusNotAccepted(verified.tcbStatus), "TCB status \(verified.tcbStatus.rawValue)")
        }
    }
}
