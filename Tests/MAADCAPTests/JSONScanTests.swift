@testable import MAADCAP
import MAATesting
import MAAWire
import Testing

/// The word-at-a-time JSON string scan against a byte-at-a-time reading, and the flat-object fast path on
/// strings with a special byte at every offset (so every position inside and across the 8-byte words is tried).
@Suite("JSON string scan")
struct JSONScanTests {
    static func reference(_ bytes: [UInt8], _ start: Int) -> Int {
        var j = start
        while j < bytes.count, bytes[j] >= 0x20, bytes[j] < 0x80, bytes[j] != 0x22, bytes[j] != 0x5C { j += 1 }
        return j
    }

    static let specials: [UInt8] = [0x00, 0x01, 0x1F, 0x22, 0x5C, 0x7F, 0x80, 0x9F, 0xA2, 0xDC, 0xFF]
    static let plain: [UInt8] = [0x20, 0x21, 0x23, 0x2F, 0x5B, 0x5D, 0x7E, 0x41, 0x61]

    @Test func wordScanMatchesByteScan() {
        var rng = SplitMix64(seed: 0x5CA7)
        for length in 0..<40 {
            for _ in 0..<60 {
                var bytes = (0..<length).map { _ in Self.plain[Int(rng.next() % UInt64(Self.plain.count))] }
                if length > 0, rng.next() % 4 != 0 {
                    bytes[Int(rng.next() % UInt64(length))] = Self.specials[Int(rng.next() % UInt64(Self.specials.count))]
                }
                let start = length == 0 ? 0 : Int(rng.next() % UInt64(length + 1))
                let scanned = bytes.withUnsafeBufferPointer { buffer in
                    buffer.baseAddress.map { JSONScan.plainRunEnd($0, start, buffer.count) } ?? start
                }
                #expect(scanned == Self.reference(bytes, start), "\(bytes) from \(start)")
            }
        }
    }

    /// `{"k":"…"}` with one special byte (or an escape) at each offset of a 24-byte value: the fast path accepts
    /// exactly the strings MAAWire's parser accepts without `\u` escapes, with the same decoded bytes.
    @Test func flatObjectAgreesWithTheGeneralParserAtEveryOffset() throws {
        let insertions: [[UInt8]] = Self.specials.map { [$0] } + [Array(#"\""#.utf8), Array(#"\\"#.utf8), Array(#"\n"#.utf8), Array(#"\/"#.utf8), Array(#"\x"#.utf8)]
        for insertion in insertions {
            for offset in 0...24 {
                var value = [UInt8](repeating: UInt8(ascii: "a"), count: 24)
                value.insert(contentsOf: insertion, at: offset)
                let document = Array(#"{"k":""#.utf8) + value + Array(#""}"#.utf8)
                let fast = FlatJSONObject.parse(document)
                let general = try? JSONValue(parsing: document)
                if let fast {
                    let expected = try #require(general?["k"]?.stringValue, "fast path accepted \(insertion) at \(offset)")
                    #expect(fast.count == 1 && fast[0].value == Array(expected.utf8))
                } else if insertion.count == 2, insertion != Array(#"\x"#.utf8) {
                    Issue.record("a simple escape at \(offset) left the fast path")
                } else if insertion.count == 1, (0x20..<0x80).contains(insertion[0]), insertion[0] != 0x22, insertion[0] != 0x5C {
                    Issue.record("a plain byte at \(offset) left the fast path")
                }
            }
        }
    }
}
