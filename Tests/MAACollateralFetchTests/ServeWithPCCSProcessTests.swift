import AsyncHTTPClient
import Crypto
import Foundation
import MAADCAP
import MAATesting
import MAAWire
import NIOCore
import Synchronization
import Testing

/// End to end, as deployed: the real `attest` executable started with `serve --pccs-url` pointing at a loopback
/// PCS-shaped server (``FakePCS``, serving the real SGX collateral of `../shared/evidence/`), an empty data
/// directory (no stored collateral) and `--collateral-time` pinned; the SGX quote is attested over HTTP.
@Suite("attest serve --pccs-url (process)")
struct ServeWithPCCSProcessTests {
    static let apiToken = "pccs-process-test-token-0123456789"
    static let run = FetchCase.sgx

    /// Runs `body` with `attest serve` started against the PCCS at `pccs`.
    static func serve(pccs: String, dataDir: String, _ body: (AttestServer) async throws -> Void) async throws {
        try await AttestServer.with(arguments: [
            "serve", "--data-dir", dataDir, "--host", "127.0.0.1", "--port", "0", "--public-url", "http://127.0.0.1:1",
            "--api-token", apiToken, "--pccs-url", pccs, "--collateral-time", String(Int64(run.time)),
        ], body)
    }

    /// POSTs the SGX quote to the default instance; returns the status and the JSON body.
    static func attest(_ client: HTTPClient, port: Int) async throws -> (status: UInt, body: JSONValue?, text: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/default/attest/SgxEnclave?api-version=2022-08-01")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer \(apiToken)")
        let quote = Base64.urlEncoded(try SharedData.bytes(run.quote))
        request.body = .bytes(ByteBuffer(string: #"{"quote":"\#(quote)"}"#))
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        let text = String(buffer: body)
        return (response.status.code, try? JSONValue(parsing: Array(text.utf8)), text)
    }

    /// The token carries what the served collateral implies: the quote's enclave identity, the TCB status and
    /// advisories Intel's TCB Info gives this platform at the pinned time, and the hashes of the exact collateral
    /// pieces the PCS served; the verified set is stored in the data directory; a second quote fetches nothing.
    @Test func attestsAQuoteWithCollateralFetchedFromThePCCS() async throws {
        let pcs = try FakePCS([Self.run.collateral])
        let bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(Self.run.collateral))
        let expected = try JSONValue(parsing: try SharedData.bytes("evidence/sgx-dcap/expected-dcapqvl_sgx_quote.bin.json"))
        let dataDir = TestScratch.path("pccs")
        try await pcs.serve { url, client in
            try await Self.serve(pccs: url, dataDir: dataDir) { server in
                #expect(server.output.all.contains("0 collateral set(s)"))
                let first = try await Self.attest(client, port: server.port)
                #expect(first.status == 200, "\(first.text)\n\(server.output.all)")
                let token = try #require(first.body?["token"]?.stringValue)
                let payload = try JSONValue(parsing: try Base64.decode(String(token.split(separator: ".")[1])))
                #expect(payload["x-ms-attestation-type"]?.stringValue == "sgx")
                #expect(payload["x-ms-sgx-tcb-status"]?.stringValue == "ConfigurationAndSWHardeningNeeded")
                #expect(payload["x-ms-sgx-advisory-ids"]?.arrayValue?.compactMap(\.stringValue).sorted() == ["INTEL-SA-00289", "INTEL-SA-00615"])
                let quote = try Quote(try SharedData.bytes(Self.run.quote))
                guard case .sgx(let report) = quote.body else {
                    Issue.record("\(Self.run.quote) is not an SGX quote")
                    return
                }
                #expect(payload["x-ms-sgx-mrenclave"]?.stringValue == Hex.encode(report.mrEnclave.bytes))
                #expect(payload["x-ms-sgx-mrsigner"]?.stringValue == Hex.encode(report.mrSigner.bytes))
                let collateral = payload["x-ms-sgx-collateral"]
                #expect(collateral?["tcbinfohash"]?.stringValue == Hex.encode(SHA256.hash(data: bundle.tcbInfo)))
                #expect(collateral?["qeidhash"]?.stringValue == Hex.encode(SHA256.hash(data: bundle.qeIdentity)))
                #expect(collateral?["tcbinfocrlhash"]?.stringValue == Hex.encode(SHA256.hash(data: bundle.rootCACRL)))
                #expect(collateral?["quotehash"]?.stringValue == expected["sha256"]?.stringValue)
                // TCB Info, QE Identity, PCK CRL and Root CA CRL were fetched once, and the set was stored.
                let fetched = pcs.log.all
                #expect(fetched.count == 4, "\(fetched)")
                #expect(fetched.contains { $0.hasPrefix("/sgx/certification/v4/tcb?fmspc=") && $0.lowercased().hasSuffix("00a067110000") })
                let stored = try FileManager.default.contentsOfDirectory(atPath: dataDir + "/collateral")
                #expect(stored.filter { $0.hasSuffix(".json") }.count == 1)
                // The same platform again: served from the store.
                let second = try await Self.attest(client, port: server.port)
                #expect(second.status == 200)
                #expect(pcs.log.all.count == 4)
            }
        }
    }

    /// A PCCS serving a TCB Info whose signed body was altered: the set fails verification, nothing is stored,
    /// the attestation is refused with MAA's error body, and the server keeps answering.
    @Test func tamperedTCBInfoFromThePCCSIsRefusedAndTheServerStaysUp() async throws {
        let pcs = try FakePCS([Self.run.collateral], fault: .tamperTCBInfo)
        let dataDir = TestScratch.path("pccs")
        try await pcs.serve { url, client in
            try await Self.serve(pccs: url, dataDir: dataDir) { server in
                for _ in 0..<2 {
                    let refused = try await Self.attest(client, port: server.port)
                    #expect(refused.status == 400, "\(refused.text)")
                    let error = refused.body?["error"]
                    #expect(error?["code"]?.stringValue == "InvalidParameter", "\(refused.text)")
                    #expect(error?["message"]?.stringValue?.contains("collateralSignatureInvalid(tcbInfo)") == true, "\(refused.text)")
                    #expect(refused.body?["token"] == nil)
                }
                #expect(pcs.log.all.contains { $0.hasPrefix("/sgx/certification/v4/tcb") })
                let stored = (try? FileManager.default.contentsOfDirectory(atPath: dataDir + "/collateral")) ?? []
                #expect(stored.filter { $0.hasSuffix(".json") }.isEmpty)
                #expect(server.isRunning)
                var certs = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/default/certs")
                certs.method = .GET
                let response = try await client.execute(certs, timeout: .seconds(30))
                #expect(response.status.code == 200)
                _ = try await response.body.collect(upTo: 1 << 20)
            }
        }
    }
}
