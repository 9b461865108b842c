import Crypto
import Foundation
@testable import MAAClient
import MAAJOSE
import MAAModels
import MAATesting
import MAAWire
import Testing

/// Request shape, error mapping and the safety rails of the clients, through a test transport.
@Suite struct ClientBehaviourTests {
    static func options(_ transport: StubTransport) -> AttestationClientOptions {
        var options = AttestationClientOptions()
        options.transport = transport
        options.retryPolicy = .none
        return options
    }

    @Test func errorsCarryStatusServiceCodeAndRequestIDs() async throws {
        let cases: [(Int, AttestationClientError.Code)] = [
            (400, .serviceError), (401, .authenticationFailed), (403, .forbidden), (404, .notFound), (409, .conflict),
            (500, .serviceError),
        ]
        for (status, code) in cases {
            let transport = StubTransport { _, _ in
                .json(#"{"error":{"code":"InvalidParameter","message":"test error"}}"#, status: status,
                      headers: [(name: "x-ms-request-id", value: "service-request-7")])
            }
            let client = try AttestationClient(endpoint: "https://fake.attest.test", options: Self.options(transport))
            let error = await #expect(throws: AttestationClientError.self) {
                _ = try await client.attestSgxEnclave(quote: [1, 2, 3], options: RequestOptions(clientRequestID: "mine-1"))
            }
            #expect(error?.code == code)
            #expect(error?.statusCode == status)
            #expect(error?.serviceErrorCode == "InvalidParameter")
            #expect(error?.serviceMessage == "test error")
            #expect(error?.requestID == "service-request-7")
            #expect(error?.clientRequestID == "mine-1")
            #expect(transport.requests.first?.header("x-ms-client-request-id") == "mine-1")
        }
    }

    @Test func anErrorWithoutMAABodyStillHasItsStatus() async throws {
        let transport = StubTransport { _, _ in HTTPTransportResponse(status: 502, body: Array("<html>bad gateway</html>".utf8)) }
        let client = try AttestationClient(endpoint: "https://fake.attest.test", options: Self.options(transport))
        let error = await #expect(throws: AttestationClientError.self) { _ = try await client.getOpenIDMetadata() }
        #expect(error?.code == .serviceError)
        #expect(error?.statusCode == 502)
        #expect(error?.serviceErrorCode == nil)
    }

    @Test func aNon200SuccessIsAnError() async throws {
        let transport = StubTransport { _, _ in .json("{}", status: 201) }
        let client = try AttestationClient(endpoint: "https://fake.attest.test", options: Self.options(transport))
        await #expect(throws: AttestationClientError.serviceError) { _ = try await client.getOpenIDMetadata() }
    }

    @Test func bearerTokensNeverTravelOverPlainHTTPUnlessAllowed() async throws {
        let transport = StubTransport { _, _ in .json(#"{"issuer":"http://127.0.0.1:8080"}"#) }
        let client = try AttestationClient(
            endpoint: "http://127.0.0.1:8080", credential: StaticTokenCredential("secret"), options: Self.options(transport))
        await #expect(throws: AttestationClientError.insecureTransport) { _ = try await client.getOpenIDMetadata() }
        #expect(transport.requests.isEmpty, "nothing was sent")

        // Without a credential nothing secret is sent, so http is fine.
        let anonymous = try AttestationClient(endpoint: "http://127.0.0.1:8080", options: Self.options(transport))
        _ = try await anonymous.getOpenIDMetadata()
        #expect(transport.requests.last?.header("Authorization") == nil)

        var options = Self.options(transport)
        options.unsafeAllowInsecureHTTP = true
        let optedIn = try AttestationClient(endpoint: "http://127.0.0.1:8080", credential: StaticTokenCredential("secret"), options: options)
        _ = try await optedIn.getOpenIDMetadata()
        #expect(transport.requests.last?.header("Authorization") == "Bearer secret")
    }

    @Test(arguments: ["ftp://x.test", "https://", "https://x.test?a=b", "https://x.test#f", "https://user:pw@x.test", "not a url"])
    func badInstanceURLsAreRejected(_ url: String) {
        #expect(throws: AttestationClientError.invalidArgument) { _ = try AttestationClient(endpoint: url) }
    }

    /// The type-generic call sends each type's evidence in its member; TPM is refused before anything is sent.
    @Test func genericAttestPicksTheEvidenceMemberAndRefusesTPM() async throws {
        let transport = StubTransport { _, _ in .json("{}") }
        var options = Self.options(transport)
        options.apiVersion = .v2022_08_01
        let client = try AttestationClient(endpoint: "https://fake.attest.test", options: options)
        await #expect(throws: AttestationClientError.invalidArgument) { _ = try await client.attest(.tpm, evidence: [1]) }
        #expect(transport.requests.isEmpty)
        for (type, member) in [(AttestationType.sgxEnclave, "quote"), (.tdxVm, "quote"), (.openEnclave, "report"), (.sevSnpVm, "report")] {
            _ = try? await client.attest(type, evidence: [1, 2, 3])
            let body = try #require(transport.requests.last?.body)
            #expect(try JSONValue(parsing: body)[member] == "AQID", "\(type)")
        }
    }

    @Test func vmAttestationNeedsTheNewerAPIVersion() async throws {
        let transport = StubTransport { _, _ in .json("{}") }
        let old = try AttestationClient(endpoint: "https://fake.attest.test", options: Self.options(transport))
        await #expect(throws: AttestationClientError.invalidArgument) { _ = try await old.attestSevSnpVm(report: [1]) }
        await #expect(throws: AttestationClientError.invalidArgument) { _ = try await old.attestTdxVm(quote: [1]) }
        #expect(transport.requests.isEmpty)

        var options = Self.options(transport)
        options.apiVersion = .v2022_08_01
        let new = try AttestationClient(endpoint: "https://fake.attest.test", options: options)
        // The stub answers without a token: the request is what is checked here.
        await #expect(throws: AttestationClientError.invalidResponse) {
            _ = try await new.attestSevSnpVm(report: [1, 2], runtimeData: .json(Array("{}".utf8)), nonce: "n-1")
        }
        await #expect(throws: AttestationClientError.invalidResponse) { _ = try await new.attestTdxVm(quote: [3]) }
        let requests = transport.requests
        #expect(requests.map(\.url) == [
            "https://fake.attest.test/attest/SevSnpVm?api-version=2022-08-01",
            "https://fake.attest.test/attest/TdxVm?api-version=2022-08-01",
        ])
        let body = try JSONValue(parsing: try #require(requests.first?.body))
        #expect(body == ["report": "AQI", "runtimeData": ["data": "e30", "dataType": "JSON"], "nonce": "n-1"])
        #expect(try JSONValue(parsing: try #require(requests.last?.body)) == ["quote": "Aw"])
    }

    @Test func attestationBodiesAreValidJSONWhateverTheText() throws {
        let policy = "version=1.0; authorizationrules{ c:[type==\"x\"] => permit(); };\n\t/* é \\ \u{1} */"
        let nonce = "n\"o\\n/ce\u{7f}"
        let body = AttestationClient.attestationBody(
            evidenceMember: "quote", evidence: Array(0...255), runtimeData: .binary([0xfb, 0xff]),
            initTimeData: .json(Array(#"{"a":1}"#.utf8)), draftPolicy: policy, nonce: nonce)
        let parsed = try JSONValue(parsing: body)
        #expect(parsed == [
            "quote": .string(Base64.urlEncoded(Array(0...255))),
            "runtimeData": ["data": "-_8", "dataType": "Binary"],
            "initTimeData": ["data": .string(Base64.urlEncoded(Array(#"{"a":1}"#.utf8))), "dataType": "JSON"],
            "draftPolicyForAttestation": .string(policy),
            "nonce": .string(nonce),
        ])
        // Minimal bodies carry only the evidence.
        #expect(AttestationClient.attestationBody(
            evidenceMember: "report", evidence: [1], runtimeData: nil, initTimeData: nil, draftPolicy: nil, nonce: nil)
            == Array(#"{"report":"AQ"}"#.utf8))
    }

    @Test func openIDMetadataParsesTheRecordedDocument() async throws {
        let document = try SharedData.text("maa-data/openid/openid-configuration_recorded_2022-10-07.json")
        let transport = StubTransport { _, _ in .json(document) }
        let client = try AttestationClient(endpoint: "https://sharedeus.eus.attest.azure.net", options: Self.options(transport))
        let metadata = try await client.getOpenIDMetadata().value
        #expect(metadata.jwksURI?.hasSuffix("/certs") == true)
        #expect(metadata.responseTypesSupported == ["token", "none"])
        #expect(metadata.signingAlgorithmsSupported == ["RS256"])
        #expect(metadata.claimsSupported.contains("x-ms-sgx-mrenclave"))
        let request = try #require(transport.requests.first)
        #expect(request.url == "https://sharedeus.eus.attest.azure.net/.well-known/openid-configuration")
        #expect(request.method == "GET")
        #expect(request.body == nil)
    }

    @Test func malformedMetadataIsAnError() async throws {
        for body in [#"{"issuer": 3}"#, "[1]", "{", #"{"claims_supported":[1]}"#] {
            let transport = StubTransport { _, _ in .json(body) }
            let client = try AttestationClient(endpoint: "https://fake.attest.test", options: Self.options(transport))
            await #expect(throws: AttestationClientError.invalidResponse) { _ = try await client.getOpenIDMetadata() }
        }
    }

    @Test func tpmMessagesRoundTrip() async throws {
        let transport = StubTransport { request, _ in
            let sent = try JSONValue(parsing: request.body ?? [])
            let message = try Base64.decode(sent["data"]?.stringValue ?? "", alphabet: .url)
            return .json(JSONValue.object(["data": .string(Base64.urlEncoded(message.reversed()))]).serialized())
        }
        let client = try AttestationClient(endpoint: "https://fake.attest.test", options: Self.options(transport))
        let reply = try await client.attestTpm(Array(#"{"payload": {"type": "aikcert"}}"#.utf8))
        #expect(reply.value == Array(#"{"payload": {"type": "aikcert"}}"#.utf8).reversed())
        #expect(transport.requests.first?.body == Array(#"{"data":"eyJwYXlsb2FkIjogeyJ0eXBlIjogImFpa2NlcnQifX0"}"#.utf8))
    }

    @Test(arguments: [#"{"data":"***"}"#, #"{"data":1}"#, "{}", "not json"])
    func malformedTPMRepliesAreErrors(_ body: String) async throws {
        let transport = StubTransport { _, _ in .json(body) }
        let client = try AttestationClient(endpoint: "https://fake.attest.test", options: Self.options(transport))
        await #expect(throws: AttestationClientError.invalidResponse) { _ = try await client.attestTpm([1]) }
    }

    @Test(arguments: [#"{"token":1}"#, #"{"tok":"a.b.c"}"#, #"{"token":"a.b"}"#, "", #"{"token":"eyJhbGciOiJub25lIn0.e30.","token":"x"}"#])
    func malformedTokenResponsesAreErrors(_ body: String) async throws {
        let transport = StubTransport { _, _ in .json(body) }
        let client = try AttestationClient(endpoint: "https://fake.attest.test", options: Self.options(transport))
        await #expect(throws: AttestationClientError.invalidResponse) { _ = try await client.attestSgxEnclave(quote: [1]) }
    }

    @Test func setPolicyChecksTheServiceHashedTheTokenSent() async throws {
        let key = try FakeInstance.Key.make("k1")
        for honest in [true, false] {
            let transport = StubTransport { request, _ in
                if request.url.hasSuffix("/certs") {
                    return .json(JWKS(keys: [try key.jwk]).json.serialized(.preservingOrder))
                }
                var body = request.body ?? []
                if !honest { body.append(UInt8(ascii: " ")) }
                var claims = FakeInstance.claims(issuer: FakeInstance.url, lifetime: 3600)
                claims["x-ms-policy-result"] = "Updated"
                claims["x-ms-policy-token-hash"] = .string(Base64.urlEncoded(SHA256.hash(data: body)))
                let token = try FakeInstance.signed(by: key, claims: claims)
                return .json(JSONValue.object(["token": .string(token)]).serialized())
            }
            var options = FakeInstance.options(transport)
            let admin = try AttestationAdministrationClient(endpoint: FakeInstance.url, credential: StaticTokenCredential("t"), options: options)
            let policy = "version=1.0; authorizationrules{=>permit();}; issuancerules{};"
            if honest {
                let response = try await admin.setPolicy(policy, for: .sgxEnclave)
                #expect(response.value.confirmsReceipt(of: try admin.policyToken(policy, signer: nil)))
                let put = try #require(transport.requests.first { $0.method == "PUT" })
                #expect(put.url == FakeInstance.url + "/policies/SgxEnclave?api-version=2020-10-01")
                #expect(put.header("Content-Type") == "text/plain")
                #expect(put.body == Array(try admin.policyToken(policy, signer: nil).compact.utf8))
            } else {
                let error = await #expect(throws: AttestationClientError.validationFailed) {
                    _ = try await admin.setPolicy(policy, for: .sgxEnclave)
                }
                #expect(error?.reason.contains("x-ms-policy-token-hash") == true)
                options.verifyResultsMatchRequests = false
                let unchecked = try AttestationAdministrationClient(endpoint: FakeInstance.url, credential: StaticTokenCredential("t"), options: options)
                let response = try await unchecked.setPolicy(policy, for: .sgxEnclave)
                #expect(!response.value.confirmsReceipt(of: try admin.policyToken(policy, signer: nil)))
            }
        }
    }

    @Test func certificateChangesMustNameTheCertificateSent() async throws {
        let key = try FakeInstance.Key.make("k1")
        let signer = try TestPKI.p256Signer(commonName: "policy signer")
        let added = try TestPKI.p256Signer(commonName: "new signer")
        let transport = StubTransport { request, _ in
            if request.url.hasSuffix("/certs") { return .json(JWKS(keys: [try key.jwk]).json.serialized(.preservingOrder)) }
            var claims = FakeInstance.claims(issuer: FakeInstance.url, lifetime: 3600)
            claims["x-ms-certificate-thumbprint"] = "0000000000000000000000000000000000000000"
            claims["x-ms-policycertificates-result"] = "IsPresent"
            return .json(JSONValue.object(["token": .string(try FakeInstance.signed(by: key, claims: claims))]).serialized())
        }
        let admin = try AttestationAdministrationClient(
            endpoint: FakeInstance.url, credential: StaticTokenCredential("t"), options: FakeInstance.options(transport))
        let policySigner = try PolicyTokenSigner(key: JWSSigningKey(p256: signer.key), certificateChainDER: [signer.der])
        await #expect(throws: AttestationClientError.validationFailed) {
            _ = try await admin.addPolicyManagementCertificate(added.der, signer: policySigner)
        }
        // The body is the JWS as a JSON string, signed by the policy signer (ES256 under the SDK's ECDH256 name).
        let body = try #require(transport.requests.first { $0.url.contains("certificates:add") }?.body)
        let jws = try JWS(compact: try #require(try JSONValue(parsing: body).stringValue))
        #expect(jws.algorithmName == "ECDH256")
        #expect(try PolicyTokens.verifiedSigner(of: jws) == [signer.der])
    }
}
