import SwiftASN1

/// Small helpers over swift-asn1's node tree for the AMD certificate and CRL readers.
enum DERNodes {
    /// The children of a constructed node with the given identifier (at most `limit` of them).
    static func children(_ node: ASN1Node, _ identifier: ASN1Identifier, limit: Int = 64) throws -> [ASN1Node] {
        guard node.identifier == identifier, case .constructed(let nodes) = node.content else {
            throw ASN1Error.unexpectedFieldType(node.identifier)
        }
        var result: [ASN1Node] = []
        for child in nodes {
            guard result.count < limit else { throw ASN1Error.invalidASN1Object(reason: "too many elements") }
            result.append(child)
        }
        return result
    }

    /// The single child of an explicitly tagged context-specific node `[number]`.
    static func explicit(_ node: ASN1Node, _ number: UInt) throws -> ASN1Node {
        let inner = try children(node, ASN1Identifier(tagWithNumber: number, tagClass: .contextSpecific))
        guard inner.count == 1 else { throw ASN1Error.invalidASN1Object(reason: "explicit tag [\(number)]") }
        return inner[0]
    }

    static func contextTag(_ number: UInt) -> ASN1Identifier {
        ASN1Identifier(tagWithNumber: number, tagClass: .contextSpecific)
    }

    /// The content bytes of a primitive node.
    static func primitive(_ node: ASN1Node) throws -> ArraySlice<UInt8> {
        guard case .primitive(let bytes) = node.content else {
            throw ASN1Error.invalidASN1Object(reason: "expected a primitive element")
        }
        return bytes
    }
}

/// The elements of a SEQUENCE, read in order.
struct DERCursor {
    private let nodes: [ASN1Node]
    private let name: String
    private var index = 0

    init(_ nodes: [ASN1Node], name: String) {
        self.nodes = nodes
        self.name = name
    }

    /// The next element, not consumed (`nil` at the end).
    var peek: ASN1Node? { index < nodes.count ? nodes[index] : nil }

    var isAtEnd: Bool { index == nodes.count }

    /// Consumes the next element; throws when there is none.
    mutating func next() throws -> ASN1Node {
        guard let node = peek else { throw ASN1Error.invalidASN1Object(reason: "\(name) too short") }
        index += 1
        return node
    }
}

/// A signed X.509 structure, Certificate or CertificateList: `SEQUENCE { tbs SEQUENCE, signatureAlgorithm,
/// signature BIT STRING }` filling the whole input, with a cursor over the to-be-signed fields.
struct SignedDER {
    /// The to-be-signed SEQUENCE (its encoded bytes are what the signature covers).
    let tbs: ASN1Node
    /// The outer signature algorithm, which must equal the one inside `tbs`.
    let algorithm: AMDCertificate.AlgorithmIdentifier
    /// The signature BIT STRING's bytes (no padding bits).
    let signature: [UInt8]
    /// The to-be-signed fields (at most `maximumFields`).
    var fields: DERCursor

    init(_ der: [UInt8], tbsName: String, maximumFields: Int) throws {
        let root = try DER.parse(der)
        guard root.encodedBytes.count == der.count else { throw ASN1Error.invalidASN1Object(reason: "trailing bytes") }
        let parts = try DERNodes.children(root, .sequence)
        guard parts.count == 3 else { throw ASN1Error.invalidASN1Object(reason: "a signed structure needs three elements") }
        algorithm = try AMDCertificate.algorithm(parts[1])
        let bits = try ASN1BitString(derEncoded: parts[2])
        guard bits.paddingBits == 0 else { throw ASN1Error.invalidASN1Object(reason: "signature padding bits") }
        signature = Array(bits.bytes)
        tbs = parts[0]
        fields = DERCursor(try DERNodes.children(parts[0], .sequence, limit: maximumFields), name: tbsName)
    }

    /// Reads the signature algorithm inside `tbs` from `node`; it must equal the outer one.
    func innerAlgorithm(_ node: ASN1Node) throws -> AMDCertificate.AlgorithmIdentifier {
        let inner = try AMDCertificate.algorithm(node)
        guard inner == algorithm else { throw ASN1Error.invalidASN1Object(reason: "inner and outer signature algorithms differ") }
        return inner
    }
}
