import MAAWire
import MAATesting
import Testing

/// `JSONObjectView` (validate in place, decode on demand) against the tree parser `JSONValue(parsing:)`, which is the
/// reference: same acceptance, same error codes, same values.
@Suite struct JSONObjectViewTests {
    /// Documents covering the paths of the view: sorted plain keys (bisected), unsorted, escaped and non-ASCII keys
    /// and values, nesting, every value kind.
    static let documents: [String] = [
        #"{}"#,
        #" { "a" : 1 } "#,
        #"{"aas-ehd":"CiAg","exp":1625199193,"iat":1625170393,"iss":"https://x.attest.azure.net","jti":"9084a8","nbf":1625170393,"x-ms-sgx-collateral":{"qeidcertshash":"a64d","quotehash":"af0e"},"x-ms-sgx-is-debuggable":false,"x-ms-sgx-mrenclave":"b779","x-ms-sgx-product-id":1,"x-ms-sgx-svn":1,"x-ms-ver":"1.0"}"#,
        #"{"z":1,"a":2,"m":[1,2,{"x":null}],"b":{"d":true,"c":false}}"#,
        #"{"a\u0062":"c\"d","\u00e9":"\u00e9","f\u0301":1,"k":"\ud83d\ude00"}"#,
        #"{"n":-0.5e+3,"i":-9223372036854775808,"big":9223372036854775808,"s":"","t":true,"f":false,"u":null,"arr":[]}"#,
        #"{"obj":{"deep":{"deeper":[[[{"x":"y"}]]]}},"esc":"\\\/\b\f\n\r\t","ctrl":"\u0001"}"#,
        #"{"dup":1,"other":{"dup":2,"dup2":3}}"#,
        #"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11}"#,
        #"{"k":11,"j":10,"i":9,"h":8,"g":7,"f":6,"e":5,"d":4,"c":3,"b":2,"a":1}"#,
    ]

    /// Strings near the documents that must be rejected, or accepted as something other than an object.
    static let rejected: [String] = [
        "", " ", "{", "}", "[]", "1", "\"s\"", "null", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":1}{}", "{\"a\":01}",
        "{\"a\":1e999}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"b\u{01}\"}", "{\"a\":1,\"a\":2}",
        "{\"b\":1,\"a\":2,\"b\":3}", "{\"K\":1,\"\u{212A}\":2}", "{\"a\\u0062\":1,\"ab\":2}", "{\"a\":[1,]}", "{\"a\":{\"b\":1,\"b\":1}}",
        "{\"a\":tru}", "{\"a\":\"unterminated}",
    ]

    /// The reference outcome: the object, or the error code.
    static func reference(_ bytes: [UInt8]) -> Result<JSONObject, WireError> {
        do {
            guard let object = try JSONValue(parsing: bytes).objectValue else {
                return .failure(WireError(.invalidValue, "not an object"))
            }
            return .success(object)
        } catch {
            return .failure(error)
        }
    }

