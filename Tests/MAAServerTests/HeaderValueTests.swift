import Foundation
@testable import MAAServer
import Testing

@Suite("Header values, query parameters and request ids")
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

    /// The same values Hummingbird's `queryParameters` gives (the server read them that way before).
    @Test(arguments: [
        "api-version=2022-08-01", "api-version=2022-08-01&api-version=2020-10-01", "a=1&api-version=x%2Dy&b",
        "api-version", "api-version=", "&&api-version=1&&", "api-version=%zz", "api%2Dversion=1", "x=api-version",
        "api-version=a=b", "",
    ])
    func queryValuesMatchHummingbird(query: String) {
        let uri = URI("/p?" + query)
        let expected = uri.queryParameters.getAll("api-version").map { String($0) }
        #expect(HeaderValue.queryValues(query[...], name: "api-version").map { String($0) } == expected)
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

import HummingbirdCore
