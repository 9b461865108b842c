/// A fast path for the flat `QuoteCollateralV3` object: `{"key":"string",…}` with string values only.
///
/// It decodes member values straight to bytes (the signed JSON bodies are never turned into `String` and back)
/// and returns `nil` — so that the caller falls back to MAAWire's strict general parser, which then accepts or
/// rejects — on anything outside this narrow shape: non-string values, `\u` escapes, non-ASCII or control bytes,
/// duplicate keys, trailing data. It never accepts a document the general parser would reject.
enum FlatJSONObject {
    static func parse(_ b: [UInt8], maximumMembers: Int = 32) -> [(key: [UInt8], value: [UInt8])]? {
        var i = 0
        func ws() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        }
        func string() -> [UInt8]? {
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            var out: [UInt8] = []
            var runStart = i
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") {
                    out.append(contentsOf: b[runStart..<i])
                    i += 1
                    return out
                }
                guard c >= 0x20, c < 0x80 else { return nil }
                if c == UInt8(ascii: "\\") {
                    out.append(contentsOf: b[runStart..<i])
                    guard i + 1 < b.count else { return nil }
                    switch b[i + 1] {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case UInt8(ascii: "\\"): out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    default: return nil
                    }
                    i += 2
                    runStart = i
                    continue
                }
                i += 1
            }
            return nil
        }
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
