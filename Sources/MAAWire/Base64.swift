/// Base64 (RFC 4648 §4) and base64url (RFC 4648 §5) encoding and strict decoding.
///
/// Decoding accepts input with or without `=` padding, rejects characters outside the chosen alphabet,
/// impossible lengths, misplaced padding and non-zero trailing bits (so every byte string has exactly one
/// accepted unpadded encoding per alphabet).
public enum Base64 {
    /// Which characters a decoder accepts for values 62 and 63.
    public enum Alphabet: Sendable {
        /// `+` and `/` (RFC 4648 §4), used by X.509 `x5c` members.
        case standard
        /// `-` and `_` (RFC 4648 §5), used by JOSE and MAA's `format: base64url` fields.
        case url
        /// Either of the above (but not mixed within one string), as the Azure SDKs' decoders accept.
        case either
    }

    private static let standardChars: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlChars: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Decoding tables: the 6-bit value of each accepted character, 0xFF for every other byte.
    private static func makeTable(_ extra: [(Character, UInt8)]) -> [UInt8] {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in standardChars.prefix(62).enumerated() { table[Int(char)] = UInt8(index) }
        for (char, value) in extra { table[Int(char.asciiValue ?? 0)] = value }
        return table
    }

    private static let urlTable = makeTable([("-", 62), ("_", 63)])
    private static let standardTable = makeTable([("+", 62), ("/", 63)])
    private static let eitherTable = makeTable([("-", 62), ("_", 63), ("+", 62), ("/", 63)])

    /// Four 256-entry tables per alphabet: the value of a character at positions 0...3 of a quantum, shifted into
    /// place (18, 12, 6, 0 bits), or 0x8000_0000 for a rejected character.
    private static func makeShiftedTables(_ table: [UInt8]) -> [UInt32] {
        var tables = [UInt32](repeating: 0, count: 1024)
        for position in 0..<4 {
            for byte in 0..<256 {
                let value = table[byte]
                tables[position * 256 + byte] = value == 0xFF ? 0x8000_0000 : UInt32(value) << UInt32(18 - 6 * position)
            }
        }
        return tables
    }

    private static let urlShifted = makeShiftedTables(urlTable)
    private static let standardShifted = makeShiftedTables(standardTable)
    private static let eitherShifted = makeShiftedTables(eitherTable)

    /// One 65,536-entry table per alphabet for two characters at once (the 16-bit little-endian load of a character
    /// pair): their 12-bit value, or 0x8000 when either character is rejected. Built on first use (128 KiB); halving
    /// the lookups makes the decoding of a token's several KiB about a third faster than four single-character tables.
    private static func makePairTable(_ table: [UInt8]) -> [UInt16] {
        var pairs = [UInt16](repeating: 0x8000, count: 65536)
        for first in 0..<256 where table[first] != 0xFF {
            for second in 0..<256 where table[second] != 0xFF {
                pairs[first | second << 8] = UInt16(table[first]) << 6 | UInt16(table[second])
            }
        }
        return pairs
    }

    private static let urlPairs = makePairTable(urlTable)
    private static let standardPairs = makePairTable(standardTable)
    private static let eitherPairs = makePairTable(eitherTable)

    private static func pairTable(for alphabet: Alphabet) -> [UInt16] {
        switch alphabet {
        case .url: urlPairs
        case .standard: standardPairs
        case .either: eitherPairs
        }
    }

    private static func shiftedTables(for alphabet: Alphabet) -> [UInt32] {
        switch alphabet {
        case .url: urlShifted
        case .standard: standardShifted
        case .either: eitherShifted
        }
    }

    /// Encoding tables for twelve bits at once: the two characters of each 12-bit value, as a little-endian
    /// `UInt16` (8 KiB per alphabet), so six input bytes become eight characters with four lookups and one store.
    private static func makeEncodingPairs(_ chars: [UInt8]) -> [UInt16] {
        (0..<4096).map { UInt16(chars[$0 >> 6]) | UInt16(chars[$0 & 63]) << 8 }
    }

    private static let urlEncodingPairs = makeEncodingPairs(urlChars)
    private static let standardEncodingPairs = makeEncodingPairs(standardChars)

    /// Encodes bytes as base64url without padding.
    public static func urlEncoded(_ bytes: some Sequence<UInt8>) -> String {
        encode(bytes, chars: urlChars, pairs: urlEncodingPairs, pad: false)
    }

    /// Encodes bytes as standard base64 with padding.
    public static func standardEncoded(_ bytes: some Sequence<UInt8>) -> String {
        encode(bytes, chars: standardChars, pairs: standardEncodingPairs, pad: true)
    }

    /// Encodes UTF-8 text as base64url without padding.
    public static func urlEncoded(utf8 text: String) -> String { urlEncoded(Array(text.utf8)) }

