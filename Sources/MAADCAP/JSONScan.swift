/// Word-at-a-time scanning of JSON string bodies for the collateral fast paths (``FlatJSONObject``,
/// ``JSONTape``): eight bytes are tested at once for the bytes that end a plain run.
enum JSONScan {
    /// Whether `c` may appear unescaped in a fast-path string: printable ASCII other than `"` and `\`.
    @inline(__always)
    static func isPlain(_ c: UInt8) -> Bool {
        c >= 0x20 && c < 0x80 && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\")
    }

    /// Whether some byte of the little-endian word `w` is not plain.
    @inline(__always)
    static func hasSpecial(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        // Per byte, the top bit of each term is set exactly when some byte of `w` is: ≥ 0x80, < 0x20 (for bytes
        // below 0x80), a quote, or a backslash (zero bytes of `w ^ pattern`).
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let special = w | ((w &- ones &* 0x20) & ~w) | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
        return special & (ones &* 0x80) != 0
    }

    /// The little-endian word at `base + offset` (unaligned).
    @inline(__always)
    static func word(_ base: UnsafePointer<UInt8>, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
    }

    /// The index of the first byte in `start..<end` that is not plain (a quote, a backslash, a control byte or a
    /// non-ASCII byte), or `end`.
    @inline(__always)
    static func plainRunEnd(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var j = start
        while end &- j >= 8, !hasSpecial(word(base, j)) { j &+= 8 }
        while j < end, isPlain(base[j]) { j &+= 1 }
        return j
    }
}
