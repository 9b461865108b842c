import MAAWire
import Testing

@Suite("JSON escaping check")
struct JSONNeedsEscapingTests {
    @Test func everyByteIsClassifiedAsTheSerializerEscapesIt() {
        for byte in UInt8(0)..<0x80 {
            let text = "abc" + String(UnicodeScalar(byte)) + "def"
            let expected = byte < 0x20 || byte == 0x22 || byte == 0x5C
            #expect(JSONValue.needsEscaping(text) == expected, "byte \(byte)")
            #expect(JSONValue.needsEscaping(text, escapeSlashes: true) == (expected || byte == 0x2F), "byte \(byte)")
            // The serializer agrees: the output differs from quote + text + quote exactly when escaping is needed.
            let plain = Array(("\"" + text + "\"").utf8)
            #expect((JSONValue.string(text).serializedBytes(.maa) != plain) == expected, "byte \(byte)")
        }
        #expect(!JSONValue.needsEscaping(""))
        #expect(!JSONValue.needsEscaping("é漢字🙂 eyJhbGciOiJSUzI1NiJ9.e30.c2ln"))
        #expect(JSONValue.needsEscaping(String(repeating: "a", count: 4097) + "\n"))
    }
}
