/// Limits applied while parsing untrusted JSON.
public struct JSONParsingOptions: Sendable {
    /// The deepest nesting of arrays and objects accepted.
    public var maxDepth: Int
    /// The largest input accepted, in bytes.
    public var maxInputBytes: Int
    /// Whether an object may repeat a key. Off by default: a repeated key is an error, since two parsers could
    /// disagree on which value counts.
    public var allowDuplicateKeys: Bool

    public init(maxDepth: Int = 64, maxInputBytes: Int = 16 << 20, allowDuplicateKeys: Bool = false) {
        self.maxDepth = maxDepth
        self.maxInputBytes = maxInputBytes
        self.allowDuplicateKeys = allowDuplicateKeys
    }

    public static let `default` = JSONParsingOptions()
}

extension JSONValue {
    /// Parses exactly one JSON value (RFC 8259) from UTF-8 bytes; only whitespace may surround it.
    public init(parsing bytes: [UInt8], options: JSONParsingOptions = .default) throws(WireError) {
        self = try bytes.withUnsafeBytes { Self.parse($0, options: options) }.get()
    }

    /// Parses exactly one JSON value (RFC 8259) from UTF-8 bytes; only whitespace may surround it.
    public init(parsing bytes: some Collection<UInt8>, options: JSONParsingOptions = .default) throws(WireError) {
        let result: Result<JSONValue, WireError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Self.parse(UnsafeRawBufferPointer(buffer), options: options)
        }
        if let result {
            self = try result.get()
        } else {
            let array = Array(bytes)
            self = try array.withUnsafeBytes { Self.parse($0, options: options) }.get()
        }
    }

    /// Parses exactly one JSON value from a string.
    public init(parsing text: String, options: JSONParsingOptions = .default) throws(WireError) {
        var text = text
        self = try text.withUTF8 { Self.parse(UnsafeRawBufferPointer($0), options: options) }.get()
    }

    private static func parse(_ buffer: UnsafeRawBufferPointer, options: JSONParsingOptions) -> Result<JSONValue, WireError> {
        guard buffer.count <= options.maxInputBytes else {
            return .failure(WireError(.tooLarge, "JSON input of \(buffer.count) bytes exceeds \(options.maxInputBytes)"))
        }
        var parser = JSONParser(buffer: buffer, options: options)
        do throws(WireError) {
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.index == buffer.count else {
                throw parser.error(.invalidJSON, "trailing data after the JSON value")
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }
}

/// A recursive-descent parser over a byte buffer. Every read is bounds-checked.
struct JSONParser {
    let buffer: UnsafeRawBufferPointer
    let options: JSONParsingOptions
    var index = 0

    init(buffer: UnsafeRawBufferPointer, options: JSONParsingOptions) {
        self.buffer = buffer
        self.options = options
    }

    func error(_ code: WireError.Code, _ reason: String) -> WireError {
        WireError(code, "\(reason) at offset \(index)")
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < buffer.count {
            switch buffer[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(WireError) -> JSONValue {
        guard index < buffer.count else { throw error(.truncated, "unexpected end of JSON") }
        switch buffer[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error(.invalidJSON, "unexpected character")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(WireError) {
        let count = literal.utf8CodeUnitCount
        guard buffer.count - index >= count else { throw error(.truncated, "unexpected end of JSON") }
        let start = literal.utf8Start
        for offset in 0..<count where buffer[index + offset] != start[offset] {
            throw error(.invalidJSON, "invalid literal")
        }
        index += count
    }

    mutating func parseObject(depth: Int) throws(WireError) -> JSONValue {
        guard depth <= options.maxDepth else { throw error(.tooDeep, "JSON nested deeper than \(options.maxDepth)") }
        index += 1  // '{'
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(4)  // one allocation for small objects such as JOSE headers, fewer regrowths for others
        // Keys in strictly increasing order (as MAA writes them) cannot repeat: compare each key with the previous
        // one only (String's `<`, consistent with its `==`), and fall back to a set of the keys once the order breaks.
        var increasing = true
        var seen: Set<String>? = nil
        skipWhitespace()
        if index < buffer.count, buffer[index] == UInt8(ascii: "}") {
            index += 1
            return .object(JSONObject(uniqueMembers: members, sorted: false))
        }
        while true {
            skipWhitespace()
            guard index < buffer.count else { throw error(.truncated, "unexpected end of JSON in object") }
            guard buffer[index] == UInt8(ascii: "\"") else { throw error(.invalidJSON, "expected a member name") }
            let key = try parseString()
            if increasing, let previous = members.last?.key, !(previous < key) {
                increasing = false
            }
            if !increasing && !options.allowDuplicateKeys {
                if seen == nil { seen = Set(members.map(\.key)) }
                if seen?.insert(key).inserted == false {
                    throw error(.duplicateKey, "duplicate member name \"\(key)\"")
                }
            }
            skipWhitespace()
            guard index < buffer.count else { throw error(.truncated, "unexpected end of JSON in object") }
            guard buffer[index] == UInt8(ascii: ":") else { throw error(.invalidJSON, "expected ':'") }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            if options.allowDuplicateKeys, let existing = members.firstIndex(where: { $0.key == key }) {
                members[existing].value = value
            } else {
                members.append((key: key, value: value))
            }
            skipWhitespace()
            guard index < buffer.count else { throw error(.truncated, "unexpected end of JSON in object") }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(JSONObject(uniqueMembers: members, sorted: increasing))
            default: throw error(.invalidJSON, "expected ',' or '}'")
            }
        }
    }

    mutating func parseArray(depth: Int) throws(WireError) -> JSONValue {
        guard depth <= options.maxDepth else { throw error(.tooDeep, "JSON nested deeper than \(options.maxDepth)") }
        index += 1  // '['
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < buffer.count, buffer[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < buffer.count else { throw error(.truncated, "unexpected end of JSON in array") }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            default: throw error(.invalidJSON, "expected ',' or ']'")
            }
        }
    }

    mutating func parseString() throws(WireError) -> String {
        index += 1  // opening quote
        let start = index
        var nonASCII: UInt8 = 0
        // Fast path: no escapes. Skip 16 bytes at a time while none is '"', '\\', a control character or non-ASCII
        // (a quote's or token's several KiB of base64 are skipped in a few hundred steps).
        if let base = buffer.baseAddress {
            let quote = SIMD16<UInt8>(repeating: 0x22), backslash = SIMD16<UInt8>(repeating: 0x5C)
            let space = SIMD16<UInt8>(repeating: 0x20), nonASCII = SIMD16<UInt8>(repeating: 0x80)
            while buffer.count - index >= 16 {
                let bytes = base.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                let special = (bytes .== quote) .| (bytes .== backslash) .| (bytes .< space) .| (bytes .>= nonASCII)
                if SIMDLanes.any(special) { break }
                index += 16
            }
        }
        while index < buffer.count {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: buffer[start..<index])
                index += 1
                return try makeString(slice, isASCII: nonASCII == 0)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error(.invalidJSON, "control character in string") }
            nonASCII |= byte & 0x80
            index += 1
        }
        guard index < buffer.count else { throw error(.truncated, "unterminated string") }
        // Slow path: decode escapes.
        var bytes = Array(UnsafeRawBufferPointer(rebasing: buffer[start..<index]))
        while index < buffer.count {
            let byte = buffer[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: bytes, as: UTF8.self) else {
                    throw error(.invalidJSON, "invalid UTF-8 in string")
                }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                guard index < buffer.count else { throw error(.truncated, "unterminated escape") }
                let escape = buffer[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard buffer.count - index >= 6, buffer[index] == UInt8(ascii: "\\"),
                            buffer[index + 1] == UInt8(ascii: "u")
                        else { throw error(.invalidJSON, "unpaired surrogate") }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error(.invalidJSON, "unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error(.invalidJSON, "unpaired surrogate")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error(.invalidJSON, "invalid code point") }
                    bytes.append(contentsOf: String(Character(unicode)).utf8)
                default:
                    throw error(.invalidJSON, "invalid escape")
                }
            default:
                if byte < 0x20 { throw error(.invalidJSON, "control character in string") }
                bytes.append(byte)
                index += 1
            }
        }
        throw error(.truncated, "unterminated string")
    }

    /// A string from UTF-8 bytes, rejecting invalid UTF-8. ASCII (the common case) needs no validation.
    func makeString(_ bytes: UnsafeRawBufferPointer, isASCII: Bool) throws(WireError) -> String {
        let utf8 = bytes.assumingMemoryBound(to: UInt8.self)
        if isASCII { return String(decoding: utf8, as: UTF8.self) }
        guard let string = String(validating: utf8, as: UTF8.self) else { throw error(.invalidJSON, "invalid UTF-8 in string") }
        return string
    }

    mutating func parseHex4() throws(WireError) -> UInt32 {
        guard buffer.count - index >= 4 else { throw error(.truncated, "truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = buffer[index]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error(.invalidJSON, "invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    mutating func parseNumber() throws(WireError) -> JSONValue {
        let start = index
        var isInteger = true
        if buffer[index] == UInt8(ascii: "-") { index += 1 }
        guard index < buffer.count else { throw error(.truncated, "truncated number") }
        if buffer[index] == UInt8(ascii: "0") {
            index += 1
        } else if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(buffer[index]) {
            while index < buffer.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buffer[index]) { index += 1 }
        } else {
            throw error(.invalidJSON, "invalid number")
        }
        if index < buffer.count, buffer[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let digitsStart = index
            while index < buffer.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buffer[index]) { index += 1 }
            guard index > digitsStart else { throw error(.invalidJSON, "digits expected after '.'") }
        }
        if index < buffer.count, buffer[index] == UInt8(ascii: "e") || buffer[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < buffer.count, buffer[index] == UInt8(ascii: "+") || buffer[index] == UInt8(ascii: "-") {
                index += 1
            }
            let digitsStart = index
            while index < buffer.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buffer[index]) { index += 1 }
            guard index > digitsStart else { throw error(.invalidJSON, "digits expected in exponent") }
        }
        guard index - start <= 400 else { throw error(.tooLarge, "number literal too long") }
        // Integers of up to 18 digits (all of MAA's) fit Int64 exactly: accumulate them without going through text.
        let negative = buffer[start] == UInt8(ascii: "-")
        let digitsStart = negative ? start + 1 : start
        if isInteger, index - digitsStart <= 18 {
            var value: Int64 = 0
            for offset in digitsStart..<index { value = value &* 10 &+ Int64(buffer[offset] &- UInt8(ascii: "0")) }
            return .integer(negative ? 0 &- value : value)
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self)
        if isInteger, let value = Int64(text) { return .integer(value) }
        guard let value = Double(text), value.isFinite else { throw error(.invalidValue, "number out of range") }
        return .double(value)
    }
}
