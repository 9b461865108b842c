import AsyncHTTPClient
import Foundation
import Hummingbird
import HTTPTypes
@testable import MAAClient
import MAAJOSE
import MAAWire
import Synchronization
import Testing

/// The default AsyncHTTPClient transport over real loopback connections.
@Suite struct LoopbackTests {
    static let metadata = #"{"issuer":"http://127.0.0.1","jwks_uri":"http://127.0.0.1/certs","response_types_supported":["token","none"]}"#

    static func client(_ url: String, retry: RetryPolicy, credential: (any TokenCredential)? = nil) throws -> AttestationClient {
        var options = AttestationClientOptions()
        options.retryPolicy = retry
        options.unsafeAllowInsecureHTTP = credential != nil
        return try AttestationClient(endpoint: url, credential: credential, options: options)
    }

    @Test func twoServiceUnavailableAnswersThenSuccessOverLoopback() async throws {
        let sleeps = SleepRecorder()
        try await LoopbackServer.with({ request, number in
            #expect(request.path == "/.well-known/openid-configuration")
            if number < 2 {
                return LoopbackServer.json(#"{"error":{"code":"ServiceUnavailable","message":"try later"}}"#,
                                           status: .serviceUnavailable, headers: [.retryAfter: "1"])
            }
            return LoopbackServer.json(Self.metadata, headers: [HTTPField.Name("x-ms-request-id")!: "loop-3"])
        }) { url in
            let response = try await Self.client(url, retry: sleeps.policy()).getOpenIDMetadata()
            #expect(response.value.responseTypesSupported == ["token", "none"])
            #expect(response.requestID == "loop-3")
            #expect(sleeps.recorded == [.seconds(1), .seconds(1)])
        }
    }

    @Test func aBadRequestIsNotRetriedOverLoopback() async throws {
        let sleeps = SleepRecorder()
        let count = RequestCounter()
        try await LoopbackServer.with({ _, _ in
            _ = count.next()
            return LoopbackServer.json(#"{"error":{"code":"InvalidParameter","message":"bad quote"}}"#, status: .badRequest)
        }) { url in
            let error = await #expect(throws: AttestationClientError.self) {
                _ = try await Self.client(url, retry: sleeps.policy()).attestSgxEnclave(quote: [1, 2, 3])
            }
            #expect(error?.code == .serviceError)
            #expect(error?.serviceErrorCode == "InvalidParameter")
            #expect(error?.statusCode == 400)
        }
        #expect(count.next() == 1, "exactly one request reached the server")
        #expect(sleeps.recorded.isEmpty)
    }

    @Test func anAttestationOverLoopbackIsAuthenticatedAndValidated() async throws {
        let key = try FakeInstance.Key.make("loop-key")
        try await LoopbackServer.with({ request, _ in
            guard request.headers[.authorization] == "Bearer loop-token" else {
                return LoopbackServer.json(#"{"error":{"code":"Unauthorized","message":"no token"}}"#, status: .unauthorized)
            }
            if request.path == "/certs" {
                #expect(request.headers[.accept] == "application/jwk+json, application/json")
                return LoopbackServer.json(JWKS(keys: [try key.jwk]).json.serialized(.preservingOrder))
            }
            #expect(request.path == "/attest/SgxEnclave")
            #expect(request.headers[.contentType] == "application/json")
            let body = try JSONValue(parsing: request.body)
            let host = request.authority
            var claims = FakeInstance.claims(issuer: "http://\(host)")
            claims["x-ms-sgx-ehd"] = body["runtimeData"]?["data"] ?? .null
            claims["x-ms-sgx-mrenclave"] = .string(String(repeating: "ab", count: 32))
            return LoopbackServer.json(JSONValue.object(["token": .string(try FakeInstance.signed(by: key, claims: claims))]).serialized())
        }) { url in
            var options = AttestationClientOptions()
            options.unsafeAllowInsecureHTTP = true
            options.tokenValidation = .at(Date(timeIntervalSince1970: Double(FakeInstance.issuedAt + 10)))
            let client = try AttestationClient(endpoint: url, credential: StaticTokenCredential("loop-token"), options: options)
            let response = try await client.attestSgxEnclave(quote: [9, 9, 9], runtimeData: .binary([1, 2, 3, 4]))
            #expect(response.value.enclaveHeldData == [1, 2, 3, 4])
            #expect(response.value.sgxMrEnclave == [UInt8](repeating: 0xab, count: 32))
            #expect(response.signer?.keyID == "loop-key")

            let anonymous = try AttestationClient(endpoint: url, options: options)
            await #expect(throws: AttestationClientError.authenticationFailed) {
                _ = try await anonymous.attestSgxEnclave(quote: [9])
            }
        }
    }

    @Test func anOversizedResponseIsCutOffOverLoopback() async throws {
        try await LoopbackServer.with({ _, _ in
            LoopbackServer.json("{\"padding\":\"" + String(repeating: "x", count: 64 * 1024) + "\"}")
        }) { url in
            var options = AttestationClientOptions()
            options.maximumResponseBodySize = 16 * 1024
            options.retryPolicy = .none
            let client = try AttestationClient(endpoint: url, options: options)
            await #expect(throws: AttestationClientError.responseTooLarge) { _ = try await client.getOpenIDMetadata() }
        }
    }

    @Test func aRefusedConnectionIsATransportFailureAfterRetries() async throws {
        // Bind and release a port so nothing listens on it.
        let freed = PortBox()
        try await LoopbackServer.with({ _, _ in LoopbackServer.json("{}") }) { url in
            freed.set(Int(url.split(separator: ":").last ?? "0") ?? 0)
        }
        let port = freed.get()
        let sleeps = SleepRecorder()
        var options = AttestationClientOptions()
        options.retryPolicy = sleeps.policy(maximumRetries: 2)
        // AsyncHTTPClient keeps retrying a refused connection until the attempt's deadline.
        options.attemptTimeout = .seconds(1)
        let client = try AttestationClient(endpoint: "http://127.0.0.1:\(port)", options: options)
        let error = await #expect(throws: AttestationClientError.self) { _ = try await client.getOpenIDMetadata() }
        #expect(error?.code == .transportFailed || error?.code == .timedOut)
        #expect(error?.statusCode == nil)
        #expect(sleeps.recorded.count == 2)
    }
}

/// Carries a port number out of a closure.
final class PortBox: Sendable {
    private let value = Mutex(0)
    func set(_ port: Int) { value.withLock { $0 = port } }
    func get() -> Int { value.withLock { $0 } }
}
