import MAAWire

/// A claim value as MAA's tokens and policy engine see it.
public enum ClaimValue: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case array([ClaimValue])
    case object([String: ClaimValue])

    /// The JSON form (objects with sorted keys when serialized by MAAWire).
    public var jsonValue: JSONValue {
        switch self {
        case .string(let value): .string(value)
        case .integer(let value): .integer(value)
        case .bool(let value): .bool(value)
        case .array(let values): .array(values.map(\.jsonValue))
        case .object(let members):
            .object(JSONObject(members.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value.jsonValue) }))
        }
    }
}
