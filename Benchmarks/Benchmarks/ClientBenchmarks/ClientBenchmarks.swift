import Benchmark
import Foundation
import MAAClient
import MAAJOSE
import MAAModels
import MAAWire

/// Client-side cost of one `attestSgxEnclave` call: request building (base64url of the 4.6 KB quote, JSON body,
/// headers, request id), the pipeline, response parsing, RS256 validation of the real recorded MAA token against the
/// cached signers of its instance, and claims decoding. The transport answers in process with the recorded response,
/// so no network time is included.
struct Recorded {
    let quote: [UInt8]
    let responseBody: [UInt8]
    let jwks: [UInt8]
    let issuer: String
    let issuedAt: Date

    /// Reads the first SGX attestation of the AAD instance and its `/certs` from the recordings (plain text search
    /// of the YAML, so the benchmark package needs no YAML parser).
    static func load() throws -> Recorded {
        let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("../shared/maa-data")
        let quote = try Data(contentsOf: shared.appendingPathComponent("sgx/sgx_quote_v3.bin"))
        let yaml = try String(contentsOf: shared.appendingPathComponent(
            "recordings/test_attestation.test_attest_sgx_enclave.yaml"), encoding: .utf8)
        let bodies = yaml.components(separatedBy: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("string: '") else { return nil }
            return String(trimmed.dropFirst("string: '".count).dropLast()).replacingOccurrences(of: "''", with: "'")
        }
        guard let response = bodies.first(where: { $0.hasPrefix("{\"token\"") }),
            let jwks = bodies.first(where: { $0.hasPrefix("{\"keys\"") })
        else { throw BenchmarkSetupError(reason: "recording bodies not found") }
        let token = try AttestationToken(compact: JSONValue(parsing: response)["token"]?.stringValue ?? "")
        return Recorded(
            quote: Array(quote), responseBody: Array(response.utf8), jwks: Array(jwks.utf8),
            issuer: token.issuer ?? "", issuedAt: token.issuedAt ?? Date())
    }
}

struct BenchmarkSetupError: Error { let reason: String }

/// Answers `/certs` with the recorded JWKS and everything else with the recorded attestation response.
struct InProcessTransport: HTTPTransport {
    let recorded: Recorded

    func send(_ request: HTTPTransportRequest) async throws -> HTTPTransportResponse {
        let body = request.url.hasSuffix("/certs") ? recorded.jwks : recorded.responseBody
        return HTTPTransportResponse(status: 200, headers: [(name: "Content-Type", value: "application/json")], body: body)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(5),
                                           maxIterations: 100_000)
    let recorded: Recorded
    let client: AttestationClient
    do {
        recorded = try Recorded.load()
        var options = AttestationClientOptions()
        options.transport = InProcessTransport(recorded: recorded)
        options.retryPolicy = .none
        options.tokenValidation = .at(recorded.issuedAt)
        options.tokenValidation.issuer = recorded.issuer
        client = try AttestationClient(endpoint: "https://fakeresource.wus.attest.azure.net", options: options)
    } catch {
        fatalError("benchmark setup failed: \(error)")
    }

    Benchmark("attestSgxEnclave client overhead (in-process transport, cached signers, RS256 validation)") { benchmark in
        // The first call fetches /certs; measure the steady state.
        _ = try await client.attestSgxEnclave(quote: recorded.quote, runtimeData: .binary([1, 2, 3]))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await client.attestSgxEnclave(quote: recorded.quote, runtimeData: .binary([1, 2, 3])))
        }
    }

    let unvalidated: AttestationClient
    do {
        var options = AttestationClientOptions()
        options.transport = InProcessTransport(recorded: recorded)
        options.retryPolicy = .none
        options.tokenValidation = .at(recorded.issuedAt)
        options.tokenValidation.issuer = recorded.issuer
        options.tokenValidation.validateSignature = false
        unvalidated = try AttestationClient(endpoint: "https://fakeresource.wus.attest.azure.net", options: options)
    } catch {
        fatalError("benchmark setup failed: \(error)")
    }

    // The pieces of the client's own work, for attributing the overhead above.
    Benchmark("piece: base64url of the 4.6 KB quote") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Base64.urlEncoded(recorded.quote))
        }
    }
    Benchmark("piece: JSONValue serialization of the 6.2 KB base64url string (the escaping path the client avoids)") { benchmark in
        let value = JSONValue.string(Base64.urlEncoded(recorded.quote))
        for _ in benchmark.scaledIterations {
            blackHole(value.serializedBytes(.preservingOrder))
        }
    }
    Benchmark("piece: response wrapper parse + token parse + claims decode") { benchmark in
        for _ in benchmark.scaledIterations {
            let text = try JSONValue(parsing: recorded.responseBody)["token"]?.stringValue ?? ""
            blackHole(try AttestationResult(token: AttestationToken(compact: text)))
        }
    }

    // Token validation rate with cached signers: what a relying party pays per token it receives.
    let token = (try? JSONValue(parsing: recorded.responseBody))?["token"]?.stringValue ?? ""
    Benchmark("validateToken with cached signers (parse + kid lookup in the actor cache + RS256 + exp/nbf/iss)") { benchmark in
        _ = try await client.validateToken(token)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await client.validateToken(token))
        }
    }

    // The same call over a real loopback connection: AsyncHTTPClient (shared client, kept-alive connection) to a
    // minimal NIO HTTP/1.1 stub serving the recorded response.
    Benchmark("attestSgxEnclave over loopback HTTP/1.1 (AsyncHTTPClient to a NIO stub, cached signers, RS256)") { benchmark in
        let stub = try await LoopbackStub.start(certs: recorded.jwks, attestation: recorded.responseBody)
        var options = AttestationClientOptions()
        options.retryPolicy = .none
        options.tokenValidation = .at(recorded.issuedAt)
        options.tokenValidation.issuer = recorded.issuer
        let loopback = try AttestationClient(endpoint: "http://127.0.0.1:\(stub.port)", options: options)
        _ = try await loopback.attestSgxEnclave(quote: recorded.quote, runtimeData: .binary([1, 2, 3]))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await loopback.attestSgxEnclave(quote: recorded.quote, runtimeData: .binary([1, 2, 3])))
        }
        benchmark.stopMeasurement()
        try await stub.channel.close()
    }

    Benchmark("attestSgxEnclave client overhead without signature check (request + pipeline + parse + claims)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await unvalidated.attestSgxEnclave(quote: recorded.quote, runtimeData: .binary([1, 2, 3])))
        }
    }
}
