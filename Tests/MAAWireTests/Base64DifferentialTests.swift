import MAAWire
import MAATesting
import Testing

/// The table-driven decoder (character-pair tables for whole words, per-position tables for the last groups)
/// against an obviously-correct reference that decodes one character at a time.
@Suite struct Base64DifferentialTests {
    static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let url = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// The value of each of the 62 characters both alphabets share.
    static let commonValues: [UInt32?] = (0..<256).map { byte in standard.prefix(62).firstIndex(of: UInt8(byte)).map { UInt32($0) } }

    /// The reference: `nil` where the fast decoder must throw (RFC 4648, strict: padding optional but complete,
    /// no stray characters, zero trailing bits, no mixed alphabets for `.either`).
    static func referenceDecode(_ text: [UInt8], alphabet: Base64.Alphabet) -> [UInt8]? {
        var body = text
        var padding = 0
        while padding < 2, body.last == UInt8(ascii: "=") {
            body.removeLast()
            padding += 1
        }
        if padding > 0, (body.count + padding) % 4 != 0 { return nil }
        if body.count % 4 == 1 { return nil }
        var sawStandard = false
        var sawURL = false
        var values: [UInt32] = []
        for char in body {
            if let value = commonValues[Int(char)] {
                values.append(value)
            } else if alphabet != .url, char == UInt8(ascii: "+") || char == UInt8(ascii: "/") {
                values.append(char == UInt8(ascii: "+") ? 62 : 63)
                sawStandard = true
            } else if alphabet != .standard, char == UInt8(ascii: "-") || char == UInt8(ascii: "_") {
                values.append(char == UInt8(ascii: "-") ? 62 : 63)
                sawURL = true
            } else {
                return nil
            }
        }
        if sawStandard && sawURL { return nil }
        var output: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for value in values {
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        if accumulator != 0 { return nil }  // non-zero trailing bits
        return output
    }

    static func check(_ text: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        for alphabet in [Base64.Alphabet.url, .standard, .either] {
            let fast = try? text.withUnsafeBytes { buffer throws(WireError) in try Base64.decode(bytes: buffer, alphabet: alphabet) }
            #expect(fast == referenceDecode(text, alphabet: alphabet), "\(String(decoding: text, as: UTF8.self)) \(alphabet)",
                    sourceLocation: sourceLocation)
        }
    }

    /// Random valid encodings of every length up to 70, each also with one character replaced by every byte value
    /// at a random position (so every byte lands in every lane of the word loop and in the tail).
    @Test func differentialAgainstReference() {
        var generator = SplitMix64(seed: 0x6236_3464)
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let alphabetChars = length % 2 == 0 ? Self.url : Self.standard
            var text = Array((alphabetChars == Self.url ? Base64.urlEncoded(bytes) : Base64.standardEncoded(bytes)).utf8)
            Self.check(text)
            if alphabetChars == Self.standard { Self.check(Array(text.prefix { $0 != UInt8(ascii: "=") })) }
            guard !text.isEmpty else { continue }
            let position = Int(generator.next() % UInt64(text.count))
            let original = text[position]
            for byte in UInt8(0)...UInt8(255) {
                text[position] = byte
                Self.check(text)
            }
            text[position] = original
        }
    }

    /// Random strings over the base64 characters plus padding and a few strays, all lengths up to 64.
    @Test func randomStrings() {
        var generator = SplitMix64(seed: 0x7261_6E64)
        let pool = Self.standard + Array("-_=.= \u{7f}".utf8) + [0x80, 0xFF, 0x00]
        for _ in 0..<6000 {
            let length = Int(generator.next() % 64)
            let limit = UInt64(generator.next() % 4 == 0 ? pool.count : 64)
            Self.check((0..<length).map { _ in pool[Int(generator.next() % limit)] })
        }
    }

    /// The encoder (twelve-bit pair tables for whole words, then three bytes at a time) against a reference that
    /// emits one six-bit group at a time, for random bytes of every length up to 100.
    @Test func encoderMatchesReference() {
        func reference(_ bytes: [UInt8], chars: [UInt8], pad: Bool) -> String {
            var output: [UInt8] = []
            var accumulator: UInt32 = 0
            var bits = 0
            for byte in bytes {
                accumulator = accumulator << 8 | UInt32(byte)
                bits += 8
                while bits >= 6 {
                    bits -= 6
                    output.append(chars[Int((accumulator >> UInt32(bits)) & 63)])
                }
            }
            if bits > 0 { output.append(chars[Int((accumulator << UInt32(6 - bits)) & 63)]) }
            while pad, output.count % 4 != 0 { output.append(UInt8(ascii: "=")) }
            return String(decoding: output, as: UTF8.self)
        }
        var generator = SplitMix64(seed: 0x656E_636F)
        for length in 0...100 {
            for _ in 0..<8 {
                let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                #expect(Base64.urlEncoded(bytes) == reference(bytes, chars: Self.url, pad: false), "\(bytes)")
                #expect(Base64.standardEncoded(bytes) == reference(bytes, chars: Self.standard, pad: true), "\(bytes)")
            }
        }
    }
}
