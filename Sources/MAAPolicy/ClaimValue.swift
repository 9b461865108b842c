import MAAWire

/// The value of a claim: the three value types of the MAA policy language.
///
/// Values never convert between types: `.integer(1)` and `.string("1")` are different values, and a comparison
/// between different types is false for every operator.
public enum ClaimValue: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    case boolean(Bool)

    /// The type of a claim value (`valueType` in MAA's documentation).
    public enum ValueType: String, Sendable, Hashable {
        case string = "String"
        case integer = "Integer"
        case boolean = "Boolean"
    }

    /// The value's type.
    public var valueType: ValueType {
        switch self {
        case .string: .string
        case .integer: .integer
        case .boolean: .boolean
        }
    }

    /// The string, if this is a string value.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The integer, if this is an integer value.
    public var integerValue: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The boolean, if this is a boolean value.
    public var booleanValue: Bool? {
        if case .boolean(let value) = self { value } else { nil }
    }

    /// The value as JSON text: a JSON string, number or `true`/`false`.
    public var jsonText: String {
        switch self {
        case .string(let value): JSONValue.string(value).serialized()
        case .integer(let value): String(value)
        case .boolean(let value): value ? "true" : "false"
        }
    }
}

extension ClaimValue: CustomStringConvertible {
    /// The value as it would be written as a policy literal.
    public var description: String { jsonText }
}

extension ClaimValue: Codable {
    /// Decodes a JSON string, integer or boolean. Fractions, `null`, arrays and objects are rejected.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "a claim value is a JSON string, integer or boolean")
        }
    }

    /// Encodes the value as a JSON string, number or boolean.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .boolean(let value): try container.encode(value)
        }
    }
}
