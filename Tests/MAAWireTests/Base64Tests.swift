import MAAWire
import Testing

@Suite struct Base64Tests {
    // RFC 4648 §10 test vectors.
    static let vectors: [(String, String, String)] = [
        ("", "", ""), ("f", "Zg", "Zg=="), ("fo", "Zm8", "Zm8="), ("foo", "Zm9v", "Zm9v"),
        ("foob", "Zm9vYg", "Zm9vYg=="), ("fooba", "Zm9vYmE", "Zm9vYmE="), ("foobar", "Zm9vYmFy", "Zm9vYmFy"),
    ]

    @Test func rfc4648Vectors() throws {
        for (plain, url, standard) in Self.vectors {
            #expect(Base64.urlEncoded(Array(plain.utf8)) == url)
            #expect(Base64.standardEncoded(Array(plain.utf8)) == standard)
            #expect(try Base64.decode(url) == Array(plain.utf8))
            #expect(try Base64.decode(standard) == Array(plain.utf8))
            #expect(try Base64.decode(standard, alphabet: .standard) == Array(plain.utf8))
        }
    }

    @Test func alphabets() throws {
        let bytes: [UInt8] = [0xFB, 0xFF, 0xBF]
        #expect(Base64.urlEncoded(bytes) == "-_-_")
        #expect(Base64.standardEncoded(bytes) == "+/+/")
        #expect(try Base64.decode("-_-_") == bytes)
        #expect(throws: WireError(.invalidBase64, "")) { try Base64.decode("+/+/", alphabet: .url) }
        #expect(throws: WireError(.invalidBase64, "")) { try Base64.decode("-_-_", alphabet: .standard) }
        #expect(try Base64.decode("+/+/", alphabet: .either) == bytes)
        #expect(throws: WireError(.invalidBase64, "")) { try Base64.decode("+_+_", alphabet: .either) }
    }

    @Test(arguments: ["Z", "Zg=", "Zg===", "Z===", "Zh", "Zm9", "Zm9v!", "Zm 9v", "=Zm9", "Zm=v", "Zm9vY\u{e9}"])
    func rejectsGarbage(_ text: String) {
        #expect(throws: WireError.self) { try Base64.decode(text) }
    }

    @Test func roundTripsAllLengths() throws {
        var bytes: [UInt8] = []
        for length in 0..<300 {
            #expect(try Base64.decode(Base64.urlEncoded(bytes)) == bytes)
            #expect(try Base64.decode(Base64.standardEncoded(bytes), alphabet: .standard) == bytes)
            bytes.append(UInt8(truncatingIfNeeded: length &* 151 &+ 7))
        }
    }

    @Test func hex() throws {
        #expect(Hex.encode([0x00, 0xAB, 0xFF]) == "00abff")
        #expect(Hex.encodeUppercase([0x00, 0xAB, 0xFF]) == "00ABFF")
        #expect(try Hex.decode("00abFF") == [0x00, 0xAB, 0xFF])
        #expect(throws: WireError.self) { try Hex.decode("abc") }
        #expect(throws: WireError.self) { try Hex.decode("zz") }
    }
}
