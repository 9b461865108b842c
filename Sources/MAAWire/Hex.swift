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
            guard utf8.count % 2 == 0 else { return .failure(WireError(.invalidHex, "odd number of hex digits")) }
            var output = [UInt8](repeating: 0, count: utf8.count / 2)
            var bad = -1
            output.withUnsafeMutableBufferPointer { out in
                for index in 0..<out.count {
                    guard let high = nibble(utf8[2 * index]), let low = nibble(utf8[2 * index + 1]) else {
                        bad = 2 * index
                        return
                    }
                    out[index] = high << 4 | low
                }
            }
            if bad >= 0 { return .failure(WireError(.invalidHex, "invalid hex digit at offset \(bad)")) }
            return .success(output)
        }
        return try result.get()
    }

    /// The value of each hex digit byte, 0xFF for every other byte.
    private static let nibbles: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, char) in "0123456789abcdef".utf8.enumerated() { table[Int(char)] = UInt8(value) }
        for (value, char) in "ABCDEF".utf8.enumerated() { table[Int(char)] = UInt8(value + 10) }
        return table
    }()

    @inline(__always)
    private static func nibble(_ c: UInt8) -> UInt8? {
        let value = nibbles[Int(c)]
        return value == 0xFF ? nil : value
    }
}
