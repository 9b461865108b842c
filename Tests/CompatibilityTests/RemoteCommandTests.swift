import Foundation
import MAATesting
import MAAWire
import Testing
import _CryptoExtras

/// The remote `attest` commands, run as a real process against this project's server on loopback: exit codes
/// (0 success, 1 service or validation error, 2 usage), one JSON object with `--json`, the token from `--token` or
/// `ATTEST_TOKEN`, and no token over http without `--allow-insecure-http`.
@Suite(.serialized) struct RemoteCommandTests {
    typealias Run = AttestProcess.Run

    static func attest(_ arguments: [String], token: String? = nil) async throws -> Run {
        try await AttestProcess.run(arguments, environment: ["ATTEST_TOKEN": token])
    }

    static func file(_ contents: [UInt8], _ suffix: String) throws -> String {
        try TestScratch.file(contents, prefix: "remote", suffix: suffix)
    }

    static func pem(_ der: [UInt8]) -> String {
        let base64 = Base64.standardEncoded(der)
        var lines: [String] = []
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<end]))
            index = end
        }
        return "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
    }

    /// Common arguments: the instance, http allowed, validation at the server's fixed clock.
    static func remote(_ server: CompatibilityServer, _ instance: String) -> [String] {
        ["--url", "\(server.baseURL)/\(instance)", "--allow-insecure-http", "--at", String(CompatibilityServer.now + 5)]
    }

    @Test func metadataAndSigners() async throws {
        try await CompatibilityServer.run { server in
            let metadata = try await Self.attest(["metadata", "--json"] + Self.remote(server, "aad1"), token: CompatibilityServer.readerToken)
            #expect(metadata.status == 0, "\(metadata.stderr)")
            #expect(metadata.json?["issuer"]?.stringValue == "\(server.baseURL)/aad1")
            let human = try await Self.attest(["metadata"] + Self.remote(server, "aad1"))
            #expect(human.status == 0)
            #expect(human.stdout.contains("jwks_uri:            \(server.baseURL)/aad1/certs"))
            let signers = try await Self.attest(["signers", "list", "--json", "--token", CompatibilityServer.readerToken] + Self.remote(server, "aad1"))
            #expect(signers.status == 0, "\(signers.stderr)")
            let first = try #require(signers.json?["signers"]?.arrayValue?.first)
            #expect(first["kid"]?.stringValue?.isEmpty == false)
            #expect(first["certificates"]?.arrayValue?.first?["subject"]?.stringValue == "CN=\(server.baseURL)/aad1")
        }
    }

    @Test func attestationCommandsValidateTheToken() async throws {
        try await CompatibilityServer.run { server in
            let report = SharedData.url("maa-data/sgx/open_enclave_report.bin").path
            let runtime = SharedData.url("maa-data/sgx/runtime_data.bin").path
            let oe = try await Self.attest(["oe", "--report", report, "--runtime-data", runtime, "--runtime-json", "--json"]
                                     + Self.remote(server, "aad1"), token: CompatibilityServer.readerToken)
            #expect(oe.status == 0, "\(oe.stderr)")
            #expect(oe.json?["claims"]?["x-ms-sgx-mrsigner"]?.stringValue == "2c1a44952ae8207135c6c29b75b8c029372ee94b677e15c20bd42340f10d41aa")
            #expect(oe.json?["claims"]?["x-ms-runtime"]?["jwk"]?["crv"]?.stringValue == "P-256")
            #expect(oe.json?["unsecured"] == .bool(false))

            let quote = try Self.file(Array(try SharedData.bytes("maa-data/sgx/open_enclave_report.bin").dropFirst(16)), ".bin")
            let sgx = try await Self.attest(["sgx", "--quote", quote] + Self.remote(server, "aad1"), token: CompatibilityServer.readerToken)
            #expect(sgx.status == 0, "\(sgx.stderr)")
            #expect(sgx.stdout.contains("token: valid, signed by kid"))
            #expect(sgx.stdout.contains("mrsigner              2c1a44952ae8207135c6c29b75b8c029372ee94b677e15c20bd42340f10d41aa"))

            // Validated as of a time after the token expired: a validation error, exit 1, message on stderr.
            var late = Self.remote(server, "aad1")
            late[late.count - 1] = String(CompatibilityServer.now + 9 * 3600)
            let expired = try await Self.attest(["sgx", "--quote", quote] + late, token: CompatibilityServer.readerToken)
            #expect(expired.status == 1)
            #expect(expired.stdout.isEmpty)
            #expect(expired.stderr.contains("expired"))
        }
    }

    @Test func errorsAndTransportSafety() async throws {
        try await CompatibilityServer.run { server in
            let report = SharedData.url("maa-data/sgx/open_enclave_report.bin").path
            let refused = try await Self.attest(["oe", "--report", report] + Self.remote(server, "aad1"), token: "wrong-token-0123456789")
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("HTTP 401"))
            // Without --allow-insecure-http no token goes over http: a usage error, before any request.
            let insecure = try await Self.attest(["metadata", "--url", "\(server.baseURL)/aad1"], token: CompatibilityServer.readerToken)
            #expect(insecure.status == 2)
            #expect(insecure.stderr.contains("--allow-insecure-http"))
            let missing = try await Self.attest(["policy", "get", "--type", "sgx"] + Self.remote(server, "nosuch"), token: CompatibilityServer.adminToken)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("HTTP 404"))
        }
    }

    @Test func policyGetSetReset() async throws {
        try await CompatibilityServer.run { server in
            let policy = "version=1.0; authorizationrules{=>permit();}; issuancerules{};"
            let path = try Self.file(Array(policy.utf8), ".txt")
            let set = try await Self.attest(["policy", "set", "--type", "sgx", path, "--json"] + Self.remote(server, "aad1"),
                                      token: CompatibilityServer.adminToken)
            #expect(set.status == 0, "\(set.stderr)")
            #expect(set.json?["result"]?.stringValue == "Updated")
            #expect(set.json?["policyTokenHash"]?.stringValue?.isEmpty == false)
            let get = try await Self.attest(["policy", "get", "--type", "sgx"] + Self.remote(server, "aad1"), token: CompatibilityServer.adminToken)
            #expect(get.status == 0)
            #expect(get.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == policy)
            let reset = try await Self.attest(["policy", "reset", "--type", "sgx", "--json"] + Self.remote(server, "aad1"),
                                        token: CompatibilityServer.adminToken)
            #expect(reset.json?["result"]?.stringValue == "Removed")
            let badType = try await Self.attest(["policy", "get", "--type", "vbs"] + Self.remote(server, "aad1"))
            #expect(badType.status == 2)
        }
    }

    @Test func signedPoliciesAndPolicySigners() async throws {
        try await CompatibilityServer.run { server in
            let (key, der) = try CompatibilityServer.policySigner.get()
            let keyPath = try Self.file(Array(key.pemRepresentation.utf8), ".key.pem")
            let certPath = try Self.file(Array(Self.pem(der).utf8), ".crt.pem")
            let signing = ["--signing-key", keyPath, "--signing-cert", certPath]
            let policy = try Self.file(Array("version=1.0; authorizationrules{=>permit();}; issuancerules{};".utf8), ".txt")

            let unsigned = try await Self.attest(["policy", "set", "--type", "oe", policy] + Self.remote(server, "iso"), token: CompatibilityServer.adminToken)
            #expect(unsigned.status == 1)
            let signed = try await Self.attest(["policy", "set", "--type", "oe", policy, "--json"] + signing + Self.remote(server, "iso"),
                                         token: CompatibilityServer.adminToken)
            #expect(signed.status == 0, "\(signed.stderr)")
            #expect(signed.json?["policySigner"]?["x5c"]?.arrayValue?.first?.stringValue == Base64.standardEncoded(der))

            let extra = try TestPKI.p256Signer(commonName: "cli second signer")
            let extraPath = try Self.file(Array(Self.pem(extra.der).utf8), ".pem")
            let add = try await Self.attest(["policy-signers", "add", extraPath, "--json"] + signing + Self.remote(server, "iso"),
                                      token: CompatibilityServer.adminToken)
            #expect(add.status == 0, "\(add.stderr)")
            #expect(add.json?["result"]?.stringValue == "IsPresent")
            let list = try await Self.attest(["policy-signers", "list", "--json"] + Self.remote(server, "iso"), token: CompatibilityServer.adminToken)
            #expect(list.json?["certificates"]?.arrayValue?.count == 2)
            let remove = try await Self.attest(["policy-signers", "remove", extraPath] + signing + Self.remote(server, "iso"),
                                         token: CompatibilityServer.adminToken)
            #expect(remove.status == 0, "\(remove.stderr)")
            #expect(remove.stdout.contains("IsAbsent"))
            let noKey = try await Self.attest(["policy-signers", "add", extraPath] + Self.remote(server, "iso"), token: CompatibilityServer.adminToken)
            #expect(noKey.status == 2)
        }
    }
}