    /// Checks the view against the reference on one input.
    static func checkAgreement(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = reference(bytes)
        let view: JSONObjectView
        do {
            view = try JSONObjectView(parsing: bytes)
        } catch {
            guard case .failure(let referenceError) = expected else {
                Issue.record("view rejected (\(error.reason)) what the tree parser accepts: \(String(decoding: bytes, as: UTF8.self))",
                             sourceLocation: sourceLocation)
                return
            }
            #expect(error.code == referenceError.code, "\(error.reason) vs \(referenceError.reason)", sourceLocation: sourceLocation)
            return
        }
        guard case .success(let object) = expected else {
            Issue.record("view accepted what the tree parser rejects: \(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
            return
        }
        #expect(view.object == object, sourceLocation: sourceLocation)
        #expect(view.count == object.count, sourceLocation: sourceLocation)
        for (key, value) in object.members {
            #expect(view.value(forKey: key) == value, "\(key)", sourceLocation: sourceLocation)
            if let string = value.stringValue {
                let decoded = try? view.decodeString(forKey: key) { bytes throws(WireError) in Array(bytes) }
                #expect(decoded == Array(string.utf8), "\(key)", sourceLocation: sourceLocation)
                #expect(view.string(forKey: key, isEqualTo: string) == true, sourceLocation: sourceLocation)
                #expect(view.string(forKey: key, isEqualTo: string + "x") == false, sourceLocation: sourceLocation)
                #expect(view.string(forKey: key, isEqualTo: String(string.dropLast())) == string.isEmpty, sourceLocation: sourceLocation)
            } else {
                #expect(view.string(forKey: key, isEqualTo: "") == nil, sourceLocation: sourceLocation)
                #expect(throws: WireError(.invalidValue, "")) { try view.decodeString(forKey: key) { _ throws(WireError) in [] } }
            }
            if let nested = value.objectValue {
                #expect((try? view.object(forKey: key))??.object == nested, "\(key)", sourceLocation: sourceLocation)
            } else {
                #expect(throws: WireError(.invalidValue, "")) { try view.object(forKey: key) }
            }
        }
        for absent in ["", "absent", "a0", "zz", "x-ms-sgx-mrenclav", "x-ms-sgx-mrenclavee"] where object[absent] == nil {
            #expect(view.value(forKey: absent) == nil, sourceLocation: sourceLocation)
            #expect(!view.contains(absent), sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: documents)
    func agreesOnDocuments(_ text: String) {
        #expect((try? JSONObjectView(parsing: Array(text.utf8))) != nil)
        Self.checkAgreement(Array(text.utf8))
    }

    @Test(arguments: rejected)
    func agreesOnRejections(_ text: String) {
        #expect((try? JSONObjectView(parsing: Array(text.utf8))) == nil)
        Self.checkAgreement(Array(text.utf8))
    }

    /// String equality, not byte equality, decides key identity (as `JSONObject` lookups and its duplicate check do).
    @Test func keysCompareAsStrings() throws {
        let kelvin = try JSONObjectView(parsing: Array("{\"\u{212A}\":1,\"v\":\"K\"}".utf8))
        #expect(kelvin.value(forKey: "K") == 1)
        #expect(kelvin.string(forKey: "v", isEqualTo: "\u{212A}") == true)
        #expect(kelvin.string(forKey: "v", isEqualTo: "k") == false)
        let escaped = try JSONObjectView(parsing: Array(#"{"a\u0062":1,"c":2}"#.utf8))
        #expect(escaped.value(forKey: "ab") == 1)
        #expect(escaped.value(forKey: #"a\u0062"#) == nil)
        let decomposed = try JSONObjectView(parsing: Array("{\"e\u{301}\":1}".utf8))
        #expect(decomposed.value(forKey: "\u{e9}") == 1)
        #expect(throws: WireError(.duplicateKey, "")) { try JSONObjectView(parsing: Array("{\"e\u{301}\":1,\"\u{e9}\":2}".utf8)) }
    }

    @Test func duplicateKeysAreRejectedWhateverTheOptions() {
        #expect(throws: WireError(.duplicateKey, "")) {
            try JSONObjectView(parsing: Array(#"{"a":1,"a":2}"#.utf8), options: .init(allowDuplicateKeys: true))
        }
    }

    @Test func limits() {
        let objects = String(repeating: "{\"a\":", count: 70) + "1" + String(repeating: "}", count: 70)
        #expect(throws: WireError(.tooDeep, "")) { try JSONObjectView(parsing: Array(objects.utf8)) }
        #expect(throws: WireError(.tooLarge, "")) { try JSONObjectView(parsing: Array("{}".utf8), options: .init(maxInputBytes: 1)) }
    }

    @Test func decodeStringPassesDecoderErrorsThrough() throws {
        let view = try JSONObjectView(parsing: Array(#"{"h":"zz","g":"0a"}"#.utf8))
        #expect(throws: WireError(.invalidHex, "")) { try view.decodeString(forKey: "h") { bytes throws(WireError) in try Hex.decode(bytes: bytes) } }
        #expect(try view.decodeString(forKey: "g") { bytes throws(WireError) in try Hex.decode(bytes: bytes) } == [0x0A])
        #expect(try view.decodeString(forKey: "missing") { bytes throws(WireError) in try Hex.decode(bytes: bytes) } == nil)
    }

    /// The word-at-a-time string scan: a special byte (quote, escape, control, non-ASCII, invalid UTF-8) at every
    /// position of strings of every length around the 8-byte steps, as key and as value.
    @Test func specialBytesAtEveryPosition() {
        let specials: [[UInt8]] = [[0x22], [0x5C, 0x6E], Array("\\u0041".utf8), [0x01], [0x1F], [0x7F], [0xC3, 0xA9], [0xFF], [0x80],
                                   [0xE2, 0x84, 0xAA]]
        for length in 0..<26 {
            for position in 0...length {
                for special in specials {
                    var text = Array(repeating: UInt8(ascii: "x"), count: length)
                    text.insert(contentsOf: special, at: position)
                    Self.checkAgreement(Array(#"{"k":""#.utf8) + text + Array(#"","z":1}"#.utf8))
                    Self.checkAgreement(Array(#"{"a":1,""#.utf8) + text + Array(#"":2,"zz":3}"#.utf8))
                }
            }
        }
    }

    /// Random single-byte replacements, insertions, deletions and truncations of the documents: the view accepts
    /// exactly what the tree parser accepts (as an object), with the same error code otherwise, and the same values.
    @Test func differentialOnMutations() {
        var generator = SplitMix64(seed: 0x4A53_4F4E)
        let interesting: [UInt8] = Array(#"{}[]":,\ 0123456789-+.eEtfnulr"#.utf8) + [0x01, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xE2, 0xFF, 0x41, 0x61]
        for _ in 0..<6000 {
            var bytes = Array(Self.documents[Int(generator.next() % UInt64(Self.documents.count))].utf8)
            for _ in 0...(generator.next() % 3) where !bytes.isEmpty {
                let position = Int(generator.next() % UInt64(bytes.count))
                let byte = interesting[Int(generator.next() % UInt64(interesting.count))]
                switch generator.next() % 4 {
                case 0: bytes[position] = byte
                case 1: bytes.insert(byte, at: position)
                case 2: bytes.remove(at: position)
                default: bytes.removeLast(bytes.count - position)
                }
            }
            Self.checkAgreement(bytes)
        }
    }
}
