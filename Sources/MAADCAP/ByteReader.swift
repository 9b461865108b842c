/// A bounded little-endian cursor over untrusted bytes.
///
/// Written here because no Swift library covers Intel's DCAP structures and the reads must never trap:
/// every read checks the remaining length first and throws ``DCAPError/Code/quoteTruncated`` (or a caller's
/// code) instead. Slices share the input's storage.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        let end = min(end ?? bytes.count, bytes.count)
        self.end = end
        self.offset = min(max(start, 0), end)
    }

    var remaining: Int { end - offset }

    mutating func read(_ count: Int, _ code: DCAPError.Code = .quoteTruncated) throws(DCAPError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw DCAPError(code, "need \(count) bytes at offset \(offset), \(remaining) remain")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func readArray(_ count: Int, _ code: DCAPError.Code = .quoteTruncated) throws(DCAPError) -> [UInt8] {
        Array(try read(count, code))
    }

    mutating func u16(_ code: DCAPError.Code = .quoteTruncated) throws(DCAPError) -> UInt16 {
        let s = try read(2, code)
        let i = s.startIndex
        return UInt16(s[i]) | UInt16(s[i + 1]) << 8
    }

    mutating func u32(_ code: DCAPError.Code = .quoteTruncated) throws(DCAPError) -> UInt32 {
        let s = try read(4, code)
        let i = s.startIndex
        return UInt32(s[i]) | UInt32(s[i + 1]) << 8 | UInt32(s[i + 2]) << 16 | UInt32(s[i + 3]) << 24
    }

    mutating func u64(_ code: DCAPError.Code = .quoteTruncated) throws(DCAPError) -> UInt64 {
        let low = UInt64(try u32(code))
        let high = UInt64(try u32(code))
        return low | high << 32
    }

    /// Little-endian u64 from exactly 8 bytes (no bounds to check).
    static func u64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for (shift, byte) in bytes.prefix(8).enumerated() { value |= UInt64(byte) << (8 * UInt64(shift)) }
        return value
    }
}
