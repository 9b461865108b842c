import MAAWire
import Testing

@Suite struct JSONTests {
    @Test func parsesAllValueKinds() throws {
        let value = try JSONValue(parsing: #" {"a":[1,-2,3.5,1e3,true,false,null],"b":{"c":"d\u00e9\n\ud83d\ude00"},"e":""} "#)
        #expect(value["a"] == [1, -2, 3.5, 1000.0, true, false, nil])
        #expect(value["b"]?["c"] == .string("dé\n😀"))
        #expect(value["e"] == "")
        #expect(value["missing"] == nil)
    }

    /// The string parser skips 16 bytes at a time until a quote, backslash, control character or non-ASCII byte, then
    /// goes byte by byte: each of those is handled at every position of strings across both paths.
    @Test func stringsAreParsedWhereverTheirSpecialBytesFall() throws {
        for length in 0...40 {
            let plain = String(repeating: "a", count: length)
            #expect(try JSONValue(parsing: "\"\(plain)\"") == .string(plain), "length \(length)")
            for position in 0...length {
                let (head, tail) = (String(repeating: "a", count: position), String(repeating: "b", count: length - position))
                #expect(try JSONValue(parsing: "\"\(head)\\n\(tail)\"") == .string(head + "\n" + tail), "escape at \(position)")
                #expect(try JSONValue(parsing: "\"\(head)é\(tail)\"") == .string(head + "é" + tail), "non-ASCII at \(position)")
                #expect(throws: WireError.self, "control character at \(position)") {
                    try JSONValue(parsing: Array("\"\(head)".utf8) + [0x09] + Array("\(tail)\"".utf8))
                }
                #expect(throws: WireError.self, "unterminated at \(position)") { try JSONValue(parsing: "\"\(head)") }
            }
        }
    }

    @Test func integersStayExact() throws {
        #expect(try JSONValue(parsing: "9223372036854775807") == .integer(.max))
        #expect(try JSONValue(parsing: "-9223372036854775808") == .integer(.min))
        #expect(try JSONValue(parsing: "9223372036854775808") == .double(9223372036854775808))
        #expect(try JSONValue(parsing: "1625170428").integerValue == 1625170428)
    }

    @Test func serializesCompactSortedDeterministic() throws {
        let text = #"{"typ":"JWT","alg":"RS256","kid":"k/1","n":{"z":1,"a":[true,null,"x\"y\\"]}}"#
        let value = try JSONValue(parsing: text)
        #expect(value.serialized() == #"{"alg":"RS256","kid":"k/1","n":{"a":[true,null,"x\"y\\"],"z":1},"typ":"JWT"}"#)
        #expect(value.serialized(.preservingOrder) == text)
        #expect(value.serialized(.init(sortKeys: true, escapeSlashes: true)).contains(#"k\/1"#))
        #expect(try JSONValue(parsing: value.serialized()) == JSONValue(parsing: value.serialized()))
    }

    @Test func controlCharactersAreEscaped() throws {
        let value = JSONValue.string("a\u{01}b\tc")
        #expect(value.serialized() == #""a\u0001b\tc""#)
        #expect(try JSONValue(parsing: value.serialized()) == value)
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "'a'", "01", "1.", ".5", "1e", "-", "+1",
        "tru", "nul", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"a\u{01}\"", "[1] 2",
        "NaN", "Infinity", "1e999", "{\"a\":1}{}", "[\"\\ud800\\u0041\"]",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(throws: WireError.self) { try JSONValue(parsing: text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: WireError.self) { try JSONValue(parsing: [0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: WireError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
    }

    @Test func rejectsDuplicateKeys() throws {
        #expect(throws: WireError(.duplicateKey, "")) { try JSONValue(parsing: #"{"a":1,"a":2}"#) }
        let many = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(throws: WireError(.duplicateKey, "")) { try JSONValue(parsing: "{\(many),\"k3\":0}") }
        #expect(try JSONValue(parsing: #"{"a":1,"a":2}"#, options: .init(allowDuplicateKeys: true))["a"] == 2)
    }

    @Test func limitsDepthAndSize() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: WireError(.tooDeep, "")) { try JSONValue(parsing: deep) }
        let objects = String(repeating: "{\"a\":", count: 70) + "1" + String(repeating: "}", count: 70)
        #expect(throws: WireError(.tooDeep, "")) { try JSONValue(parsing: objects) }
        #expect(throws: WireError(.tooLarge, "")) {
            try JSONValue(parsing: "[1,2,3]", options: .init(maxInputBytes: 4))
        }
    }

    @Test func objectEditing() {
        var object = JSONObject()
        object["b"] = 1
        object["a"] = "x"
        object["b"] = 2
        #expect(object.keys == ["b", "a"])
        object["b"] = nil
        #expect(object.keys == ["a"])
        #expect(JSONValue.object(object).serialized() == #"{"a":"x"}"#)
    }
}

@Suite struct PythonStyleJSONTests {
    @Test func matchesPythonJSONDumps() throws {
        // json.dumps({"alg": "RSA256", "jwk": {"x5c": ["MII/+"]}, "t": "é😀"}) in CPython 3.
        let value: JSONValue = ["alg": "RSA256", "jwk": ["x5c": ["MII/+"]], "t": "é😀"]
        #expect(value.serialized(.python) == #"{"alg": "RSA256", "jwk": {"x5c": ["MII/+"]}, "t": "\u00e9\ud83d\ude00"}"#)
    }
}
