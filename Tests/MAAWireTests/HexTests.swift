import MAAWire
import MAATesting
import Testing

/// Hex decoding against an obviously-correct reference decoder (one character at a time, a `switch` per digit).
@Suite struct HexTests {
    /// The reference: `nil` where the fast decoder must throw.
    static func referenceDecode(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var output: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            output.append(high << 4 | low)
        }
        return output
    }

    @Test func knownAnswers() throws {
        #expect(try Hex.decode("") == [])
        #expect(try Hex.decode("00abFF") == [0x00, 0xAB, 0xFF])
        #expect(try Hex.decode("0123456789abcdefABCDEF") == [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xAB, 0xCD, 0xEF])
        let mrenclave = "b779202618becb636768e5d902f28d524222735fafb539ea9ba07c3fc171a1c2"
        #expect(Hex.encode(try Hex.decode(mrenclave)) == mrenclave)
    }

    @Test(arguments: ["a", "abc", "0g", "g0", "zz", "0x00", "00 ", " 00", "0\u{0}", "\u{e9}0", "00\u{e9}", "--", "0:", "0@", "0G", "0`"])
    func rejects(_ text: String) {
        #expect(Self.referenceDecode(text) == nil)
        #expect(throws: WireError(.invalidHex, "")) { try Hex.decode(text) }
    }

    /// Every byte value in every position of a 32-digit string: the fast decoder accepts exactly what the reference
    /// accepts and returns the same bytes.
    @Test func everyByteInEveryPosition() {
        let valid = Array("0123456789abcdefABCDEF0123456789".utf8)
        for position in 0..<valid.count {
            for byte in UInt8(0)...UInt8(127) {
                var digits = valid
                digits[position] = byte
                let text = String(decoding: digits, as: UTF8.self)
                #expect((try? Hex.decode(text)) == Self.referenceDecode(text), "byte \(byte) at \(position)")
            }
        }
    }

    /// Random strings over an alphabet of mostly hex digits with some garbage, all lengths up to 100.
    @Test func differentialAgainstReference() {
        var generator = SplitMix64(seed: 0x4845_5821)
        let alphabet = Array("0123456789abcdefABCDEF0123456789abcdef".utf8) + Array("gG xz-=\u{7f}".utf8)
        for _ in 0..<3000 {
            let length = Int(generator.next() % 100)
            let garbage = generator.next() % 4 == 0
            var digits: [UInt8] = []
            for _ in 0..<length {
                let pool = garbage ? alphabet.count : 22
                digits.append(alphabet[Int(generator.next() % UInt64(pool))])
            }
            let text = String(decoding: digits, as: UTF8.self)
            #expect((try? Hex.decode(text)) == Self.referenceDecode(text), "\(text)")
        }
    }
}

