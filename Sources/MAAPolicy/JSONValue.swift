/// A JSON value, as used by the version 1.2 functions (`JmesPath`, `JsonToClaimValue`).
///
/// Numbers keep whether they were written as integers; object members keep their order of appearance.
enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let other = b.first(where: { $0.0 == key }), other.1 == value else { return false }
            }
            return true
        default:
            if let a = lhs.doubleValue, let b = rhs.doubleValue {
                if case .integer(let x) = lhs, case .integer(let y) = rhs { return x == y }
                return a == b
            }
            return false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .integer(let value): hasher.combine(Double(value))
        case .number(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let value): hasher.combine(value)
        case .object(let members): hasher.combine(members.count)
        }
    }

    /// The number as a `Double`, for `.integer` and `.number`.
    var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
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
        case .integer, .number: true
        }
    }

    /// The value of an object member, or `nil`.
    func member(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for (name, value) in members where name == key { return value }
        return nil
    }

    /// Compact JSON text with object keys sorted by code point, as MAA emits it, or `nil` if it would be longer
    /// than `limit` UTF-8 bytes.
    func compactSortedText(limit: Int = JSONParser.maxBytes) -> String? {
        var out = ""
        guard JSONText.write(self, into: &out, limit: limit) else { return nil }
        return out
    }
}

/// JSON text output helpers.
enum JSONText {
    /// A JSON string literal for `text`.
    static func quoted(_ text: String) -> String {
        var out = ""
        writeString(text, into: &out)
        return out
    }

    static func writeString(_ text: String, into out: inout String) {
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }

    /// Writes `value`; returns `false` (leaving partial output) as soon as the output exceeds `limit` bytes.
    static func write(_ value: JSONValue, into out: inout String, limit: Int) -> Bool {
        guard out.utf8.count <= limit else { return false }
        switch value {
        case .null: out.append("null")
        case .bool(let flag): out.append(flag ? "true" : "false")
        case .integer(let number): out.append(String(number))
        case .number(let number): out.append(formatDouble(number))
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            out.append("[")
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(",") }
                guard write(element, into: &out, limit: limit) else { return false }
            }
            out.append("]")
        case .object(let members):
            out.append("{")
            let sorted = members.sorted { $0.0.unicodeScalars.lexicographicallyPrecedes($1.0.unicodeScalars) }
            for (index, (key, element)) in sorted.enumerated() {
                if index > 0 { out.append(",") }
                writeString(key, into: &out)
                out.append(":")
                guard write(element, into: &out, limit: limit) else { return false }
            }
            out.append("}")
        }
        return out.utf8.count <= limit
    }

    /// A double as JSON: integral values without a fraction, non-finite values as `null`.
    static func formatDouble(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }
}
