/// Where one member of a validated JSON object lies in the document (offsets into its bytes).
struct JSONMemberRange: Sendable {
    /// The key's raw bytes, between its quotes.
    var keyStart: Int
    var keyEnd: Int
    /// Whether the key's raw bytes are its value: ASCII without escapes.
    var keyIsPlain: Bool
    /// The value's first byte and the offset just past it.
    var valueStart: Int
    var valueEnd: Int
    /// Whether the value is a string whose raw bytes (between the quotes) are its value: ASCII without escapes.
    var valueIsPlainString: Bool
}

/// Validation without building values: the same grammar, limits and duplicate-key rule as `parseValue`, in the same
/// order, so a document is accepted here exactly when `JSONValue(parsing:)` accepts it. Strings that are ASCII without
/// escapes, and objects whose keys are such strings in strictly increasing byte order (as MAA writes them), are
/// checked in place with no allocation; anything else is handed to the building parser's own code for that piece.
extension JSONParser {
    /// Validates one value.
    mutating func skipValue(depth: Int) throws(WireError) {
        guard index < buffer.count else { throw error(.truncated, "unexpected end of JSON") }
        switch buffer[index] {
        case UInt8(ascii: "{"):
            var none: [JSONMemberRange]? = nil
            _ = try skipObject(depth: depth + 1, members: &none)
        case UInt8(ascii: "["): try skipArray(depth: depth + 1)
        case UInt8(ascii: "\""): _ = try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        default: throw error(.invalidJSON, "unexpected character")
        }
    }

    /// Validates a string starting at its opening quote; returns whether it is plain (ASCII, no escapes).
    mutating func skipString() throws(WireError) -> Bool {
        let start = index
        index += 1  // opening quote
        if let base = buffer.baseAddress {
            // Sixteen, then eight bytes at a time while none is '"', '\\', a control character or non-ASCII (as
            // `parseString`). The lowest flagged byte of a word is exact (the subtractions only borrow upwards from a
            // flagged byte), so the first special byte is found without a byte loop: a quote ends a plain string,
            // anything else is for the building parser.
            while buffer.count &- index >= 16 {
                let low = Self.specialBytes(base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let high = Self.specialBytes(base.loadUnaligned(fromByteOffset: index &+ 8, as: UInt64.self))
                if low | high != 0 {
                    index &+= low != 0 ? low.trailingZeroBitCount &>> 3 : 8 &+ high.trailingZeroBitCount &>> 3
                    return try endOfPlainString(from: start)
                }
                index &+= 16
            }
            if buffer.count &- index >= 8 {
                let special = Self.specialBytes(base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                if special != 0 {
                    index &+= special.trailingZeroBitCount &>> 3
                    return try endOfPlainString(from: start)
                }
                index &+= 8
            }
        }
        while index < buffer.count {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return true
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            index += 1
        }
        // Escapes, non-ASCII, a control character or the end of input: the building parser decides (and reports).
        index = start
        _ = try parseString()
        return false
    }

    /// The high bit of each byte of a little-endian word that is '"', '\\', below 0x20 or above 0x7F (exact for the
    /// lowest such byte).
    @inline(__always)
    static func specialBytes(_ raw: UInt64) -> UInt64 {
        let word = UInt64(littleEndian: raw)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        return (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (word &- (ones &* 0x20)) | word)
            & 0x8080_8080_8080_8080
    }

    /// At the first special byte of a string that began at `start`: a quote ends it as plain; anything else hands the
    /// whole string to `parseString`.
    @inline(__always)
    private mutating func endOfPlainString(from start: Int) throws(WireError) -> Bool {
        if buffer[index] == UInt8(ascii: "\"") {
            index += 1
            return true
        }
        index = start
        _ = try parseString()
        return false
    }

    /// Validates an array starting at its `[` (as `parseArray`).
    mutating func skipArray(depth: Int) throws(WireError) {
        guard depth <= options.maxDepth else { throw error(.tooDeep, "JSON nested deeper than \(options.maxDepth)") }
        index += 1  // '['
        skipWhitespace()
        if index < buffer.count, buffer[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            try skipValue(depth: depth)
            skipWhitespace()
            guard index < buffer.count else { throw error(.truncated, "unexpected end of JSON in array") }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return
            default: throw error(.invalidJSON, "expected ',' or ']'")
            }
        }
    }

    /// Validates an object starting at its `{`, recording its members when `members` is not `nil`. Returns whether
    /// its keys are plain and in strictly increasing byte order (then lookups may compare bytes and bisect).
    mutating func skipObject(depth: Int, members: inout [JSONMemberRange]?) throws(WireError) -> Bool {
        guard depth <= options.maxDepth else { throw error(.tooDeep, "JSON nested deeper than \(options.maxDepth)") }
        let objectStart = index
        if try skipObjectWithPlainIncreasingKeys(depth: depth, members: &members) { return true }
        // A key that is not plain or not above the previous one: validate again from the start with String keys and
        // exactly `parseObject`'s duplicate rule (everything before this point was already valid).
        index = objectStart
        if members != nil { members = [] }
        try skipObjectWithStringKeys(depth: depth, members: &members)
        return false
    }

    /// The allocation-free path; returns `false` (having consumed part of the object) at the first key that is not
    /// plain or not strictly above the previous key.
    private mutating func skipObjectWithPlainIncreasingKeys(depth: Int, members: inout [JSONMemberRange]?) throws(WireError) -> Bool {
        index += 1  // '{'
        skipWhitespace()
        if index < buffer.count, buffer[index] == UInt8(ascii: "}") {
            index += 1
            return true
        }
        var previousStart = 0
        var previousEnd = -1
        while true {
            skipWhitespace()
            guard index < buffer.count else { throw error(.truncated, "unexpected end of JSON in object") }
            guard buffer[index] == UInt8(ascii: "\"") else { throw error(.invalidJSON, "expected a member name") }
            let keyStart = index + 1
            guard try skipString() else { return false }
            let keyEnd = index - 1
            if previousEnd >= 0, !Self.bytesAscend(buffer, previousStart, previousEnd, keyStart, keyEnd) { return false }
            previousStart = keyStart
            previousEnd = keyEnd
            skipWhitespace()
            guard index < buffer.count else { throw error(.truncated, "unexpected end of JSON in object") }
            guard buffer[index] == UInt8(ascii: ":") else { throw error(.invalidJSON, "expected ':'") }
            index += 1
            skipWhitespace()
            let valueStart = index
            var plainString = false
            if index < buffer.count, buffer[index] == UInt8(ascii: "\"") {
                plainString = try skipString()
            } else {
                try skipValue(depth: depth)
            }
            members?.append(JSONMemberRange(keyStart: keyStart, keyEnd: keyEnd, keyIsPlain: true, valueStart: valueStart,
                                            valueEnd: index, valueIsPlainString: plainString))
            skipWhitespace()
            guard index < buffer.count else { throw error(.truncated, "unexpected end of JSON in object") }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return true
            default: throw error(.invalidJSON, "expected ',' or '}'")
            }
        }
    }

