import MAAWire
import SwiftASN1
import X509

/// The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1).
public struct PCKExtension: Sendable, Hashable {
    /// Which CA issued the PCK certificate (from the extension's shape).
    public enum CAKind: String, Sendable {
        case processor
        case platform
    }

    public let ppid: [UInt8]
    /// The 16 SGX TCB component SVNs (used for TCB matching).
    public let components: [UInt8]
    public let pceSVN: UInt16
    public let cpuSVN: [UInt8]
    public let pceID: [UInt8]
    public let fmspc: [UInt8]
    /// 0 Standard, 1 Scalable, 2 Scalable with integrity.
    public let sgxType: Int
    public let platformInstanceID: [UInt8]?
    /// `dynamicPlatform`, `cachedKeys`, `SMTEnabled` when present (Platform-CA certificates).
    public let configuration: [String: Bool]?

    public var caKind: CAKind { platformInstanceID == nil ? .processor : .platform }

    static let oid: ASN1ObjectIdentifier = [1, 2, 840, 113741, 1, 13, 1]

    /// Parses the extension of `certificate`.
    init(certificate: Certificate) throws(DCAPError) {
        guard let ext = certificate.extensions[oid: Self.oid] else {
            throw DCAPError(.pckExtensionMalformed("missing"), "PCK certificate has no SGX extension")
        }
        do {
            try self.init(der: ext.value)
        } catch let error as DCAPError {
            throw error
        } catch {
            throw DCAPError(.pckExtensionMalformed("der"), "\(error)")
        }
    }

    /// Parses the extension value. swift-asn1 bounds nesting depth, so a deeply nested value is an error, not a
    /// stack overflow.
    /// Parses the value (the DER inside the OCTET STRING) of a PCK certificate's SGX extension.
    public init(extensionValue: ArraySlice<UInt8>) throws(DCAPError) {
        do {
            try self.init(der: extensionValue)
        } catch let error as DCAPError {
            throw error
        } catch {
            throw DCAPError(.pckExtensionMalformed("der"), "\(error)")
        }
    }

    /// Parses the extension value: Intel's form in one pass (``fastParse(_:)``), anything else with swift-asn1.
    init(der: ArraySlice<UInt8>) throws {
        if let parsed = Self.fastParse(der) {
            self = parsed
        } else {
            try self.init(generalDER: der)
        }
    }

    init(
        ppid: [UInt8], components: [UInt8], pceSVN: UInt16, cpuSVN: [UInt8], pceID: [UInt8], fmspc: [UInt8], sgxType: Int,
        platformInstanceID: [UInt8]?, configuration: [String: Bool]?
    ) {
        self.ppid = ppid
        self.components = components
        self.pceSVN = pceSVN
        self.cpuSVN = cpuSVN
        self.pceID = pceID
        self.fmspc = fmspc
        self.sgxType = sgxType
        self.platformInstanceID = platformInstanceID
        self.configuration = configuration
    }

    /// The general parser (swift-asn1 node tree); the reference the fast path is tested against.
    init(generalDER der: ArraySlice<UInt8>) throws {
        let root = try DER.parse(der)
        let pairs = try Self.pairs(root, field: "outer")
        guard pairs.count == 5 || pairs.count == 7 else {
            throw DCAPError(.pckExtensionMalformed("outer"), "\(pairs.count) entries")
        }
        // Indexed by the last arc (1…7; slot 0 unused).
        var found = [ASN1Node?](repeating: nil, count: 8)
        for (oid, value) in pairs {
            guard let last = Self.arc(oid, under: Self.oidContent, in: 1...7) else {
                throw DCAPError(.pckExtensionMalformed("outer"), "unexpected OID \(Self.describe(oid))")
            }
            guard found[Int(last)] == nil else {
                throw DCAPError(.pckExtensionMalformed("outer"), "duplicate OID \(Self.describe(oid))")
            }
            found[Int(last)] = value
        }
        func required(_ arc: UInt, _ name: String) throws -> ASN1Node {
            guard let node = found[Int(arc)] else { throw DCAPError(.pckExtensionMalformed(name), "missing") }
            return node
        }
        ppid = try Self.octets(try required(1, "ppid"), count: 16, field: "ppid")
        pceID = try Self.octets(try required(3, "pceId"), count: 2, field: "pceId")
        fmspc = try Self.octets(try required(4, "fmspc"), count: 6, field: "fmspc")
        let typeNode = try required(5, "sgxType")
        guard let type = try? Int(derEncoded: typeNode, withIdentifier: .enumerated), (0...2).contains(type) else {
            throw DCAPError(.pckExtensionMalformed("sgxType"), "not an ENUMERATED 0...2")
        }
        sgxType = type
        // TCB: exactly 18 pairs .2.1 … .2.18.
        let tcbPairs = try Self.pairs(try required(2, "tcb"), field: "tcb")
        guard tcbPairs.count == 18 else { throw DCAPError(.pckExtensionMalformed("tcb"), "\(tcbPairs.count) entries") }
        // Indexed by the last arc (1…18; slot 0 unused).
        var tcb = [ASN1Node?](repeating: nil, count: 19)
        for (oid, value) in tcbPairs {
            guard let last = Self.arc(oid, under: Self.tcbOIDContent, in: 1...18), tcb[Int(last)] == nil else {
                throw DCAPError(.pckExtensionMalformed("tcb"), "unexpected or duplicate OID \(Self.describe(oid))")
            }
            tcb[Int(last)] = value
        }
        var components: [UInt8] = []
        for arc in UInt(1)...16 {
            guard let node = tcb[Int(arc)], let value = try? Int(derEncoded: node), (0...255).contains(value) else {
                throw DCAPError(.pckExtensionMalformed("tcb"), "component \(arc) invalid")
            }
            components.append(UInt8(value))
        }
        guard let pceNode = tcb[17], let pce = try? Int(derEncoded: pceNode), (0...65535).contains(pce) else {
            throw DCAPError(.pckExtensionMalformed("pcesvn"), "invalid PCESVN")
        }
        guard let cpuNode = tcb[18] else { throw DCAPError(.pckExtensionMalformed("cpusvn"), "missing") }
        let cpuSVN = try Self.octets(cpuNode, count: 16, field: "cpusvn")
        guard cpuSVN == components else {
            throw DCAPError(.pckExtensionMalformed("cpusvn"), "CPUSVN disagrees with the component SVNs")
        }
        self.components = components
        self.pceSVN = UInt16(pce)
        self.cpuSVN = cpuSVN
        // Platform-CA extras: both or neither.
        if pairs.count == 7 {
            platformInstanceID = try Self.octets(try required(6, "platformInstanceId"), count: 16, field: "platformInstanceId")
            let configPairs = try Self.pairs(try required(7, "configuration"), field: "configuration")
            var configuration: [String: Bool] = [:]
            let names: [UInt: String] = [1: "dynamicPlatform", 2: "cachedKeys", 3: "SMTEnabled"]
            for (oid, value) in configPairs {
                guard let last = Self.arc(oid, under: Self.configurationOIDContent, in: 1...3), let name = names[last],
                    configuration[name] == nil, let flag = try? Bool(derEncoded: value)
                else { throw DCAPError(.pckExtensionMalformed("configuration"), "invalid entry \(Self.describe(oid))") }
                configuration[name] = flag
            }
            self.configuration = configuration
        } else {
            guard found[6] == nil, found[7] == nil else {
                throw DCAPError(.pckExtensionMalformed("outer"), "partial Platform-CA fields")
            }
            platformInstanceID = nil
            configuration = nil
        }
    }

