import MAAWire

/// What the version 1.2 functions need from `MAAWire.JSONValue`: bounded parsing, JMESPath truthiness and
/// equality, and size-bounded MAA-style serialization.
extension JSONValue {
    /// The limits for JSON text in claim values: 1 MiB, 64 levels, no duplicate keys.
    static let policyParsingOptions = JSONParsingOptions(maxDepth: 64, maxInputBytes: 1 << 20)

    /// Parses JSON text from a claim value.
    static func parsePolicyJSON(_ text: String) throws(WireError) -> JSONValue {
        try JSONValue(parsing: text, options: policyParsingOptions)
    }

    var isNumber: Bool { doubleValue != nil }

    /// JMESPath truthiness: false, null, empty string, empty array and empty object are false.
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .string(let value): !value.isEmpty
        case .array(let value): !value.isEmpty
        case .object(let value): !value.isEmpty
        case .integer, .double: true
        }
    }

    /// JMESPath equality: numbers compare by value (`1 == 1.0`), objects regardless of member order.
    func jmesEquals(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.jmesEquals($1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            return a.members.allSatisfy { member in b[member.key]?.jmesEquals(member.value) ?? false }
        default:
            guard let a = doubleValue, let b = other.doubleValue else { return false }
            return a == b
        }
    }

    /// Whether the compact serialization fits in `limit` bytes, checked without building it (so a value that
    /// shares storage many times over cannot make serialization explode).
    func fitsSerialized(in limit: Int) -> Bool {
        var budget = limit
        return consumeSerializedSize(&budget)
    }

    private func consumeSerializedSize(_ budget: inout Int) -> Bool {
        switch self {
        case .null, .bool: budget -= 5
        case .integer, .double: budget -= 24
        case .string(let text): budget -= Self.serializedSize(text, within: budget)
        case .array(let elements):
            budget -= 2 + elements.count
            guard budget >= 0 else { return false }
            for element in elements where !element.consumeSerializedSize(&budget) { return false }
        case .object(let object):
            budget -= 2 + object.count
            guard budget >= 0 else { return false }
            for member in object.members {
                budget -= Self.serializedSize(member.key, within: budget) + 1
                guard budget >= 0, member.value.consumeSerializedSize(&budget) else { return false }
            }
        }
        return budget >= 0
    }

    /// An upper bound on the serialized size of a string (quotes and escapes included); stops counting once
    /// `budget` is exceeded.
    private static func serializedSize(_ text: String, within budget: Int) -> Int {
        var size = 2
        for byte in text.utf8 {
            size += byte == 0x22 || byte == 0x5C ? 2 : (byte < 0x20 ? 6 : 1)
            if size > budget { break }
        }
        return size
    }

    /// Compact JSON text with object keys sorted, as MAA emits it, or `nil` if it could exceed `limit` bytes.
    func compactSortedText(limit: Int = 1 << 20) -> String? {
        guard fitsSerialized(in: limit) else { return nil }
        return serialized(.maa)
    }
}
