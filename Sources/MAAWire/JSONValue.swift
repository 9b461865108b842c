#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON value parsed strictly from untrusted bytes, or built to be serialized deterministically.
///
/// Numbers keep integers exact: a literal without fraction or exponent that fits `Int64` is ``integer(_:)``,
/// anything else is ``double(_:)``. Objects keep their members in document order (see ``JSONObject``).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, if this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer, if this is an integer (or a double with an exact integer value).
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): return value
        case .double(let value):
            guard value.rounded() == value, value >= -9.2e18, value <= 9.2e18 else { return nil }
            return Int64(value)
        default: return nil
        }
    }

    /// The number as a double, if this is a number.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The object, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member `key` of an object, or `nil` when this is not an object or has no such member.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { (key: $0.0, value: $0.1) }))
    }
}

/// A JSON object: members in document (or insertion) order, unique keys.
public struct JSONObject: Sendable, Hashable {
    /// The members in order.
    public private(set) var members: [(key: String, value: JSONValue)]

    /// An empty object.
    public init() { members = [] }

    /// An object with the given members. Later duplicates replace earlier ones.
    public init(_ members: [(key: String, value: JSONValue)]) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for member in members { self[member.key] = member.value }
    }

    /// An object with the members of `dictionary`, in no particular order (serialize with sorted keys for a
    /// deterministic form). Its keys are already unique, so no member is looked up while building.
    public init(_ dictionary: [String: JSONValue]) {
        self.init(uniqueMembers: dictionary.map { (key: $0.key, value: $0.value) }, sorted: false)
    }

    /// Whether ``members`` are in strictly increasing key order (as in MAA tokens), enabling binary search.
    private var isSorted = false

    /// Builds an object from already-unique members without checking (the parser checks).
    init(uniqueMembers: [(key: String, value: JSONValue)], sorted: Bool) {
        self.members = uniqueMembers
        self.isSorted = sorted && uniqueMembers.count > 8
    }

    private func index(of key: String) -> Int? {
        if isSorted {
            // `isSorted` is established with String's `<`, which agrees with `==`, so binary search is exact.
            var low = 0
            var high = members.count
            while low < high {
                let mid = (low + high) / 2
                let candidate = members[mid].key
                if candidate == key { return mid }
                if candidate < key { low = mid + 1 } else { high = mid }
            }
            return nil
        }
        return members.firstIndex { $0.key == key }
    }

    /// The number of members.
    public var count: Int { members.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The keys in order.
    public var keys: [String] { members.map(\.key) }

    /// Reads or replaces (in place) or appends a member; assigning `nil` removes it.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let index = index(of: key) else { return nil }
            return members[index].value
        }
        set {
            if let index = index(of: key) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key: key, value: newValue))
                isSorted = false
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (left, right) in zip(lhs.members, rhs.members) where left.key != right.key || left.value != right.value {
            return false
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements.map { (key: $0.0, value: $0.1) })
    }
}

/// Byte-wise (code point) ordering of strings, as JSON canonical forms and MAA's serializer sort keys.
public enum UTF8Order {
    /// The positions of `keys` in byte order (code-point order) of the keys.
    ///
    /// Each key's first 16 bytes are read once into two big-endian words (zero-padded), and positions are sorted by
    /// those; only keys with equal words are compared in full. Comparing strings directly retains and releases both
    /// on every comparison, several hundred times for a token's claims.
    public static func sortedPositions(of keys: [String]) -> [Int] {
        var entries: [Entry] = []
        entries.reserveCapacity(keys.count)
        for position in keys.indices {
            let utf8 = keys[position].utf8
            let (high, low) = utf8.withContiguousStorageIfAvailable(prefixWords) ?? Array(utf8).withUnsafeBufferPointer(prefixWords)
            entries.append(Entry(high: high, low: low, position: position))
        }
        entries.sort { a, b in
            if a.high != b.high { return a.high < b.high }
            if a.low != b.low { return a.low < b.low }
            return compare(keys[a.position], keys[b.position]) < 0
        }
        return entries.map(\.position)
    }

    /// The first 16 bytes as two big-endian words, zero-padded.
    private static func prefixWords(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        if bytes.count >= 16, let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            return (
                UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            )
        }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<16 {
            let byte = index < bytes.count ? UInt64(bytes[index]) : 0
            if index < 8 { high = high << 8 | byte } else { low = low << 8 | byte }
        }
        return (high, low)
    }

    private struct Entry {
        var high: UInt64
        var low: UInt64
        var position: Int
    }

    /// Negative, zero or positive as `a` sorts before, equal to, or after `b` by UTF-8 bytes.
    static func compare(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = min(x.count, y.count)
                if common > 0, let px = x.baseAddress, let py = y.baseAddress {
                    let order = memcmp(px, py, common)
                    if order != 0 { return Int(order) }
                }
                return x.count - y.count
            }
        }
    }
}
