import Foundation

/// A parsed QE Identity document (version 2), after its signature has been checked.
public struct QEIdentity: Sendable {
    /// `QE` (SGX) or `TD_QE` (TDX).
    public let id: TEEType
    public let version: Int
    public let issueDate: Date
    public let nextUpdate: Date
    public let tcbEvaluationDataNumber: Int64
    public let miscSelect: [UInt8]
    public let miscSelectMask: [UInt8]
    public let attributes: [UInt8]
    public let attributesMask: [UInt8]
    public let mrSigner: [UInt8]
    public let isvProductID: UInt16
    /// Sorted by ISVSVN, highest first.
    public let levels: [TCBInfo.ISVLevel]

    /// Parses the signed `enclaveIdentity` bytes (call only after the signature check).
    public init(jsonBytes: [UInt8]) throws(DCAPError) {
        try self.init(jsonBytes: jsonBytes, fastPath: true)
    }

    init(jsonBytes: [UInt8], fastPath: Bool) throws(DCAPError) {
        let doc = CollateralDocument.qeIdentity
        let json = try CollateralJSON.parse(jsonBytes, doc: doc, fastPath: fastPath)
        switch try json.string("id") {
        case "QE": id = .sgx
        case "TD_QE": id = .tdx
        case let other: throw DCAPError(.collateralTypeMismatch(doc), "QE Identity id \(other)")
        }
        let version = try json.int("version", 0...1000)
        guard version == 2 else { throw DCAPError(.collateralUnsupportedVersion(doc), "QE Identity version \(version)") }
        self.version = 2
        issueDate = try json.date("issueDate")
        nextUpdate = try json.date("nextUpdate")
        tcbEvaluationDataNumber = try json.int("tcbEvaluationDataNumber", 0...Int64(UInt32.max))
        miscSelect = try json.hex("miscselect", bytes: 4)
        miscSelectMask = try json.hex("miscselectMask", bytes: 4)
        attributes = try json.hex("attributes", bytes: 16)
        attributesMask = try json.hex("attributesMask", bytes: 16)
        mrSigner = try json.hex("mrsigner", bytes: 32)
        isvProductID = UInt16(try json.int("isvprodid", 0...65535))
        levels = try TCBInfo.isvLevels(json, moduleLevel: false)
    }
}
