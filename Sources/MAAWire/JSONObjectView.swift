#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON object validated in full but read in place: members are found by comparing UTF-8 bytes and values are
/// decoded only when asked for, so reading a few members of a large document allocates almost nothing.
///
/// Parsing applies exactly the rules of ``JSONValue/init(parsing:options:)`` (grammar, UTF-8 validity, depth and size
/// limits, duplicate keys always rejected): a document is accepted here if and only if it parses there to an object,
/// and ``object`` is then that object.
public struct JSONObjectView: Sendable {
    let bytes: [UInt8]
    let members: [JSONMemberRange]
    /// Every key is plain (ASCII, no escapes) and the keys ascend strictly by bytes: bisect on bytes.
    let plainSortedKeys: Bool
    /// The nesting depth of this object (1 for the document's top level).
    let depth: Int
    let options: JSONParsingOptions
    /// The object's own bytes, `{` to `}`.
    let range: Range<Int>
    let cache: MaterializedObject?

    /// Validates a JSON document whose top level is an object. Duplicate keys are rejected whatever `options` says.
    ///
    /// - Throws: the error ``JSONValue/init(parsing:options:)`` throws for the same bytes, or `invalidValue` when
    ///   the document is valid JSON but not an object.
    public init(parsing bytes: [UInt8], options: JSONParsingOptions = .default) throws(WireError) {
        var strict = options
        strict.allowDuplicateKeys = false
        guard bytes.count <= strict.maxInputBytes else {
            throw WireError(.tooLarge, "JSON input of \(bytes.count) bytes exceeds \(strict.maxInputBytes)")
        }
        let scanned: Result<(members: [JSONMemberRange], sorted: Bool, range: Range<Int>), WireError> = bytes.withUnsafeBytes { buffer in
            var parser = JSONParser(buffer: buffer, options: strict)
            do throws(WireError) {
                parser.skipWhitespace()
                let start = parser.index
                var members: [JSONMemberRange]? = []
                members?.reserveCapacity(32)
                var sorted = false
                let isObject = start < buffer.count && buffer[start] == UInt8(ascii: "{")
                if isObject {
                    sorted = try parser.skipObject(depth: 1, members: &members)
                } else {
                    try parser.skipValue(depth: 0)
                }
                let end = parser.index
                parser.skipWhitespace()
                guard parser.index == buffer.count else { throw parser.error(.invalidJSON, "trailing data after the JSON value") }
                guard isObject else { throw WireError(.invalidValue, "the JSON value is not an object") }
                return .success((members ?? [], sorted, start..<end))
            } catch {
                return .failure(error)
            }
        }
        let result = try scanned.get()
        self.init(bytes: bytes, members: result.members, sorted: result.sorted, depth: 1, options: strict, range: result.range,
                  cache: MaterializedObject())
    }

    init(bytes: [UInt8], members: [JSONMemberRange], sorted: Bool, depth: Int, options: JSONParsingOptions, range: Range<Int>,
         cache: MaterializedObject?) {
        self.bytes = bytes
        self.members = members
        self.plainSortedKeys = sorted
        self.depth = depth
        self.options = options
        self.range = range
        self.cache = cache
    }

    /// The number of members.
    public var count: Int { members.count }

    /// Whether the object has a member `key`.
    public func contains(_ key: String) -> Bool { index(of: key) != nil }

    /// The member `key`, decoded (as ``JSONValue/init(parsing:options:)`` would have decoded it).
    public func value(forKey key: String) -> JSONValue? {
        guard let member = index(of: key).map({ members[$0] }) else { return nil }
        return decode(member)
    }

    /// The member `key` as a nested view (`nil` when absent).
    ///
    /// - Throws: `invalidValue` when the member is not an object.
    public func object(forKey key: String) throws(WireError) -> JSONObjectView? {
        guard let member = index(of: key).map({ members[$0] }) else { return nil }
        guard bytes[member.valueStart] == UInt8(ascii: "{") else { throw WireError(.invalidValue, "member \"\(key)\" is not an object") }
        let nested: (members: [JSONMemberRange], sorted: Bool)? = bytes.withUnsafeBytes { buffer in
            var parser = JSONParser(buffer: buffer, options: options)
            parser.index = member.valueStart
            var members: [JSONMemberRange]? = []
            members?.reserveCapacity(16)
            guard let sorted = try? parser.skipObject(depth: depth + 1, members: &members) else { return nil }
            return (members ?? [], sorted)
        }
        // The document was validated as a whole with the same rules, so the nested scan cannot fail.
        guard let nested else { throw WireError(.invalidJSON, "member \"\(key)\" does not rescan") }
        return JSONObjectView(bytes: bytes, members: nested.members, sorted: nested.sorted, depth: depth + 1, options: options,
                              range: member.valueStart..<member.valueEnd, cache: nil)
    }

    /// Decodes the member `key`, a string, with `decode` applied to its UTF-8 bytes (`nil` when absent). Plain
    /// strings (ASCII without escapes) are decoded in place; others are unescaped first.
    ///
    /// - Throws: `invalidValue` when the member is not a string, or what `decode` throws.
    public func decodeString(forKey key: String, _ decode: (UnsafeRawBufferPointer) throws(WireError) -> [UInt8]) throws(WireError) -> [UInt8]? {
        guard let member = index(of: key).map({ members[$0] }) else { return nil }
        guard bytes[member.valueStart] == UInt8(ascii: "\"") else { throw WireError(.invalidValue, "member \"\(key)\" is not a string") }
        let result: Result<[UInt8], WireError>
        if member.valueIsPlainString {
            result = bytes.withUnsafeBytes { buffer in
                do throws(WireError) {
                    return .success(try decode(UnsafeRawBufferPointer(rebasing: buffer[(member.valueStart + 1)..<(member.valueEnd - 1)])))
                } catch {
                    return .failure(error)
                }
            }
        } else {
            guard var string = self.decode(member)?.stringValue else { throw WireError(.invalidValue, "member \"\(key)\" is not a string") }
            result = string.withUTF8 { utf8 in
                do throws(WireError) { return .success(try decode(UnsafeRawBufferPointer(utf8))) } catch { return .failure(error) }
            }
        }
        return try result.get()
    }

