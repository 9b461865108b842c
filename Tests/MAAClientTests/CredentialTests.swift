import Crypto
import Foundation
@testable import MAAClient
import MAAJOSE
import MAATesting
import MAAWire
import Synchronization
import Testing
import _CryptoExtras

/// The Entra ID client-credentials credential against a stub token endpoint.
@Suite struct CredentialTests {
    static func form(_ body: [UInt8]?) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body ?? [], as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }

    static func tokenEndpoint(lifetime: String = "3599") -> StubTransport {
        StubTransport { _, number in
            .json(#"{"token_type":"Bearer","expires_in":\#(lifetime),"ext_expires_in":3599,"access_token":"token-\#(number)"}"#)
        }
    }

    static func options(_ transport: StubTransport, clock: TestClock? = nil) -> ClientCredentialsCredential.Options {
        var options = ClientCredentialsCredential.Options()
        options.transport = transport
        options.retryPolicy = .none
        if let clock { options.now = { clock.now() } }
        return options
    }

    @Test func aClientSecretIsExchangedAndTheTokenCached() async throws {
        let transport = Self.tokenEndpoint()
        let clock = TestClock(Date(timeIntervalSince1970: 1_700_000_000))
        let credential = try ClientCredentialsCredential(
            tenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47", clientID: "app-1",
            authentication: .secret("s3cr&t=+ value"), options: Self.options(transport, clock: clock))
        let first = try await credential.token(for: [AttestationScope.default])
        #expect(first.token == "token-0")
        #expect(first.expiresOn == Date(timeIntervalSince1970: 1_700_003_599))
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url == "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(Self.form(request.body) == [
            "grant_type": "client_credentials", "client_id": "app-1", "scope": "https://attest.azure.net/.default",
            "client_secret": "s3cr&t=+ value",
        ])

        // Cached until the refresh margin (5 minutes before expiry) …
        clock.advance(by: 3000)
        #expect(try await credential.token(for: [AttestationScope.default]).token == "token-0")
        #expect(transport.requests.count == 1)
        // … then refreshed.
        clock.advance(by: 400)
        #expect(try await credential.token(for: [AttestationScope.default]).token == "token-1")
        #expect(transport.requests.count == 2)
    }

    @Test func concurrentCallersShareOneTokenRequest() async throws {
        let transport = Self.tokenEndpoint()
        let credential = try ClientCredentialsCredential(
            tenantID: "contoso.onmicrosoft.com", clientID: "app", authentication: .secret("s"), options: Self.options(transport))
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<6 { group.addTask { try await credential.token(for: [AttestationScope.default]).token } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(tokens) == ["token-0"])
        #expect(transport.requests.count == 1)
    }

    @Test func aCertificateCredentialSendsASignedAssertionWithThumbprint() async throws {
        let transport = Self.tokenEndpoint(lifetime: #""3600""#)
        let generated = try TestPKI.rsaSigner(commonName: "client certificate")
        let credential = try ClientCredentialsCredential(
            tenantID: "tenant-1", clientID: "app-2",
            authentication: .certificate(key: JWSSigningKey(rsa: generated.key), certificateChainDER: [generated.der]),
            options: Self.options(transport))
        let token = try await credential.token(for: [AttestationScope.default])
        #expect(token.token == "token-0")
        let fields = Self.form(transport.requests.first?.body)
        #expect(fields["client_secret"] == nil)
        #expect(fields["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        let assertion = try JWS(compact: try #require(fields["client_assertion"]))
        #expect(assertion.algorithmName == "RS256")
        #expect(assertion.header["x5t"]?.stringValue == Base64.urlEncoded(Insecure.SHA1.hash(data: generated.der)))
        #expect(assertion.header["x5c"] == nil)
        try assertion.verifySignature(using: JWSVerificationKey(certificate: generated.certificate))
        let claims = try #require(try assertion.payloadJSON())
        #expect(claims["aud"]?.stringValue == "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token")
        #expect(claims["iss"]?.stringValue == "app-2")
        #expect(claims["sub"]?.stringValue == "app-2")
        #expect(claims["jti"]?.stringValue?.isEmpty == false)
        let iat = try #require(claims["iat"]?.integerValue)
        #expect(claims["exp"]?.integerValue == iat + 600)
    }

    @Test func aClientSendsTheCredentialsTokenAsBearer() async throws {
        let tokenEndpoint = Self.tokenEndpoint()
        let credential = try ClientCredentialsCredential(
            tenantID: "tenant", clientID: "app", authentication: .secret("s"), options: Self.options(tokenEndpoint))
        let maa = StubTransport { _, _ in .json(#"{"issuer":"https://fake.attest.test"}"#) }
        var options = AttestationClientOptions()
        options.transport = maa
        let client = try AttestationClient(endpoint: "https://fake.attest.test", credential: credential, options: options)
        _ = try await client.getOpenIDMetadata()
        _ = try await client.getOpenIDMetadata()
        #expect(maa.requests.map { $0.header("Authorization") } == ["Bearer token-0", "Bearer token-0"])
        #expect(tokenEndpoint.requests.count == 1, "the token is cached across calls")
        #expect(Self.form(tokenEndpoint.requests.first?.body)["scope"] == "https://attest.azure.net/.default")
    }

    @Test func refusalsAreAuthenticationFailures() async throws {
        let transport = StubTransport { _, _ in
            .json(#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#, status: 401)
        }
        let credential = try ClientCredentialsCredential(
            tenantID: "t", clientID: "app", authentication: .secret("wrong"), options: Self.options(transport))
        let error = await #expect(throws: AttestationClientError.authenticationFailed) {
            _ = try await credential.token(for: [AttestationScope.default])
        }
        #expect(error?.serviceErrorCode == "invalid_client")

        // Through a client, the failure to get a token is an authentication failure and nothing reaches MAA.
        let maa = StubTransport { _, _ in .json("{}") }
        var options = AttestationClientOptions()
        options.transport = maa
        let client = try AttestationClient(endpoint: "https://fake.attest.test", credential: credential, options: options)
        await #expect(throws: AttestationClientError.authenticationFailed) { _ = try await client.getOpenIDMetadata() }
        #expect(maa.requests.isEmpty)
    }

    @Test(arguments: [#"{"access_token":"a","expires_in":"soon"}"#, #"{"expires_in":10}"#,
                      #"{"access_token":"a","expires_in":10,"token_type":"pop"}"#, #"{"access_token":"a","expires_in":-5}"#])
    func malformedTokenResponsesAreRejected(_ body: String) async throws {
        let transport = StubTransport { _, _ in .json(body) }
        let credential = try ClientCredentialsCredential(
            tenantID: "t", clientID: "app", authentication: .secret("s"), options: Self.options(transport))
        await #expect(throws: AttestationClientError.invalidResponse) { _ = try await credential.token(for: ["s"]) }
    }

    @Test func unsafeAuthoritiesAndTenantsAreRefused() throws {
        var options = ClientCredentialsCredential.Options()
        options.authorityHost = "http://127.0.0.1:9000"
        #expect(throws: AttestationClientError.insecureTransport) {
            _ = try ClientCredentialsCredential(tenantID: "t", clientID: "a", authentication: .secret("s"), options: options)
        }
        options.unsafeAllowInsecureHTTP = true
        _ = try ClientCredentialsCredential(tenantID: "t", clientID: "a", authentication: .secret("s"), options: options)
        for tenant in ["", "../common", "a/b", "t?x=1"] {
            #expect(throws: AttestationClientError.invalidArgument) {
                _ = try ClientCredentialsCredential(tenantID: tenant, clientID: "a", authentication: .secret("s"))
            }
        }
    }

    @Test func aCertificateMustMatchItsKey() throws {
        let one = try TestPKI.p256Signer()
        let rsa = try TestPKI.rsaSigner()
        // EC keys are refused (Entra ID needs RS256), and so is a certificate for another key.
        #expect(throws: AttestationClientError.invalidArgument) {
            _ = try ClientCredentialsCredential(
                tenantID: "t", clientID: "a",
                authentication: .certificate(key: JWSSigningKey(p256: one.key), certificateChainDER: [one.der]))
        }
        let other = try TestPKI.rsaSigner()
        #expect(throws: AttestationClientError.invalidArgument) {
            _ = try ClientCredentialsCredential(
                tenantID: "t", clientID: "a",
                authentication: .certificate(key: JWSSigningKey(rsa: rsa.key), certificateChainDER: [other.der]))
        }
    }
}