    /// `parseObject`'s loop with values skipped instead of built.
    private mutating func skipObjectWithStringKeys(depth: Int, members: inout [JSONMemberRange]?) throws(WireError) {
        index += 1  // '{'
        var keys: [String] = []
        var increasing = true
        var seen: Set<String>? = nil
        skipWhitespace()
        if index < buffer.count, buffer[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard index < buffer.count else { throw error(.truncated, "unexpected end of JSON in object") }
            guard buffer[index] == UInt8(ascii: "\"") else { throw error(.invalidJSON, "expected a member name") }
            let keyStart = index + 1
            let key = try parseString()
            let keyEnd = index - 1
            if increasing, let previous = keys.last, !(previous < key) {
                increasing = false
            }
            if !increasing && !options.allowDuplicateKeys {
                if seen == nil { seen = Set(keys) }
                if seen?.insert(key).inserted == false {
                    throw error(.duplicateKey, "duplicate member name \"\(key)\"")
                }
            }
            keys.append(key)
            skipWhitespace()
            guard index < buffer.count else { throw error(.truncated, "unexpected end of JSON in object") }
            guard buffer[index] == UInt8(ascii: ":") else { throw error(.invalidJSON, "expected ':'") }
            index += 1
            skipWhitespace()
            let valueStart = index
            var plainString = false
            if index < buffer.count, buffer[index] == UInt8(ascii: "\"") {
                plainString = try skipString()
            } else {
                try skipValue(depth: depth)
            }
            let keyIsPlain = key.utf8.count == keyEnd - keyStart && Self.isASCII(buffer, keyStart, keyEnd)
            members?.append(JSONMemberRange(keyStart: keyStart, keyEnd: keyEnd, keyIsPlain: keyIsPlain, valueStart: valueStart,
                                            valueEnd: index, valueIsPlainString: plainString))
            skipWhitespace()
            guard index < buffer.count else { throw error(.truncated, "unexpected end of JSON in object") }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return
            default: throw error(.invalidJSON, "expected ',' or '}'")
            }
        }
    }

    /// Whether `buffer[aStart..<aEnd]` sorts strictly before `buffer[bStart..<bEnd]` by bytes.
    @inline(__always)
    static func bytesAscend(_ buffer: UnsafeRawBufferPointer, _ aStart: Int, _ aEnd: Int, _ bStart: Int, _ bEnd: Int) -> Bool {
        guard let base = buffer.baseAddress else { return aEnd - aStart < bEnd - bStart }
        return KeyBytes.compare(base + aStart, aEnd - aStart, base + bStart, bEnd - bStart) < 0
    }

    /// Whether `buffer[start..<end]` is ASCII.
    static func isASCII(_ buffer: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        var any: UInt8 = 0
        for offset in start..<end { any |= buffer[offset] }
        return any < 0x80
    }
}
