/// A fast path for the flat `QuoteCollateralV3` object: `{"key":"string",…}` with string values only.
///
/// It decodes member values straight to bytes (the signed JSON bodies are never turned into `String` and back)
/// and returns `nil` — so that the caller falls back to MAAWire's strict general parser, which then accepts or
/// rejects — on anything outside this narrow shape: non-string values, `\u` escapes, non-ASCII or control bytes,
/// duplicate keys, trailing data. It never accepts a document the general parser would reject.
enum FlatJSONObject {
    static func parse(_ bytes: [UInt8], maximumMembers: Int = 32) -> [(key: [UInt8], value: [UInt8])]? {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(b: buffer)
            return parser.object(maximumMembers: maximumMembers)
        }
    }

    private struct Parser {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0

        init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

        mutating func ws() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        }

        /// A string of printable ASCII with the simple escapes, decoded; `nil` for anything else.
        mutating func string() -> [UInt8]? {
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
            // Pass 1: find the closing quote, validate, and count the decoded length.
            guard let base = b.baseAddress else { return nil }
            let count = b.count
            let start = i + 1
            var j = start
            var escapes = 0
            while true {
                guard j < count else { return nil }
                let c = base[j]
                if c == UInt8(ascii: "\"") { break }
                if c == UInt8(ascii: "\\") {
                    guard j + 1 < count, Self.unescape(base[j + 1]) != nil else { return nil }
                    escapes += 1
                    j += 2
                    continue
                }
                guard c >= 0x20, c < 0x80 else { return nil }
                j += 1
            }
            let end = j
            i = end + 1
            guard escapes > 0 else { return Array(UnsafeBufferPointer(start: base + start, count: end - start)) }
            // Pass 2: copy with the escapes decoded.
            return [UInt8](unsafeUninitializedCapacity: end - start - escapes) { out, written in
                guard let target = out.baseAddress else { return }
                var k = start
                var n = 0
                while k < end {
                    let c = base[k]
                    if c == UInt8(ascii: "\\") {
                        target[n] = Self.unescape(base[k + 1]) ?? 0
                        k += 2
                    } else {
                        target[n] = c
                        k += 1
                    }
                    n += 1
                }
                written = n
            }
        }

        static func unescape(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "\""): 0x22
            case UInt8(ascii: "\\"): 0x5C
            case UInt8(ascii: "/"): 0x2F
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            default: nil
            }
        }

        mutating func object(maximumMembers: Int) -> [(key: [UInt8], value: [UInt8])]? {
            ws()
            guard i < b.count, b[i] == UInt8(ascii: "{") else { return nil }
            i += 1
            var members: [(key: [UInt8], value: [UInt8])] = []
            ws()
            if i < b.count, b[i] == UInt8(ascii: "}") {
                i += 1
            } else {
                while true {
                    ws()
                    guard let key = string() else { return nil }
                    ws()
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
                    i += 1
                    ws()
                    guard let value = string() else { return nil }
                    guard members.count < maximumMembers, !members.contains(where: { $0.key == key }) else { return nil }
                    members.append((key, value))
                    ws()
                    guard i < b.count else { return nil }
                    if b[i] == UInt8(ascii: ",") {
                        i += 1
                        continue
                    }
                    guard b[i] == UInt8(ascii: "}") else { return nil }
                    i += 1
                    break
                }
            }
            ws()
            return i == b.count ? members : nil
        }
    }
}
