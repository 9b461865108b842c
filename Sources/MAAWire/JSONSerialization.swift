extension JSONValue {
    /// How a value is written out.
    public struct SerializationOptions: Sendable {
        /// Sort object members by key (UTF-8 byte order, which is code-point order) instead of keeping their order.
        public var sortKeys: Bool
        /// Escape `/` as `\/` (some producers do; MAA's tokens do not).
        public var escapeSlashes: Bool

        /// Write `", "` and `": "` between members, as Python's `json.dumps` does by default.
        public var spacedSeparators: Bool
        /// Escape every non-ASCII character as `\uXXXX` (UTF-16), as Python's `json.dumps` does by default.
        public var escapeNonASCII: Bool

        public init(sortKeys: Bool = true, escapeSlashes: Bool = false, spacedSeparators: Bool = false, escapeNonASCII: Bool = false) {
            self.sortKeys = sortKeys
            self.escapeSlashes = escapeSlashes
            self.spacedSeparators = spacedSeparators
            self.escapeNonASCII = escapeNonASCII
        }

        /// Compact, sorted keys, no slash escaping: how MAA serializes token headers and bodies.
        public static let maa = SerializationOptions()
        /// Compact, document order.
        public static let preservingOrder = SerializationOptions(sortKeys: false)
        /// Python's `json.dumps(obj)` defaults: insertion order, `", "` and `": "`, non-ASCII escaped. The Azure
        /// Python SDK builds its policy tokens this way.
        public static let python = SerializationOptions(sortKeys: false, spacedSeparators: true, escapeNonASCII: true)
    }

    /// The compact UTF-8 serialization of this value. Deterministic: equal values give identical bytes.
    public func serializedBytes(_ options: SerializationOptions = .maa) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(into: &output, options: options)
        return output
    }

    /// The compact serialization as a string.
    public func serialized(_ options: SerializationOptions = .maa) -> String {
        String(decoding: serializedBytes(options), as: UTF8.self)
    }

    /// A human-readable rendering: two-space indentation, sorted keys. Not for signing or hashing.
    public func prettyPrinted() -> String {
        var output: [UInt8] = []
        writePretty(into: &output, indent: 0)
        return String(decoding: output, as: UTF8.self)
    }

    private func writePretty(into output: inout [UInt8], indent: Int) {
        let pad = { (level: Int) in [UInt8](repeating: UInt8(ascii: " "), count: level * 2) }
        switch self {
        case .array(let elements) where !elements.isEmpty:
            output.append(contentsOf: Array("[\n".utf8))
            for (offset, element) in elements.enumerated() {
                output.append(contentsOf: pad(indent + 1))
                element.writePretty(into: &output, indent: indent + 1)
                output.append(contentsOf: Array((offset + 1 < elements.count ? ",\n" : "\n").utf8))
            }
            output.append(contentsOf: pad(indent) + Array("]".utf8))
        case .object(let object) where !object.isEmpty:
            output.append(contentsOf: Array("{\n".utf8))
            let members = UTF8Order.sortedPositions(of: object.members.map(\.key)).map { object.members[$0] }
            for (offset, member) in members.enumerated() {
                output.append(contentsOf: pad(indent + 1))
                Self.writeString(member.key, into: &output, options: .maa)
                output.append(contentsOf: Array(": ".utf8))
                member.value.writePretty(into: &output, indent: indent + 1)
                output.append(contentsOf: Array((offset + 1 < members.count ? ",\n" : "\n").utf8))
            }
            output.append(contentsOf: pad(indent) + Array("}".utf8))
        default:
            write(into: &output, options: .maa)
        }
    }

    /// Appends the compact serialization of this value to `output`.
    public func write(into output: inout [UInt8], options: SerializationOptions = .maa) {
        switch self {
        case .null: output.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(true): output.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        case .bool(false): output.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        case .integer(let value): output.append(contentsOf: String(value).utf8)
        case .double(let value): output.append(contentsOf: Self.format(value).utf8)
        case .string(let value): Self.writeString(value, into: &output, options: options)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { Self.writeComma(into: &output, options: options) }
                element.write(into: &output, options: options)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            let members = object.members
            let order = options.sortKeys ? UTF8Order.sortedPositions(of: members.map(\.key)) : Array(members.indices)
            for (offset, index) in order.enumerated() {
                if offset > 0 { Self.writeComma(into: &output, options: options) }
                Self.writeString(members[index].key, into: &output, options: options)
                output.append(UInt8(ascii: ":"))
                if options.spacedSeparators { output.append(UInt8(ascii: " ")) }
                members[index].value.write(into: &output, options: options)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    @inline(__always)
    private static func writeComma(into output: inout [UInt8], options: SerializationOptions) {
        output.append(UInt8(ascii: ","))
        if options.spacedSeparators { output.append(UInt8(ascii: " ")) }
    }

    private static func writeUnicodeEscape(_ unit: UInt16, into output: inout [UInt8]) {
        output.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        for shift in [12, 8, 4, 0] { output.append(hexDigits[Int((unit >> UInt16(shift)) & 0x0F)]) }
    }

    /// Whether `value` holds a byte a JSON string must escape: a control character, `"` or `\\`, and `/` when
    /// `escapeSlashes`. Non-ASCII text needs no escaping in UTF-8 JSON. One branch-free pass over the UTF-8 bytes.
    public static func needsEscaping(_ value: String, escapeSlashes: Bool = false) -> Bool {
        var value = value
        return value.withUTF8 { needsEscaping($0, slash: escapeSlashes ? 0x2F : 0x22) }
    }

    /// Whether `buffer` holds a control character, `"`, `\\` or `slash` (pass `"` to leave `/` alone).
    ///
    /// Called for every key and string value of a token (about 90 per attestation, most under 70 bytes), so the
    /// per-call cost matters as much as the per-byte one: sixteen bytes per step, the last step overlapping the one
    /// before it instead of a byte loop, and the result taken from the accumulated lanes as two words.
    private static func needsEscaping(_ buffer: UnsafeBufferPointer<UInt8>, slash: UInt8) -> Bool {
        guard let base = buffer.baseAddress else { return false }
        let count = buffer.count
        if count < 16 {
            var found: UInt8 = 0
            for index in 0..<count {
                let byte = base[index]
                found |= (byte < 0x20 ? 1 : 0) | (byte == 0x22 ? 1 : 0) | (byte == 0x5C ? 1 : 0) | (byte == slash ? 1 : 0)
            }
            return found != 0
        }
        let raw = UnsafeRawPointer(base)
        let space = SIMD16<UInt8>(repeating: 0x20), quote = SIMD16<UInt8>(repeating: 0x22)
        let backslash = SIMD16<UInt8>(repeating: 0x5C), slashes = SIMD16<UInt8>(repeating: slash)
        var hits = SIMDMask<SIMD16<Int8>>(repeating: false)
        var index = 0
        while true {
            let bytes = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            hits .|= (bytes .< space) .| (bytes .== quote) .| (bytes .== backslash) .| (bytes .== slashes)
            if index &+ 16 == count { break }
            index = min(index &+ 16, count &- 16)  // the last step ends at the last byte
        }
        return SIMDLanes.any(hits)
    }

    static func writeString(_ value: String, into output: inout [UInt8], options: SerializationOptions) {
        let escapeSlashes = options.escapeSlashes
        if options.escapeNonASCII, !value.utf8.allSatisfy({ $0 < 0x80 }) {
            output.append(UInt8(ascii: "\""))
            for scalar in value.unicodeScalars {
                if scalar.value < 0x80 {
                    var single: [UInt8] = []
                    writeString(String(scalar), into: &single, options: SerializationOptions(escapeSlashes: escapeSlashes))
                    output.append(contentsOf: single.dropFirst().dropLast())
                } else {
                    for unit in String(scalar).utf16 { writeUnicodeEscape(unit, into: &output) }
                }
            }
            output.append(UInt8(ascii: "\""))
            return
        }
        // One access to the UTF-8 bytes for the check and the copy (in place for native strings).
        if value.utf8.withContiguousStorageIfAvailable({ writeEscaping($0, into: &output, escapeSlashes: escapeSlashes) }) != nil {
            return
        }
        var value = value
        value.withUTF8 { bytes in writeEscaping(bytes, into: &output, escapeSlashes: escapeSlashes) }
    }

    private static func writeEscaping(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], escapeSlashes: Bool) {
        output.append(UInt8(ascii: "\""))
        // Fast path: nothing to escape (the common case for MAA claims) — copy the UTF-8 bytes in one go.
        if !needsEscaping(bytes, slash: escapeSlashes ? 0x2F : 0x22) {
            output.append(contentsOf: bytes)
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
            case UInt8(ascii: "/") where escapeSlashes: output.append(contentsOf: [0x5C, 0x2F])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20: writeUnicodeEscape(UInt16(byte), into: &output)
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
