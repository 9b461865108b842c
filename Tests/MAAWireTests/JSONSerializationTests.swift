import MAAWire
import MAATesting
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

    /// Short strings take a byte loop, longer ones 16-byte steps whose last one overlaps the step before: a byte that
    /// needs escaping is found at every position of every length across those paths.
    @Test func aSpecialByteIsFoundAtEveryPositionOfEveryLength() {
        for length in 1...50 {
            #expect(!JSONValue.needsEscaping(String(repeating: "a", count: length), escapeSlashes: true), "length \(length)")
            for position in 0..<length {
                for (byte, slashOnly) in [(UInt8(0x0A), false), (0x22, false), (0x5C, false), (0x1F, false), (0x2F, true)] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[position] = byte
                    let text = String(decoding: bytes, as: UTF8.self)
                    #expect(JSONValue.needsEscaping(text) == !slashOnly, "byte \(byte) at \(position) of \(length)")
                    #expect(JSONValue.needsEscaping(text, escapeSlashes: true), "byte \(byte) at \(position) of \(length)")
                }
            }
        }
    }
}

@Suite("JSON key order")
struct JSONKeyOrderTests {
    /// Sorted serialization orders members by the UTF-8 bytes of their keys, including keys that share their first
    /// 16 bytes (the serializer sorts by those first), keys that are prefixes of others, NUL bytes and non-ASCII keys.
    @Test func membersAreSortedByUTF8Bytes() throws {
        let keys = [
            "x-ms-sgx-config-svn", "x-ms-sgx-config-id", "x-ms-sgx-config-", "x-ms-sgx-config", "x-ms-sgx-config-\u{0}",
            "x-ms-sgx-config-\u{0}a", "x-ms-sgx-mrsigner", "x-ms-sgx-mrenclave", "", "a", "a\u{0}", "A", "é", "e\u{301}x", "z",
            "\u{7f}", "漢字", "🙂", "exp", "iat", "x-ms-sgx-config-svn-2", "x-ms-sgx-config-svm",
        ]
        var generator = SplitMix64(seed: 0x6B65_7973)
        for _ in 0..<50 {
            var shuffled = keys
            for index in shuffled.indices.reversed() where index > 0 {
                shuffled.swapAt(index, Int(generator.next() % UInt64(index + 1)))
            }
            let object = JSONObject(shuffled.enumerated().map { (key: $0.element, value: JSONValue.integer(Int64($0.offset))) })
            let parsed = try JSONValue(parsing: JSONValue.object(object).serializedBytes(.maa))
            let order = try #require(parsed.objectValue).keys.map { Array($0.utf8) }
            #expect(order == keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
        }
    }

    @Test func objectFromDictionaryKeepsEveryMember() {
        let dictionary: [String: JSONValue] = ["b": 1, "a": "x", "c": [true, nil]]
        let object = JSONObject(dictionary)
        #expect(object.count == 3)
        #expect(object["a"] == "x" && object["b"] == 1 && object["c"] == [true, nil])
        #expect(JSONValue.object(object).serialized(.maa) == #"{"a":"x","b":1,"c":[true,null]}"#)
    }
}
