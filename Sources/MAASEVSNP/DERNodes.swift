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
