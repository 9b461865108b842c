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
    ])
    func wellFormedPaths(path: String, expected: [String]) {
        #expect(RoutePath.components(path) == expected)
    }

    @Test(arguments: ["", "aad1/certs", "//certs", "/aad1//certs", "/a%00b", "/a%2Fb", "/a%zz", "/a%", "/a\u{0}b"])
    func malformedPathsAreNotFound(path: String) {
        #expect(RoutePath.components(path) == nil)
    }
}