    /// Whether the member `key` is a string equal (as Strings) to `other`; `nil` when absent or not a string. A plain
    /// string and an ASCII `other` are compared in place.
    public func string(forKey key: String, isEqualTo other: String) -> Bool? {
        guard let member = index(of: key).map({ members[$0] }) else { return nil }
        guard bytes[member.valueStart] == UInt8(ascii: "\"") else { return nil }
        if member.valueIsPlainString {
            var other = other
            let equal: Bool? = other.withUTF8 { otherBytes in
                guard KeyBytes.isASCII(otherBytes) else { return nil }
                return bytes.withUnsafeBytes { buffer in
                    KeyBytes.compare(buffer, member.valueStart + 1, member.valueEnd - 1, otherBytes) == 0
                }
            }
            if let equal { return equal }
        }
        return decode(member)?.stringValue.map { $0 == other }
    }

    /// The whole object, built once and then shared by every copy of this view.
    public var object: JSONObject {
        if let cache { return cache.value { materialize() } }
        return materialize()
    }

    private func materialize() -> JSONObject {
        let value: JSONValue? = bytes.withUnsafeBytes { buffer in
            var parser = JSONParser(buffer: buffer, options: options)
            parser.index = range.lowerBound
            return try? parser.parseValue(depth: depth - 1)
        }
        // Validated already with the same rules, so this is always an object.
        return value?.objectValue ?? JSONObject()
    }

    private func decode(_ member: JSONMemberRange) -> JSONValue? {
        bytes.withUnsafeBytes { buffer in
            var parser = JSONParser(buffer: buffer, options: options)
            parser.index = member.valueStart
            return try? parser.parseValue(depth: depth)
        }
    }

    /// The position of the member `key`, under String equality.
    private func index(of key: String) -> Int? {
        var key = key
        let found: Int?? = key.withUTF8 { keyBytes in
            guard plainSortedKeys, KeyBytes.isASCII(keyBytes) else { return .none }
            // Plain keys and an ASCII key: byte order is String order and byte equality is String equality.
            return .some(bytes.withUnsafeBytes { buffer in
                var low = 0
                var high = members.count
                while low < high {
                    let mid = (low + high) / 2
                    let order = KeyBytes.compare(buffer, members[mid].keyStart, members[mid].keyEnd, keyBytes)
                    if order == 0 { return mid }
                    if order < 0 { low = mid + 1 } else { high = mid }
                }
                return nil
            })
        }
        if let found { return found }
        // Some key is escaped or not ASCII, or the keys are unordered: compare as Strings (canonical equivalence).
        return bytes.withUnsafeBytes { buffer in
            for (position, member) in members.enumerated() {
                var parser = JSONParser(buffer: buffer, options: options)
                parser.index = member.keyStart - 1
                if let candidate = try? parser.parseString(), candidate == key { return position }
            }
            return nil
        }
    }
}

/// Byte comparisons of keys.
enum KeyBytes {
    /// Byte order of `buffer[start..<end]` against `key`.
    @inline(__always)
    static func compare(_ buffer: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = buffer.baseAddress, let other = key.baseAddress else { return (end - start) - key.count }
        return compare(base + start, end - start, UnsafeRawPointer(other), key.count)
    }

    /// Byte order of two byte ranges: eight bytes at a time (as big-endian words), then bytewise.
    @inline(__always)
    static func compare(_ a: UnsafeRawPointer, _ aCount: Int, _ b: UnsafeRawPointer, _ bCount: Int) -> Int {
        let common = min(aCount, bCount)
        var offset = 0
        while common &- offset >= 8 {
            let x = UInt64(bigEndian: a.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let y = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            if x != y { return x < y ? -1 : 1 }
            offset &+= 8
        }
        while offset < common {
            let x = a.load(fromByteOffset: offset, as: UInt8.self)
            let y = b.load(fromByteOffset: offset, as: UInt8.self)
            if x != y { return x < y ? -1 : 1 }
            offset &+= 1
        }
        return aCount - bCount
    }

    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var any: UInt8 = 0
        for byte in bytes { any |= byte }
        return any < 0x80
    }
}

/// The full ``JSONObject`` of a view, built on first use under a lock and then shared.
///
/// The lock is one of a fixed set of process-wide mutexes chosen by the object's address, so a view costs one
/// allocation and no mutex set-up (building the object is rare and quick; sharing a lock between views is harmless).
final class MaterializedObject: @unchecked Sendable {
    private var cached: JSONObject? = nil  // guarded by `lock`

    private static let lockCount = 64
    // The pointer never changes after initialization; the mutexes it points to are the synchronization.
    nonisolated(unsafe) private static let locks: UnsafeMutablePointer<pthread_mutex_t> = {
        let locks = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: lockCount)
        for index in 0..<lockCount {
            (locks + index).initialize(to: pthread_mutex_t())
            pthread_mutex_init(locks + index, nil)
        }
        return locks
    }()

    private var lock: UnsafeMutablePointer<pthread_mutex_t> {
        let address = UInt(bitPattern: ObjectIdentifier(self))
        return Self.locks + Int((address >> 4) % UInt(Self.lockCount))
    }

    func value(_ make: () -> JSONObject) -> JSONObject {
        let lock = self.lock
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if let cached { return cached }
        let made = make()
        cached = made
        return made
    }
}