    private static func encode(_ bytes: some Sequence<UInt8>, chars: [UInt8], pairs: [UInt16], pad: Bool) -> String {
        let input = Array(bytes)
        let outputCount = pad ? ((input.count + 2) / 3) * 4 : (input.count * 4 + 2) / 3
        return String(unsafeUninitializedCapacity: outputCount) { out in
            chars.withUnsafeBufferPointer { table in
                input.withUnsafeBufferPointer { inp in
                    var o = 0
                    var i = 0
                    let n = inp.count
                    // Six bytes per step from one 8-byte load (the two spare bytes are ignored), while 8 remain.
                    if let source = inp.baseAddress, let target = out.baseAddress {
                        let from = UnsafeRawPointer(source)
                        let to = UnsafeMutableRawPointer(target)
                        pairs.withUnsafeBufferPointer { pairTable in
                            guard let p = pairTable.baseAddress else { return }
                            while i &+ 8 <= n {
                                let word = UInt64(bigEndian: from.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                                let chars = UInt64(p[Int(truncatingIfNeeded: word >> 52)])
                                    | UInt64(p[Int(truncatingIfNeeded: (word >> 40) & 0xFFF)]) << 16
                                    | UInt64(p[Int(truncatingIfNeeded: (word >> 28) & 0xFFF)]) << 32
                                    | UInt64(p[Int(truncatingIfNeeded: (word >> 16) & 0xFFF)]) << 48
                                to.storeBytes(of: chars.littleEndian, toByteOffset: o, as: UInt64.self)
                                i &+= 6
                                o &+= 8
                            }
                        }
                    }
                    while i + 3 <= n {
                        let v = UInt32(inp[i]) << 16 | UInt32(inp[i + 1]) << 8 | UInt32(inp[i + 2])
                        out[o] = table[Int(v >> 18)]
                        out[o + 1] = table[Int((v >> 12) & 63)]
                        out[o + 2] = table[Int((v >> 6) & 63)]
                        out[o + 3] = table[Int(v & 63)]
                        i += 3
                        o += 4
                    }
                    let rest = n - i
                    if rest == 1 {
                        let v = UInt32(inp[i]) << 16
                        out[o] = table[Int(v >> 18)]
                        out[o + 1] = table[Int((v >> 12) & 63)]
                        o += 2
                        if pad {
                            out[o] = UInt8(ascii: "=")
                            out[o + 1] = UInt8(ascii: "=")
                            o += 2
                        }
                    } else if rest == 2 {
                        let v = UInt32(inp[i]) << 16 | UInt32(inp[i + 1]) << 8
                        out[o] = table[Int(v >> 18)]
                        out[o + 1] = table[Int((v >> 12) & 63)]
                        out[o + 2] = table[Int((v >> 6) & 63)]
                        o += 3
                        if pad {
                            out[o] = UInt8(ascii: "=")
                            o += 1
                        }
                    }
                    return o
                }
            }
        }
    }

    /// Decodes base64 text in the given alphabet.
    public static func decode(_ text: some StringProtocol, alphabet: Alphabet = .url) throws(WireError) -> [UInt8] {
        var utf8 = String(text)
        let result: Result<[UInt8], WireError> = utf8.withUTF8 { buffer in
            do throws(WireError) { return .success(try decode(bytes: UnsafeRawBufferPointer(buffer), alphabet: alphabet)) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Decodes base64 text given as ASCII bytes.
    public static func decode(bytes input: UnsafeRawBufferPointer, alphabet: Alphabet = .url) throws(WireError) -> [UInt8] {
        var n = input.count
        // Strip up to two trailing '=' characters; padding must then complete a quantum.
        var padding = 0
        while n > 0, input[n - 1] == UInt8(ascii: "="), padding < 2 {
            n -= 1
            padding += 1
        }
        if padding > 0, (n + padding) % 4 != 0 {
            throw WireError(.invalidBase64, "padding does not complete a 4-character group")
        }
        if n % 4 == 1 { throw WireError(.invalidBase64, "impossible length \(n)") }
        let fullGroups = n / 4
        let rest = n % 4
        let outCount = fullGroups * 3 + (rest == 0 ? 0 : rest - 1)
        // Every byte of the result is written below (the two spare bytes are dropped), so it needs no zero fill.
        var output = [UInt8](unsafeUninitializedCapacity: outCount + 2) { _, initialized in initialized = outCount + 2 }
        // Four tables (for the last groups), one per position in a quantum, hold the 6-bit value already shifted into
        // place; a rejected character maps to 0x8000_0000 (and a rejected pair to 0x8000), so ORing every looked-up
        // value into `invalid` detects any of them.
        var invalid: UInt32 = 0
        var trailingBitsSet = false
        let shifted = shiftedTables(for: alphabet)
        let pairs = pairTable(for: alphabet)
        shifted.withUnsafeBufferPointer { tables in
            pairs.withUnsafeBufferPointer { pairTable in
                output.withUnsafeMutableBufferPointer { out in
                    guard let inp = input.baseAddress, let o = out.baseAddress, let t = tables.baseAddress, let p = pairTable.baseAddress
                    else { return }
                    let t1 = t + 256, t2 = t + 512, t3 = t + 768
                    var i = 0
                    var w = 0
                    // Eight characters (one 64-bit load, four pair lookups) give six bytes. `i` and `w` stay below the
                    // buffer sizes, so wrapping arithmetic never wraps (and skips overflow checks).
                    var pairInvalid: UInt16 = 0
                    // Sixteen characters per step first (two independent words), then one word.
                    let doubleEnd = fullGroups * 4 - 16
                    while i <= doubleEnd {
                        let first = UInt64(littleEndian: inp.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                        let second = UInt64(littleEndian: inp.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self))
                        let p0 = p[Int(first & 0xFFFF)]
                        let p1 = p[Int((first >> 16) & 0xFFFF)]
                        let p2 = p[Int((first >> 32) & 0xFFFF)]
                        let p3 = p[Int(first >> 48)]
                        let p4 = p[Int(second & 0xFFFF)]
                        let p5 = p[Int((second >> 16) & 0xFFFF)]
                        let p6 = p[Int((second >> 32) & 0xFFFF)]
                        let p7 = p[Int(second >> 48)]
                        pairInvalid |= p0 | p1 | p2 | p3 | p4 | p5 | p6 | p7
                        let low = (UInt64(p0) << 52 | UInt64(p1) << 40 | UInt64(p2) << 28 | UInt64(p3) << 16).bigEndian
                        let high = (UInt64(p4) << 52 | UInt64(p5) << 40 | UInt64(p6) << 28 | UInt64(p7) << 16).bigEndian
                        UnsafeMutableRawPointer(o).storeBytes(of: low, toByteOffset: w, as: UInt64.self)
                        UnsafeMutableRawPointer(o).storeBytes(of: high, toByteOffset: w &+ 6, as: UInt64.self)
                        i &+= 16
                        w &+= 12
                    }
                    let wordEnd = fullGroups * 4 - 8
                    while i <= wordEnd {
                        let word = UInt64(littleEndian: inp.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                        let p0 = p[Int(word & 0xFFFF)]
                        let p1 = p[Int((word >> 16) & 0xFFFF)]
                        let p2 = p[Int((word >> 32) & 0xFFFF)]
                        let p3 = p[Int(word >> 48)]
                        pairInvalid |= p0 | p1 | p2 | p3
                        // One 8-byte store writes the six decoded bytes (big-endian) plus two bytes of slack that the
                        // next store or the tail overwrites; `output` has two spare bytes at the end for this.
                        let six = (UInt64(p0) << 52 | UInt64(p1) << 40 | UInt64(p2) << 28 | UInt64(p3) << 16).bigEndian
                        UnsafeMutableRawPointer(o).storeBytes(of: six, toByteOffset: w, as: UInt64.self)
                        i &+= 8
                        w &+= 6
                    }
                    invalid |= UInt32(pairInvalid) << 16
                    let bytes = inp.assumingMemoryBound(to: UInt8.self)
                    while i < fullGroups * 4 {
                        let v = t[Int(bytes[i])] | t1[Int(bytes[i + 1])] | t2[Int(bytes[i + 2])] | t3[Int(bytes[i + 3])]
                        invalid |= v
                        o[w] = UInt8(truncatingIfNeeded: v >> 16)
                        o[w + 1] = UInt8(truncatingIfNeeded: v >> 8)
                        o[w + 2] = UInt8(truncatingIfNeeded: v)
                        i += 4
                        w += 3
                    }
                    if rest == 2 {
                        let v = t[Int(bytes[i])] | t1[Int(bytes[i + 1])]
                        invalid |= v
                        trailingBitsSet = v & 0xFFFF != 0 && v & 0x8000_0000 == 0
                        o[w] = UInt8(truncatingIfNeeded: v >> 16)
                    } else if rest == 3 {
                        let v = t[Int(bytes[i])] | t1[Int(bytes[i + 1])] | t2[Int(bytes[i + 2])]
                        invalid |= v
                        trailingBitsSet = v & 0xFF != 0 && v & 0x8000_0000 == 0
                        o[w] = UInt8(truncatingIfNeeded: v >> 16)
                        o[w + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    }
                }
            }
        }
        let table: [UInt8]
        switch alphabet {
        case .url: table = urlTable
        case .standard: table = standardTable
        case .either: table = eitherTable
        }
        output.removeLast(2)
        if invalid & 0x8000_0000 != 0 {
            let bad: Int = (0..<n).first(where: { table[Int(input[$0])] == 0xFF }) ?? 0
            throw WireError(.invalidBase64, "invalid character at offset \(bad)")
        }
        if trailingBitsSet { throw WireError(.invalidBase64, "non-zero trailing bits") }
        if alphabet == .either {
            var sawStandard = false
            var sawURL = false
            for byte in input.prefix(n) {
                if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") { sawStandard = true }
                if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") { sawURL = true }
            }
            if sawStandard && sawURL { throw WireError(.invalidBase64, "mixed base64 alphabets") }
        }
        return output
    }
}
