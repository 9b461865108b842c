import Foundation
@testable import MAAServer
import Testing

@Suite("Header values and request ids")
struct HeaderValueTests {
    @Test(arguments: [
        ("application/json", true), ("Application/JSON", true), (" application/json ; charset=utf-8", true),
        ("application/json;charset=utf-8", true), ("\tapplication/json\t", true),
        ("application/jsonx", false), ("text/plain", false), ("", false), ("application/ json", false),
        ("application/json\u{00A0}", false),
    ])
    func mediaTypeComparesIgnoringParametersCaseAndWhitespace(value: String, matches: Bool) {
        #expect(HeaderValue.equalsIgnoringCase(HeaderValue.mediaType(value), "application/json") == matches)
    }

    @Test(arguments: [
        ("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER   abc  ", "abc"), ("\tBearer\tabc", "abc"),
        ("Bearer a b", "a b"),
    ])
    func bearerTokens(value: String, token: String) {
        #expect(HeaderValue.bearerToken(value) == token[...])
    }

    @Test(arguments: ["Bearer", "Bearer ", "Bearer   ", "Basic abc", "Bearerabc", "", "  ", "Bearér abc"])
    func notBearerTokens(value: String) {
        #expect(HeaderValue.bearerToken(value) == nil)
    }

    @Test func requestIDsAreUUIDShapedAndDistinct() {
        let ids = (0..<10_000).map { _ in RequestIDGenerator.next() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            #expect(UUID(uuidString: id) != nil)
            #expect(id == id.lowercased())
        }
        #expect(RequestIDGenerator.format(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
            == "01234567-89ab-cdef-fedc-ba9876543210")
        // The mixer is a bijection, so distinct counts never collide.
        #expect(Set((0..<1_000 as Range<UInt64>).map(RequestIDGenerator.mix)).count == 1_000)
    }
}

