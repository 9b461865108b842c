import Foundation
import MAAWire

/// The outcome of TCB evaluation (§6): final status, its parts, advisory IDs and TCB date.
public struct TCBEvaluation: Sendable, Hashable {
    /// The final status (§6.6, and §6.8 for TD 1.5 quotes).
    public let status: TCBStatus
    public let platformStatus: TCBStatus
    public let platformAdvisoryIDs: [String]
    public let qeStatus: TCBStatus
    public let qeAdvisoryIDs: [String]
    /// TDX module status when the module version is > 0.
    public let moduleStatus: TCBStatus?
    public let moduleAdvisoryIDs: [String]
    /// Platform, then QE, then module IDs, later duplicates dropped.
    public let advisoryIDs: [String]
    /// The earliest `tcbDate` of the matched levels.
    public let tcbDate: Date
}

/// TCB level matching and status convergence, following Intel's QVL (§6).
enum TCBEvaluator {
    /// §6.2 / §6.3: the first (highest) level the platform meets.
    static func platformLevel(_ info: TCBInfo, pck: PCKExtension, teeTCBSVN: [UInt8]?) -> TCBInfo.Level? {
        info.levels.first { level in
            for index in 0..<16 where pck.components[index] < level.sgxComponents[index] { return false }
            guard pck.pceSVN >= level.pceSVN else { return false }
            if let svn = teeTCBSVN {
                guard let tdx = level.tdxComponents else { return false }
                let start = svn[1] > 0 ? 2 : 0
                for index in start..<16 where svn[index] < tdx[index] { return false }
            }
            return true
        }
    }

    /// Step 13 + §6.4: TDX module identity check, then the module level (only for module version > 0).
    static func module(_ info: TCBInfo, td: TDReportBody, teeTCBSVN svn: [UInt8]) throws(DCAPError) -> TCBInfo.ISVLevel? {
        let version = svn[1]
        let expected: TCBInfo.TDXModuleIdentity
        if version > 0 {
            guard let identities = info.tdxModuleIdentities else {
                throw DCAPError(.collateralTypeMismatch(.tcbInfo), "TCB Info lacks tdxModuleIdentities")
            }
            let id = "TDX_" + Hex.encodeUppercase([version])
            guard let identity = identities.first(where: { $0.id.uppercased() == id }) else {
                throw DCAPError(.tdxModuleMismatch, "no module identity \(id)")
            }
            expected = identity
        } else {
            guard let module = info.tdxModule else { throw DCAPError(.collateralTypeMismatch(.tcbInfo), "no tdxModule") }
            expected = module
        }
        guard td.mrSignerSeam.bytes == expected.mrSigner else { throw DCAPError(.tdxModuleMismatch, "MRSIGNERSEAM") }
        guard td.seamAttributes.isZero, td.seamAttributes.bytes == expected.attributes else {
            throw DCAPError(.tdxModuleMismatch, "SEAMATTRIBUTES")
        }
        guard version > 0 else { return nil }
        guard let level = expected.levels.first(where: { svn[0] >= $0.isvSVN }) else {
            throw DCAPError(.tdxModuleTcbNotSupported, "module ISVSVN \(svn[0])")
        }
        return level
    }

    /// §6.5: the QE level.
    static func qeLevel(_ identity: QEIdentity, isvSVN: UInt16) throws(DCAPError) -> TCBInfo.ISVLevel {
        guard let level = identity.levels.first(where: { $0.isvSVN <= isvSVN }) else {
            throw DCAPError(.qeTcbNotSupported, "QE ISVSVN \(isvSVN)")
        }
        return level
    }

    /// §6.6 (Intel's `convergeTcbStatuses`).
    static func converge(platform: TCBStatus, components: [TCBStatus]) -> TCBStatus {
        if components.contains(.revoked) { return .revoked }
        if components.contains(.outOfDate) {
            switch platform {
            case .upToDate, .swHardeningNeeded: return .outOfDate
            case .configurationNeeded, .configurationAndSWHardeningNeeded: return .outOfDateConfigurationNeeded
            default: return platform
            }
        }
        return platform
    }

    /// One complete evaluation for the given TEE TCB SVN (nil for SGX).
    static func evaluate(
        info: TCBInfo, qe: TCBInfo.ISVLevel, pck: PCKExtension, td: TDReportBody?, teeTCBSVN: [UInt8]?
    ) throws(DCAPError) -> TCBEvaluation {
        var module: TCBInfo.ISVLevel?
        if let td, let svn = teeTCBSVN { module = try self.module(info, td: td, teeTCBSVN: svn) }
        guard let platform = platformLevel(info, pck: pck, teeTCBSVN: teeTCBSVN) else {
            throw DCAPError(.tcbLevelNotFound, "no TCB level matches the platform")
        }
        var advisories: [String] = []
        for id in platform.advisoryIDs + qe.advisoryIDs + (module?.advisoryIDs ?? []) where !advisories.contains(id) {
            advisories.append(id)
        }
        let status = converge(platform: platform.status, components: [qe.status] + (module.map { [$0.status] } ?? []))
        return TCBEvaluation(
            status: status, platformStatus: platform.status, platformAdvisoryIDs: platform.advisoryIDs,
            qeStatus: qe.status, qeAdvisoryIDs: qe.advisoryIDs, moduleStatus: module?.status,
            moduleAdvisoryIDs: module?.advisoryIDs ?? [], advisoryIDs: advisories,
            tcbDate: min(platform.tcbDate, qe.tcbDate, module?.tcbDate ?? .distantFuture)
        )
    }

    /// §6.8: TD relaunch advice from the launch and current evaluations.
    static func relaunch(launch: TCBEvaluation, current: TCBEvaluation) -> TCBEvaluation {
        let outdated: Set<TCBStatus> = [.outOfDate, .outOfDateConfigurationNeeded]
        let fine: Set<TCBStatus> = [.upToDate, .swHardeningNeeded, .configurationNeeded, .configurationAndSWHardeningNeeded]
        guard outdated.contains(launch.status), fine.contains(current.status) else { return launch }
        let configuration = launch.status.isConfigurationNeeded || current.status.isConfigurationNeeded
        return TCBEvaluation(
            status: configuration ? .tdRelaunchAdvisedConfigurationNeeded : .tdRelaunchAdvised,
            platformStatus: launch.platformStatus, platformAdvisoryIDs: launch.platformAdvisoryIDs,
            qeStatus: launch.qeStatus, qeAdvisoryIDs: launch.qeAdvisoryIDs, moduleStatus: launch.moduleStatus,
            moduleAdvisoryIDs: launch.moduleAdvisoryIDs, advisoryIDs: launch.advisoryIDs, tcbDate: launch.tcbDate
        )
    }
}
