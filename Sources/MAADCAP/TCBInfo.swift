import Foundation
import MAAWire

/// A parsed TCB Info document (version 3, SGX or TDX), after its signature has been checked.
public struct TCBInfo: Sendable {
    /// One platform TCB level.
    public struct Level: Sendable, Hashable {
        /// The 16 SGX component SVNs.
        public let sgxComponents: [UInt8]
        public let pceSVN: UInt16
        /// The 16 TDX component SVNs (TDX TCB Info only).
        public let tdxComponents: [UInt8]?
        public let tcbDate: Date
        public let status: TCBStatus
        public let advisoryIDs: [String]

        /// Intel's order: SGX components lexicographically, then PCESVN, then TDX components (descending when
        /// sorted by this predicate).
        static func isHigher(_ a: Level, than b: Level) -> Bool {
            if a.sgxComponents != b.sgxComponents { return a.sgxComponents.lexicographicallyPrecedes(b.sgxComponents) == false }
            if a.pceSVN != b.pceSVN { return a.pceSVN > b.pceSVN }
            let at = a.tdxComponents ?? [], bt = b.tdxComponents ?? []
            return at != bt && !at.lexicographicallyPrecedes(bt)
        }

        func sameTCB(_ other: Level) -> Bool {
            sgxComponents == other.sgxComponents && pceSVN == other.pceSVN && tdxComponents == other.tdxComponents
        }
    }

    /// One level of an ISVSVN-keyed identity (QE Identity, TDX module identity).
    public struct ISVLevel: Sendable, Hashable {
        public let isvSVN: UInt16
        public let tcbDate: Date
        public let status: TCBStatus
        public let advisoryIDs: [String]
    }

    /// The TDX module signer identity.
    public struct TDXModuleIdentity: Sendable, Hashable {
        /// `TDX_01`, … (empty for the top-level `tdxModule`).
        public let id: String
        public let mrSigner: [UInt8]
        public let attributes: [UInt8]
        public let attributesMask: [UInt8]
        /// Sorted by ISVSVN, highest first (empty for the top-level `tdxModule`).
        public let levels: [ISVLevel]
    }

    public let id: TEEType
    public let version: Int
    public let issueDate: Date
    public let nextUpdate: Date
    public let fmspc: [UInt8]
    public let pceID: [UInt8]
    public let tcbEvaluationDataNumber: Int64
    /// Levels sorted highest first (Intel's order, not JSON order).
    public let levels: [Level]
    /// `tdxModule` (TDX only).
    public let tdxModule: TDXModuleIdentity?
    /// `tdxModuleIdentities` (TDX only, optional).
    public let tdxModuleIdentities: [TDXModuleIdentity]?

    /// Parses the signed `tcbInfo` bytes (call only after the signature check).
    public init(jsonBytes: [UInt8]) throws(DCAPError) {
        try self.init(jsonBytes: jsonBytes, fastPath: true)
    }

