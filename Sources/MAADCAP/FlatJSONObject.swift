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
            guard let base = b.baseAddress else { return nil }
            let count = b.count
            let start = i + 1
            // Up to the first escape: only validate.
            let j = JSONScan.plainRunEnd(base, start, count)
            guard j < count else { return nil }
            if base[j] == UInt8(ascii: "\"") {
                i = j + 1
                return Array(UnsafeBufferPointer(start: base + start, count: j - start))
            }
            guard base[j] == UInt8(ascii: "\\") else { return nil }
            // From there: validate and copy with the escapes decoded, in one pass, into a buffer sized for the rest
            // of the input; then trim it to size.
            var failed = false
            var end = j
            let decoded = [UInt8](unsafeUninitializedCapacity: count - start) { target, written in
                written = 0
                guard let dst = target.baseAddress else {
                    failed = true
                    return
                }
                var n = j - start
                dst.update(from: base + start, count: n)
                var k = j
                while true {
                    // Plain words are copied eight bytes at a time (the output never runs ahead of the input, and
                    // the buffer holds as many bytes as the rest of the input); then byte by byte up to the next
                    // quote, which ends the string, or backslash, which starts an escape.
                    while count - k >= 8 {
                        let w = JSONScan.word(base, k)
                        if JSONScan.hasSpecial(w) { break }
                        UnsafeMutableRawPointer(dst + n).storeBytes(of: w.littleEndian, as: UInt64.self)
                        k += 8
                        n += 8
                    }
                    while k < count, JSONScan.isPlain(base[k]) {
                        dst[n] = base[k]
                        k += 1
                        n += 1
                    }
                    guard k < count else {
                        failed = true
                        return
                    }
                    let c = base[k]
                    if c == UInt8(ascii: "\"") { break }
                    guard c == UInt8(ascii: "\\"), k + 1 < count, let unescaped = Self.unescape(base[k + 1]) else {
                        failed = true
                        return
                    }
                    dst[n] = unescaped
                    k += 2
                    n += 1
                }
                end = k
                written = n
            }
            guard !failed else { return nil }
            i = end + 1
            guard decoded.capacity - decoded.count > 256 else { return decoded }
            return decoded.withUnsafeBufferPointer { source in
                [UInt8](unsafeUninitializedCapacity: source.count) { target, written in
                    _ = target.initialize(from: source)
                    written = source.count
                }
            }
        }

        @inline(__always)
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
