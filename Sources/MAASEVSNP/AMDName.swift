import SwiftASN1

/// An X.509 `Name` as AMD's certificates use it: its DER bytes and its attributes (type OID, string value).
public struct AMDName: Sendable, Hashable {
    /// The DER encoding (tag and length included): names are compared on these bytes.
    public let derBytes: [UInt8]
    /// Every attribute in order, as (dotted OID, value).
    public let attributes: [(type: String, value: String)]

    static let commonName = "2.5.4.3"
    static let country = "2.5.4.6"
    static let locality = "2.5.4.7"
    static let state = "2.5.4.8"
    static let organization = "2.5.4.10"
    static let organizationalUnit = "2.5.4.11"

    /// The AMD attributes every name carries besides the common name (§3.1).
    static let fixedAttributes: [(String, String)] = [
        (organization, "Advanced Micro Devices"), (organizationalUnit, "Engineering"), (locality, "Santa Clara"),
        (state, "CA"), (country, "US"),
    ]

    /// The single common name, or `nil` when there is none or more than one.
    public var commonName: String? { single(Self.commonName) }

    init(_ node: ASN1Node) throws {
        derBytes = Array(node.encodedBytes)
        var attributes: [(type: String, value: String)] = []
        for set in try DERNodes.children(node, .sequence) {
            for member in try DERNodes.children(set, .set) {
                guard attributes.count < 32 else { throw ASN1Error.invalidASN1Object(reason: "too many name attributes") }
                let pair = try DERNodes.children(member, .sequence)
                guard pair.count == 2 else { throw ASN1Error.invalidASN1Object(reason: "AttributeTypeAndValue") }
                let type = try ASN1ObjectIdentifier(derEncoded: pair[0])
                attributes.append((type.description, try Self.string(pair[1])))
            }
        }
        self.attributes = attributes
    }

    /// Whether the name is an AMD name: each of CN, O, OU, L, ST, C exactly once, the fixed ones with AMD's
    /// values, the common name `commonName`, and nothing else.
    func isAMDName(commonName expected: String) -> Bool {
        guard attributes.count == 6, single(Self.commonName) == expected else { return false }
        return Self.fixedAttributes.allSatisfy { type, value in single(type) == value }
    }

    private func single(_ type: String) -> String? {
        let values = attributes.filter { $0.type == type }
        return values.count == 1 ? values[0].value : nil
    }

    private static func string(_ node: ASN1Node) throws -> String {
        switch node.identifier {
        case .utf8String: return String(try ASN1UTF8String(derEncoded: node))
        case .printableString: return String(try ASN1PrintableString(derEncoded: node))
        case .ia5String: return String(try ASN1IA5String(derEncoded: node))
        default: throw ASN1Error.unexpectedFieldType(node.identifier)
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.derBytes == rhs.derBytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(derBytes) }
}
