import Testing
@testable import MAAServer

@Suite("Route path components")
struct RoutePathTests {
    @Test(arguments: [
        ("/", [String]()),
        ("/aad1/certs", ["aad1", "certs"]),
        ("/aad1/certs/", ["aad1", "certs"]),
        ("/aad1/attest/SgxEnclave", ["aad1", "attest", "SgxEnclave"]),
        ("/a%62c/certs", ["abc", "certs"]),  // percent-decoded
        ("/policies/Tpm%3Areset", ["policies", "Tpm:reset"]),
        ("/%C3%A9t%C3%A9/certs", ["été", "certs"]),
        // Split at the byte "/": a combining mark after it does not hide it (as a grapheme split would).
        ("/a/\u{301}b/c", ["a", "\u{301}b", "c"]),
    ])
    func wellFormedPaths(path: String, expected: [String]) {
        #expect(RoutePath.components(path) == expected)
    }

    @Test(arguments: ["", "aad1/certs", "//certs", "/aad1//certs", "/a%00b", "/a%2Fb", "/a%zz", "/a%", "/a\u{0}b"])
    func malformedPathsAreNotFound(path: String) {
        #expect(RoutePath.components(path) == nil)
    }
}
