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
    init(der: ArraySlice<UInt8>) throws {
        let root = try DER.parse(der)
        let pairs = try Self.pairs(root, field: "outer")
        guard pairs.count == 5 || pairs.count == 7 else {
            throw DCAPError(.pckExtensionMalformed("outer"), "\(pairs.count) entries")
        }
        let prefix = Array(Self.oid.oidComponents)
        var found: [UInt: ASN1Node] = [:]
        for (oid, value) in pairs {
            let arcs = Array(oid.oidComponents)
            guard arcs.count == prefix.count + 1, Array(arcs.prefix(prefix.count)) == prefix, let last = arcs.last,
                (1...7).contains(last)
            else { throw DCAPError(.pckExtensionMalformed("outer"), "unexpected OID \(oid)") }
            guard found.updateValue(value, forKey: last) == nil else {
                throw DCAPError(.pckExtensionMalformed("outer"), "duplicate OID \(oid)")
            }
        }
        func required(_ arc: UInt, _ name: String) throws -> ASN1Node {
            guard let node = found[arc] else { throw DCAPError(.pckExtensionMalformed(name), "missing") }
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
        let tcbPrefix = prefix + [2]
        var tcb: [UInt: ASN1Node] = [:]
        for (oid, value) in tcbPairs {
            let arcs = Array(oid.oidComponents)
            guard arcs.count == tcbPrefix.count + 1, Array(arcs.prefix(tcbPrefix.count)) == tcbPrefix, let last = arcs.last,
                (1...18).contains(last), tcb.updateValue(value, forKey: last) == nil
            else { throw DCAPError(.pckExtensionMalformed("tcb"), "unexpected or duplicate OID \(oid)") }
        }
        var components: [UInt8] = []
        for arc in UInt(1)...16 {
            guard let node = tcb[arc], let value = try? Int(derEncoded: node), (0...255).contains(value) else {
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
                let arcs = Array(oid.oidComponents)
                guard arcs.count == prefix.count + 2, Array(arcs.prefix(prefix.count + 1)) == prefix + [7],
                    let last = arcs.last, let name = names[last], configuration[name] == nil,
                    let flag = try? Bool(derEncoded: value)
                else { throw DCAPError(.pckExtensionMalformed("configuration"), "invalid entry \(oid)") }
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

    /// A `SEQUENCE OF SEQUENCE { OID, value }`, each inner sequence of exactly two elements.
    private static func pairs(_ node: ASN1Node, field: String) throws -> [(ASN1ObjectIdentifier, ASN1Node)] {
        do {
            return try DER.sequence(node, identifier: .sequence) { nodes in
                var result: [(ASN1ObjectIdentifier, ASN1Node)] = []
                while let pair = nodes.next() {
                    guard result.count < 32 else { throw DCAPError(.pckExtensionMalformed(field), "too many entries") }
                    result.append(
                        try DER.sequence(pair, identifier: .sequence) { parts in
                            guard let oidNode = parts.next(), let value = parts.next() else {
                                throw DCAPError(.pckExtensionMalformed(field), "pair without two elements")
                            }
                            return (try ASN1ObjectIdentifier(derEncoded: oidNode), value)
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