    init(jsonBytes: [UInt8], fastPath: Bool) throws(DCAPError) {
        let doc = CollateralDocument.tcbInfo
        let json = try CollateralJSON.parse(jsonBytes, doc: doc, fastPath: fastPath)
        switch try json.string("id") {
        case "SGX": id = .sgx
        case "TDX": id = .tdx
        case let other: throw DCAPError(.collateralTypeMismatch(doc), "TCB Info id \(other)")
        }
        let version = try json.int("version", 0...1000)
        guard version == 3 else { throw DCAPError(.collateralUnsupportedVersion(doc), "TCB Info version \(version)") }
        self.version = Int(version)
        issueDate = try json.date("issueDate")
        nextUpdate = try json.date("nextUpdate")
        fmspc = try json.hex("fmspc", bytes: 6)
        pceID = try json.hex("pceId", bytes: 2)
        guard try json.int("tcbType", 0...1000) == 0 else { throw json.fail("tcbType", "must be 0") }
        tcbEvaluationDataNumber = try json.int("tcbEvaluationDataNumber", 0...Int64(UInt32.max))
        // tdxModule: required for TDX, forbidden for SGX.
        if id == .tdx {
            guard json.has("tdxModule") else { throw json.fail("tdxModule", "required in TDX TCB Info") }
            tdxModule = try Self.module(try json.object("tdxModule"), withLevels: false)
            if json.has("tdxModuleIdentities") {
                var identities: [TDXModuleIdentity] = []
                for entry in try json.objects("tdxModuleIdentities") {
                    identities.append(try Self.module(entry, withLevels: true))
                }
                tdxModuleIdentities = identities
            } else {
                tdxModuleIdentities = nil
            }
        } else {
            guard !json.has("tdxModule"), !json.has("tdxModuleIdentities") else {
                throw json.fail("tdxModule", "not allowed in SGX TCB Info")
            }
            tdxModule = nil
            tdxModuleIdentities = nil
        }
        var levels: [Level] = []
        for level in try json.objects("tcbLevels") {
            let tcb = try level.object("tcb")
            let sgx = try Self.components(tcb, "sgxtcbcomponents")
            let tdx: [UInt8]? = id == .tdx ? try Self.components(tcb, "tdxtcbcomponents") : nil
            if id == .sgx, tcb.has("tdxtcbcomponents") { throw tcb.fail("tdxtcbcomponents", "not allowed in SGX TCB Info") }
            levels.append(
                Level(
                    sgxComponents: sgx,
                    pceSVN: UInt16(try tcb.int("pcesvn", 0...65535)),
                    tdxComponents: tdx,
                    tcbDate: try level.date("tcbDate"),
                    status: try TCBStatus(collateral: try level.string("tcbStatus")),
                    advisoryIDs: try level.advisoryIDs()
                )
            )
        }
        levels.sort { Level.isHigher($0, than: $1) }
        for index in levels.indices.dropFirst() where levels[index].sameTCB(levels[index - 1]) {
            throw DCAPError(.collateralMalformed(doc), "duplicated TCB levels")
        }
        self.levels = levels
    }

    private static func components(_ tcb: CollateralJSON, _ key: StaticString) throws(DCAPError) -> [UInt8] {
        try tcb.componentSVNs(key)
    }

    private static func module(_ json: CollateralJSON, withLevels: Bool) throws(DCAPError) -> TDXModuleIdentity {
        var levels: [ISVLevel] = []
        if withLevels {
            levels = try isvLevels(json, moduleLevel: true)
        }
        return TDXModuleIdentity(
            id: withLevels ? try json.string("id") : "",
            mrSigner: try json.hex("mrsigner", bytes: 48),
            attributes: try json.hex("attributes", bytes: 8),
            attributesMask: try json.hex("attributesMask", bytes: 8),
            levels: levels
        )
    }

    /// `tcbLevels` of `{tcb:{isvsvn}, tcbDate, tcbStatus, advisoryIDs?}`, sorted by ISVSVN descending, duplicates
    /// rejected. Module levels accept only UpToDate / OutOfDate / Revoked.
    static func isvLevels(_ json: CollateralJSON, moduleLevel: Bool) throws(DCAPError) -> [ISVLevel] {
        var levels: [ISVLevel] = []
        for level in try json.objects("tcbLevels") {
            let status = try TCBStatus(collateral: try level.string("tcbStatus"))
            if moduleLevel, ![.upToDate, .outOfDate, .revoked].contains(status) {
                throw DCAPError(.unknownTcbStatus, "module TCB status \(status.rawValue)")
            }
            levels.append(
                ISVLevel(
                    isvSVN: UInt16(try level.object("tcb").int("isvsvn", 0...65535)),
                    tcbDate: try level.date("tcbDate"),
                    status: status,
                    advisoryIDs: try level.advisoryIDs()
                )
            )
        }
        levels.sort { $0.isvSVN > $1.isvSVN }
        for index in levels.indices.dropFirst() where levels[index].isvSVN == levels[index - 1].isvSVN {
            throw DCAPError(.collateralMalformed(json.doc), "duplicated ISVSVN levels")
        }
        return levels
    }
}
