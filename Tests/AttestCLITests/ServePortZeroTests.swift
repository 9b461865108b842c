import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MAATesting
import MAAWire
import Testing

/// `attest serve --port 0` (no `--public-url`): the server takes a free port, and the instance URLs it prints,
/// its OpenID metadata and its tokens' issuer all name that port.
@Suite("attest serve --port 0 (process)")
struct ServePortZeroTests {
    @Test func portZeroServesUnderTheURLsItPrints() async throws {
        let dataDir = TestScratch.path("port0")
        try await AttestServer.with(arguments: [
            "serve", "--port", "0", "--data-dir", dataDir, "--api-token", "port-zero-test-token-0123456789",
        ]) { server in
            #expect(server.port > 0)
            let base = "http://127.0.0.1:\(server.port)"
            #expect(server.output.all.contains("attest: instance default (aad): \(base)/default"))
            #expect(server.output.all.contains("attest: instance shared (shared): \(base)/shared"))

            let url = try #require(URL(string: "\(base)/default/.well-known/openid-configuration"))
            let (data, response) = try await URLSession.shared.data(from: url)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            let metadata = try JSONValue(parsing: Array(data))
            #expect(metadata["issuer"]?.stringValue == "\(base)/default")
            #expect(metadata["jwks_uri"]?.stringValue == "\(base)/default/certs")
        }
    }

    /// A server that exits before listening is reported with what it printed (the helper does not wait 60 s).
    @Test func aServerThatDoesNotStartIsReportedWithItsOutput() async throws {
        let dataDir = TestScratch.path("port0")
        let failure = await #expect(throws: AttestServer.StartFailure.self) {
            try await AttestServer.with(arguments: ["serve", "--port", "0", "--data-dir", dataDir, "--log-format", "xml"]) { _ in
                Issue.record("a server with an unknown log format started")
            }
        }
        #expect(failure?.output.contains("--log-format") == true, "\(failure?.output ?? "")")
    }
}