    /// The DER content octets of the extension OID 1.2.840.113741.1.13.1.
    static let oidContent: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x01, 0x0D, 0x01]
    /// …and of its `.2` (TCB) and `.7` (configuration) branches.
    static let tcbOIDContent: [UInt8] = oidContent + [0x02]
    static let configurationOIDContent: [UInt8] = oidContent + [0x07]

    /// The last arc of `oid` (DER content octets) when it is `prefix` followed by one arc in `range` (< 128, so one
    /// octet); `nil` otherwise. DER encodes an OID uniquely, so comparing octets is comparing OIDs.
    static func arc(_ oid: ArraySlice<UInt8>, under prefix: [UInt8], in range: ClosedRange<UInt>) -> UInt? {
        guard oid.count == prefix.count + 1, oid.prefix(prefix.count).elementsEqual(prefix), let last = oid.last,
            range.contains(UInt(last))
        else { return nil }
        return UInt(last)
    }

    /// An OID's dotted form for error messages (or its hex when it does not decode).
    static func describe(_ oid: ArraySlice<UInt8>) -> String {
        let der = [0x06, UInt8(truncatingIfNeeded: oid.count)] + oid
        guard oid.count < 128, let decoded = try? ASN1ObjectIdentifier(derEncoded: der) else { return "with content \(Hex.encode(oid))" }
        return "\(decoded)"
    }

    /// A `SEQUENCE OF SEQUENCE { OID, value }`, each inner sequence of exactly two elements; the OIDs as their
    /// DER content octets.
    private static func pairs(_ node: ASN1Node, field: String) throws -> [(ArraySlice<UInt8>, ASN1Node)] {
        do {
            return try DER.sequence(node, identifier: .sequence) { nodes in
                var result: [(ArraySlice<UInt8>, ASN1Node)] = []
                while let pair = nodes.next() {
                    guard result.count < 32 else { throw DCAPError(.pckExtensionMalformed(field), "too many entries") }
                    result.append(
                        try DER.sequence(pair, identifier: .sequence) { parts in
                            guard let oidNode = parts.next(), let value = parts.next() else {
                                throw DCAPError(.pckExtensionMalformed(field), "pair without two elements")
                            }
                            guard oidNode.identifier == .objectIdentifier, case .primitive(let octets) = oidNode.content else {
                                throw DCAPError(.pckExtensionMalformed(field), "entry without an OID")
                            }
                            return (octets, value)
                        }
                    )
                }
                return result
            }
        } catch let error as DCAPError {
            throw error
        } catch {
            throw DCAPError(.pckExtensionMalformed(field), "\(error)")
        }
    }

    private static func octets(_ node: ASN1Node, count: Int, field: String) throws -> [UInt8] {
        guard let octets = try? ASN1OctetString(derEncoded: node), octets.bytes.count == count else {
            throw DCAPError(.pckExtensionMalformed(field), "expected an OCTET STRING of \(count) bytes")
        }
        return Array(octets.bytes)
    }
}
