/// `application/x-www-form-urlencoded` bodies (WHATWG URL §5.2): unreserved bytes as-is, space as `+`, everything
/// else percent-encoded.
enum FormURLEncoding {
    static func encode(_ fields: [(String, String)]) -> [UInt8] {
        var output: [UInt8] = []
        for (index, field) in fields.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "&")) }
            append(field.0, to: &output)
            output.append(UInt8(ascii: "="))
            append(field.1, to: &output)
        }
        return output
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func append(_ text: String, to output: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "*"):
                output.append(byte)
            case UInt8(ascii: " "):
                output.append(UInt8(ascii: "+"))
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0f)])
            }
        }
    }
}
