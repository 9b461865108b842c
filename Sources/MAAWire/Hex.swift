/// Lowercase hexadecimal encoding and strict decoding.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes bytes as lowercase hex.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let input = Array(bytes)
        return String(unsafeUninitializedCapacity: input.count * 2) { out in
            var o = 0
            for byte in input {
                out[o] = digits[Int(byte >> 4)]
                out[o + 1] = digits[Int(byte & 0x0F)]
                o += 2
            }
            return o
        }
    }

    /// Encodes bytes as uppercase hex (MAA's certificate thumbprints).
    public static func encodeUppercase(_ bytes: some Sequence<UInt8>) -> String {
        encode(bytes).uppercased()
    }

    /// Decodes hex text (either case). Rejects odd lengths and non-hex characters.
    public static func decode(_ text: some StringProtocol) throws(WireError) -> [UInt8] {
        var string = String(text)
        let result: Result<[UInt8], WireError> = string.withUTF8 { utf8 in
            do throws(WireError) { return .success(try decode(bytes: UnsafeRawBufferPointer(utf8))) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Decodes hex text given as ASCII bytes (either case). Rejects odd lengths and non-hex characters.
    public static func decode(bytes input: UnsafeRawBufferPointer) throws(WireError) -> [UInt8] {
        guard input.count % 2 == 0 else { throw WireError(.invalidHex, "odd number of hex digits") }
        let count = input.count / 2
        // Each digit's value comes from a table in which a non-digit maps to 0x100; OR-ing every looked-up value into
        // `invalid` finds any of them with one test after the loop (no per-character branch).
        var invalid: UInt16 = 0
        let output = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            nibbleValues.withUnsafeBufferPointer { table in
                guard let t = table.baseAddress, let o = out.baseAddress, let i = input.baseAddress else { return }
                let digits = i.assumingMemoryBound(to: UInt8.self)
                for index in 0..<count {
                    let high = t[Int(digits[2 &* index])]
                    let low = t[Int(digits[2 &* index &+ 1])]
                    invalid |= high | low
                    o[index] = UInt8(truncatingIfNeeded: high &<< 4 | low)
                }
                initialized = count
            }
        }
        if invalid & 0x100 != 0 {
            let bad = input.firstIndex { nibbleValues[Int($0)] == 0x100 } ?? 0
            throw WireError(.invalidHex, "invalid hex digit at offset \(bad)")
        }
        return output
    }

    /// The value of each hex digit byte, 0x100 for every other byte.
    private static let nibbleValues: [UInt16] = {
        var table = [UInt16](repeating: 0x100, count: 256)
        for (value, char) in "0123456789abcdef".utf8.enumerated() { table[Int(char)] = UInt16(value) }
        for (value, char) in "ABCDEF".utf8.enumerated() { table[Int(char)] = UInt16(value + 10) }
        return table
    }()
}
