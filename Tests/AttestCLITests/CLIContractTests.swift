import Foundation
import MAATesting
import MAAWire
import Testing

/// The `attest` command lines, exit codes and JSON shapes that automation relies on, run as a real process.
@Suite struct CLIContractTests {
    typealias Run = AttestProcess.Run

    static func attest(_ arguments: [String], stdin: String? = nil) async throws -> Run {
        try await AttestProcess.run(arguments, stdin: stdin)
    }

    static func temporaryFile(_ contents: String, suffix: String = "") throws -> String {
        try TestScratch.file(contents, prefix: "cli", suffix: suffix)
    }

    /// A recorded token and its instance's /certs.
    static func recordedTokenAndCerts() throws -> (token: String, iat: Int64, certs: String) {
        let exchanges = try Recordings.load("test_attestation.test_attest_sgx_enclave.yaml")
        let token = try #require(try JSONValue(parsing: exchanges[0].responseBody)["token"]?.stringValue)
        let payload = try Base64.decode(token.split(separator: ".")[1])
        let iat = try #require(try JSONValue(parsing: payload)["iat"]?.integerValue)
        return (token, iat, exchanges[1].responseBody)
    }

    /// `attest serve` refuses bad settings before it listens: an unknown RSA backend is a usage error (exit 2), and
    /// PCCS URLs that are not absolute http(s) URLs stop it with the reason.
    @Test func serveRefusesBadSettingsBeforeListening() async throws {
        let dataDir = TestScratch.path("cli")
        let backend = try await Self.attest(["serve", "--data-dir", dataDir, "--port", "0", "--public-url", "http://127.0.0.1:1",
                                       "--rsa-backend", "nope"])
        #expect(backend.status == 2)
        #expect(backend.stderr.contains("--rsa-backend"))
        let logFormat = try await Self.attest(["serve", "--data-dir", dataDir, "--port", "0", "--public-url", "http://127.0.0.1:1",
                                         "--log-format", "xml"])
        #expect(logFormat.status == 2)
        #expect(logFormat.stderr.contains("--log-format"))
        for (base, root) in [("ftp://pccs.example", "https://pccs.example/root.crl"), ("https://pccs.example", "not a url")] {
            let run = try await Self.attest(["serve", "--data-dir", dataDir, "--port", "0", "--public-url", "http://127.0.0.1:1",
                                       "--api-token", "0123456789abcdef0123", "--pccs-url", base, "--pccs-root-crl-url", root])
            #expect(run.status != 0, "\(base) \(root)")
            #expect(!run.stderr.isEmpty)
        }
    }

    @Test func tokenVerifyExitCodesAndJSON() async throws {
        let (token, iat, certs) = try Self.recordedTokenAndCerts()
        let jwks = try Self.temporaryFile(certs)
        let valid = try await Self.attest(["token", "verify", "--jwks", jwks, "--at", String(iat), "--json", token])
        #expect(valid.status == 0)
        #expect(valid.json?["valid"] == true)
        #expect(valid.json?["claims"]?["x-ms-sgx-mrenclave"] != nil)
        let expired = try await Self.attest(["token", "verify", "--jwks", jwks, "--json", "-"], stdin: token)
        #expect(expired.status == 1)
        #expect(expired.json?["valid"] == false)
        #expect(expired.json?["error"]?["code"] == "expired")
        #expect(expired.stderr.contains("expired"))
        let decoded = try await Self.attest(["token", "decode", "--json", token])
        #expect(decoded.status == 0)
        #expect(decoded.json?["header"]?["alg"] == "RS256")
        let usage = try await Self.attest(["token", "verify", token])
        #expect(usage.status == 2)
    }

    @Test func policyCheckAndEvalContracts() async throws {
        let policy = try Self.temporaryFile(try SharedData.text("maa-data/policies/shared_instance_default_policy_sgx_openenclave.txt"))
        #expect(try await Self.attest(["policy", "check", policy]).status == 0)
        let broken = try Self.temporaryFile("version=1.0; authorizationrules { => permit() }; issuancerules{};")
        let check = try await Self.attest(["policy", "check", broken])
        #expect(check.status == 2)
        #expect(check.stderr.contains("^") || check.stdout.contains("^"))

        let claims = try Self.temporaryFile("""
            [{"type":"x-ms-sgx-is-debuggable","value":false},{"type":"x-ms-sgx-mrsigner","value":"2c1a"},
             {"type":"x-ms-sgx-mrenclave","value":"b779"},{"type":"x-ms-sgx-product-id","value":1},
             {"type":"x-ms-sgx-svn","value":1},{"type":"x-ms-attestation-type","value":"sgx"}]
            """)
        let eval = try await Self.attest(["policy", "eval", policy, "--claims", claims, "--json"])
        #expect(eval.status == 0)
        let json = try #require(eval.json)
        #expect(json["permitted"] == true)
        #expect(json["policyHash"] == "bROrN897ZfWmWY2V0FLUlu3uwk5xatGnKYHn3zBbSlw")
        #expect(json["claims"]?.arrayValue?.contains { $0["type"] == "is-debuggable" && $0["value"] == false } == true)
        #expect(json["properties"]?.objectValue != nil)

        let deny = try Self.temporaryFile("version=1.0; authorizationrules { => deny(); }; issuancerules{};")
        let denied = try await Self.attest(["policy", "eval", deny, "--claims", claims, "--json"])
        #expect(denied.status == 1)
        #expect(denied.json?["permitted"] == false)

        let parseError = try await Self.attest(["policy", "eval", broken, "--claims", claims, "--json"])
        #expect(parseError.status == 2)
        #expect(parseError.json?["error"]?["code"] == "PolicyParsingError")
        #expect(parseError.json?["error"]?["line"]?.integerValue == 1)
        #expect(try await Self.attest(["policy", "eval", policy]).status == 2)
    }

    @Test func verifySGXContract() async throws {
        let quote = SharedData.url("evidence/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin").path
        let collateral = SharedData.url(
            "evidence/assembled-collateral/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin.run1.collateral.json").path
        let ok = try await Self.attest(["verify", "sgx", "--quote", quote, "--collateral", collateral, "--at", "1738752225", "--json"])
        #expect(ok.status == 0)
        let json = try #require(ok.json)
        #expect(json["ok"] == true)
        #expect(json["status"] == "OutOfDate")
        #expect(json["advisoryIds"]?.arrayValue?.count == 9)
        #expect(json["claims"]?.objectValue != nil)
        let late = try await Self.attest(["verify", "sgx", "--quote", quote, "--collateral", collateral, "--at", "1800000000", "--json"])
        #expect(late.status == 1)
        #expect(late.json?["ok"] == false)
        #expect(late.json?["error"] != nil)
    }
}
