/// Base64 (RFC 4648 §4) and base64url (RFC 4648 §5) encoding and strict decoding.
///
/// Decoding accepts input with or without `=` padding, rejects characters outside the chosen alphabet,
/// impossible lengths, misplaced padding and non-zero trailing bits (so every byte string has exactly one
/// accepted unpadded encoding per alphabet).
public enum Base64 {
    /// Which characters a decoder accepts for values 62 and 63.
    public enum Alphabet: Sendable {
        /// `+` and `/` (RFC 4648 §4), used by X.509 `x5c` members.
        case standard
        /// `-` and `_` (RFC 4648 §5), used by JOSE and MAA's `format: base64url` fields.
        case url
        /// Either of the above (but not mixed within one string), as the Azure SDKs' decoders accept.
        case either
    }

    private static let standardChars: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlChars: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// 0...63 for a digit of either alphabet; 64 for `+` `/`; 65 for `-` `_` handled below; 0xFF otherwise.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in standardChars.enumerated() { table[Int(char)] = UInt8(index) }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Encodes bytes as base64url without padding.
    public static func urlEncoded(_ bytes: some Sequence<UInt8>) -> String {
        encode(bytes, chars: urlChars, pad: false)
    }

    /// Encodes bytes as standard base64 with padding.
    public static func standardEncoded(_ bytes: some Sequence<UInt8>) -> String {
        encode(bytes, chars: standardChars, pad: true)
    }

    /// Encodes UTF-8 text as base64url without padding.
    public static func urlEncoded(utf8 text: String) -> String { urlEncoded(Array(text.utf8)) }

    private static func encode(_ bytes: some Sequence<UInt8>, chars: [UInt8], pad: Bool) -> String {
        let input = Array(bytes)
        let outputCount = pad ? ((input.count + 2) / 3) * 4 : (input.count * 4 + 2) / 3
        return String(unsafeUninitializedCapacity: outputCount) { out in
            chars.withUnsafeBufferPointer { table in
                input.withUnsafeBufferPointer { inp in
                    var o = 0
                    var i = 0
                    let n = inp.count
                    while i + 3 <= n {
                        let v = UInt32(inp[i]) << 16 | UInt32(inp[i + 1]) << 8 | UInt32(inp[i + 2])
                        out[o] = table[Int(v >> 18)]
                        out[o + 1] = table[Int((v >> 12) & 63)]
                        out[o + 2] = table[Int((v >> 6) & 63)]
                        out[o + 3] = table[Int(v & 63)]
                        i += 3
                        o += 4
                    }
                    let rest = n - i
                    if rest == 1 {
                        let v = UInt32(inp[i]) << 16
                        out[o] = table[Int(v >> 18)]
                        out[o + 1] = table[Int((v >> 12) & 63)]
                        o += 2
                        if pad {
                            out[o] = UInt8(ascii: "=")
                            out[o + 1] = UInt8(ascii: "=")
                            o += 2
                        }
                    } else if rest == 2 {
                        let v = UInt32(inp[i]) << 16 | UInt32(inp[i + 1]) << 8
                        out[o] = table[Int(v >> 18)]
                        out[o + 1] = table[Int((v >> 12) & 63)]
                        out[o + 2] = table[Int((v >> 6) & 63)]
                        o += 3
                        if pad {
                            out[o] = UInt8(ascii: "=")
                            o += 1
                        }
                    }
                    return o
                }
            }
        }
    }

    /// Decodes base64 text in the given alphabet.
    public static func decode(_ text: some StringProtocol, alphabet: Alphabet = .url) throws(WireError) -> [UInt8] {
        var utf8 = String(text)
        let result: Result<[UInt8], WireError> = utf8.withUTF8 { buffer in
            do throws(WireError) { return .success(try decode(bytes: UnsafeRawBufferPointer(buffer), alphabet: alphabet)) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Decodes base64 text given as ASCII bytes.
    public static func decode(bytes input: UnsafeRawBufferPointer, alphabet: Alphabet = .url) throws(WireError) -> [UInt8] {
        var n = input.count
        // Strip up to two trailing '=' characters; padding must then complete a quantum.
        var padding = 0
        while n > 0, input[n - 1] == UInt8(ascii: "="), padding < 2 {
            n -= 1
            padding += 1
        }
        if padding > 0, (n + padding) % 4 != 0 {
            throw WireError(.invalidBase64, "padding does not complete a 4-character group")
        }
        if n % 4 == 1 { throw WireError(.invalidBase64, "impossible length \(n)") }
        var sawStandard = false
        var sawURL = false
        let fullGroups = n / 4
        let rest = n % 4
        let outCount = fullGroups * 3 + (rest == 0 ? 0 : rest - 1)
        var output = [UInt8](repeating: 0, count: outCount)
        var badIndex = -1
        decodeTable.withUnsafeBufferPointer { table in
            output.withUnsafeMutableBufferPointer { out in
                var i = 0
                var o = 0
                @inline(__always) func value(_ index: Int) -> UInt32 {
                    let c = input[index]
                    let v = table[Int(c)]
                    if v == 0xFF {
                        if badIndex < 0 { badIndex = index }
                        return 0
                    }
                    if v >= 62 {
                        if c == UInt8(ascii: "+") || c == UInt8(ascii: "/") { sawStandard = true } else { sawURL = true }
                    }
                    return UInt32(v)
                }
                for _ in 0..<fullGroups {
                    let v = value(i) << 18 | value(i + 1) << 12 | value(i + 2) << 6 | value(i + 3)
                    out[o] = UInt8(truncatingIfNeeded: v >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: v)
                    i += 4
                    o += 3
                }
                if rest == 2 {
                    let v = value(i) << 18 | value(i + 1) << 12
                    if v & 0xFFFF != 0 { if badIndex < 0 { badIndex = i + 1 } }
                    out[o] = UInt8(truncatingIfNeeded: v >> 16)
                } else if rest == 3 {
                    let v = value(i) << 18 | value(i + 1) << 12 | value(i + 2) << 6
                    if v & 0xFF != 0 { if badIndex < 0 { badIndex = i + 2 } }
                    out[o] = UInt8(truncatingIfNeeded: v >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                }
            }
        }
        if badIndex >= 0 { throw WireError(.invalidBase64, "invalid character or trailing bits at offset \(badIndex)") }
        switch alphabet {
        case .url where sawStandard: throw WireError(.invalidBase64, "'+' or '/' in base64url text")
        case .standard where sawURL: throw WireError(.invalidBase64, "'-' or '_' in standard base64 text")
        case .either where sawURL && sawStandard: throw WireError(.invalidBase64, "mixed base64 alphabets")
        default: break
        }
        return output
    }
}
