import Foundation
@testable import MAAClient
import MAAJOSE
import MAAModels
import MAATesting
import MAAWire
import Testing
import X509

/// Replays all 29 recordings of the official SDK's traffic with the real MAA service: for each exchange the client
/// makes the request the SDK made (method, path, api-version, headers, body) and turns the recorded response into
/// the expected, validated result — as of the recorded time, against the recorded `/certs`.
@Suite struct RecordedPlaybackTests {
    static let recordingFiles: [String] = (try? SharedData.files(in: "maa-data/recordings").filter { $0.hasSuffix(".yaml") }) ?? []

    @Test func allRecordingsAreReplayed() {
        #expect(Self.recordingFiles.count == 29)
    }

    @Test(arguments: RecordedPlaybackTests.recordingFiles)
    func replay(_ file: String) async throws {
        let exchanges = try Recordings.load(file)
        let transport = PlaybackTransport(exchanges)
        // Signed requests are made with a test key (the recorded keys were never published), so the service's hash
        // of "the token sent" cannot match ours; those recordings check the hash explicitly instead.
        let hasSignedPolicy = try exchanges.contains { exchange in
            guard exchange.method == "PUT", let body = exchange.requestBody else { return false }
            return try !JWS(compact: body).isUnsecured
        }
        var clients: Clients? = nil
        var index = 0
        while index < exchanges.count {
            let exchange = exchanges[index]
            #expect(transport.position == index)
            if exchange.path == "/certs" {
                let standalone = try Clients(exchanges: exchanges, at: index, transport: transport, verifyResults: true)
                try await Self.getSigners(exchange, standalone, transport)
                index += 1
                continue
            }
            let fetchesSigners = index + 1 < exchanges.count && exchanges[index + 1].path == "/certs"
            if fetchesSigners || clients == nil {
                clients = try Clients(exchanges: exchanges, at: index, transport: transport, verifyResults: !hasSignedPolicy)
            }
            let current = try #require(clients)
            try await Self.perform(exchange, current, transport)
            index += fetchesSigners ? 2 : 1
            #expect(transport.position == index, "\(file)#\(exchange.index): the client fetched /certs when the SDK did")
            if fetchesSigners {
                // The client's own signer fetch matches the SDK's: no api-version, JWKS accept header.
                let fetch = transport.served[index - 1]
                try Self.checkCommon(fetch.request, fetch.exchange)
            }
        }
        #expect(transport.position == exchanges.count)
    }

    // MARK: Clients

    struct Clients {
        let attestation: AttestationClient
        let administration: AttestationAdministrationClient
        /// The instance URL its tokens name as issuer.
        let issuer: String?

        /// Per-call options for `exchange`: validate as of its recorded response date. That date's one-second
        /// resolution can fall just before the token's nbf, so allow one second, as the official SDK's own test
        /// harness does (validation_slack=1).
        func options(for exchange: RecordedExchange) throws -> RequestOptions {
            var validation = TokenValidationOptions.at(try #require(HTTPDate.parse(exchange.responseHeaders["date"] ?? "")))
            validation.timeValidationSlack = 1
            validation.issuer = issuer
            return RequestOptions(tokenValidation: validation)
        }

        /// Clients for the instance of exchange `index`; its issuer is the instance named by the self-signed signer
        /// certificate in the next `/certs` (the recordings rewrote the request host, not the tokens).
        init(exchanges: [RecordedExchange], at index: Int, transport: PlaybackTransport, verifyResults: Bool) throws {
            let exchange = exchanges[index]
            let url = try #require(URLComponents(string: exchange.uri))
            let endpoint = "https://" + (url.host ?? "")
            var options = AttestationClientOptions()
            options.transport = transport
            options.retryPolicy = .none
            options.verifyResultsMatchRequests = verifyResults
            attestation = try AttestationClient(endpoint: endpoint, credential: StaticTokenCredential("playback"), options: options)
            administration = try AttestationAdministrationClient(
                endpoint: endpoint, credential: StaticTokenCredential("playback"), options: options)
            issuer = try Self.instanceURL(exchanges[index...].first { $0.path == "/certs" })
        }

        static func instanceURL(_ certs: RecordedExchange?) throws -> String? {
            guard let certs else { return nil }
            let signers = try AttestationSigner.signers(from: JWKS(parsing: Array(certs.responseBody.utf8)))
            for signer in signers {
                guard let leaf = signer.certificates.first, leaf.subject == leaf.issuer,
                    let name = leaf.subject.description.split(separator: "=", maxSplits: 1).last, name.hasPrefix("https://")
                else { continue }
                return String(name)
            }
            return nil
        }
    }

    static let signer: Result<(signer: PolicyTokenSigner, der: [UInt8]), any Error> = Result {
        let generated = try TestPKI.rsaSigner(commonName: "playback policy signer")
        return (try PolicyTokenSigner(key: JWSSigningKey(rsa: generated.key), certificateChainDER: [generated.der]), generated.der)
    }

    // MARK: Operations

    static func perform(_ exchange: RecordedExchange, _ clients: Clients, _ transport: PlaybackTransport) async throws {
        let position = transport.position
        let where_ = "\(exchange.recording)#\(exchange.index)"
        let perCall = try clients.options(for: exchange)
        let segments = exchange.path.split(separator: "/").map(String.init)
        switch (exchange.method, segments.first) {
        case ("POST", "attest") where exchange.path == "/attest/Tpm":
            let recorded = try JSONValue(parsing: try #require(exchange.requestBody))
            let message = try Base64.decode(try #require(recorded["data"]?.stringValue), alphabet: .url)
            let response = try await clients.attestation.attestTpm(message, options: perCall)
            let sent = transport.served[position].request
            try checkCommon(sent, exchange)
            #expect(try JSONValue(parsing: try #require(sent.body)) == recorded, "\(where_)")
            let reply = try JSONValue(parsing: exchange.responseBody)["data"]?.stringValue
            #expect(Base64.urlEncoded(response.value) == reply)
            #expect(response.token == nil)

        case ("POST", "attest"):
            try await attest(exchange, clients, transport)

        case ("GET", "policies"):
            let type = try #require(AttestationType(pathSegment: segments[1]))
            let response = try await clients.administration.getPolicy(for: type, options: perCall)
            try checkCommon(transport.served[position].request, exchange)
            #expect(transport.served[position].request.body == nil)
            try checkToken(response, exchange)
            let stored = try #require(response.value.policyToken, "\(where_): x-ms-policy is present")
            #expect(response.value.outcome == nil)
            // The stored policy is readable: text for a set policy, nil for the empty (unset) one.
            let text = try response.value.policyText()
            #expect((text == nil) == stored.payload.isEmpty)

        case ("PUT", "policies"):
            try await setPolicy(exchange, clients, transport)

        case ("POST", "policies"):
            try await resetPolicy(exchange, clients, transport)

        case ("GET", "certificates"):
            let response = try await clients.administration.getPolicyManagementCertificates(options: perCall)
            try checkCommon(transport.served[position].request, exchange)
            try checkToken(response, exchange)
            let recorded = try #require(response.token?.claims["x-ms-policy-certificates"]?["keys"]?.arrayValue)
            #expect(response.value.certificates.keys.count == recorded.count)
            for key in response.value.certificates.keys { #expect(try key.certificateChain().count == 1) }

        case ("POST", "certificates:add"), ("POST", "certificates:remove"):
            try await modifyCertificates(exchange, clients, transport)

        default:
            Issue.record("\(where_): unexpected exchange \(exchange.method) \(exchange.path)")
        }
    }

    static func getSigners(_ exchange: RecordedExchange, _ clients: Clients, _ transport: PlaybackTransport) async throws {
        let position = transport.position
        let response = try await clients.attestation.getSigningCertificates()
        try checkCommon(transport.served[position].request, exchange)
        let recorded = try JWKS(parsing: Array(exchange.responseBody.utf8))
        // Every usable key is returned with its kid and chain; the one 1024-bit legacy key is skipped.
        #expect(response.value.count == recorded.keys.count - 1)
        for signer in response.value {
            let jwk = try #require(recorded.keys.first { $0.keyID == signer.keyID })
            #expect(try signer.certificates.count == jwk.certificateChainDER().count)
        }
        #expect(response.value.contains { $0.keyID == "rPtBGRWTlPmzs5u35L0QRD9WdymeKPRxteTeTlwN0Ec=" })
    }

    static func attest(_ exchange: RecordedExchange, _ clients: Clients, _ transport: PlaybackTransport) async throws {
        let position = transport.position
        let perCall = try clients.options(for: exchange)
        let recorded = try JSONValue(parsing: try #require(exchange.requestBody))
        let isSGX = exchange.path == "/attest/SgxEnclave"
        let evidence = try SharedData.bytes(isSGX ? "maa-data/sgx/sgx_quote_v3.bin" : "maa-data/sgx/open_enclave_report.bin")
        let runtime = try SharedData.bytes("maa-data/sgx/runtime_data.bin")
        func data(_ member: String) throws -> AttestationData? {
            guard let object = recorded[member] else { return nil }
            let type = try #require(AttestationData.DataType(rawValue: object["dataType"]?.stringValue ?? ""))
            // The SDK's test constants are the shared runtime data.
            #expect(try Base64.decode(object["data"]?.stringValue ?? "", alphabet: .url) == runtime)
            return AttestationData(bytes: runtime, dataType: type)
        }
        let draft = recorded["draftPolicyForAttestation"]?.stringValue
        let response: AttestationResponse<AttestationResult>
        if isSGX {
            response = try await clients.attestation.attestSgxEnclave(
                quote: evidence, runtimeData: try data("runtimeData"), initTimeData: try data("initTimeData"),
                draftPolicy: draft, options: perCall)
        } else {
            response = try await clients.attestation.attestOpenEnclave(
                report: evidence, runtimeData: try data("runtimeData"), initTimeData: try data("initTimeData"),
                draftPolicy: draft, options: perCall)
        }
        let sent = transport.served[position].request
        try checkCommon(sent, exchange)
        // Same members, same order, same values as the SDK sent.
        #expect(try JSONValue(parsing: try #require(sent.body)) == recorded, "\(exchange.recording)#\(exchange.index)")
        try checkToken(response, exchange)
        #expect(response.token?.isUnsecured == (draft != nil))
        #expect((response.signer == nil) == (draft != nil))
        let result = response.value
        #expect(result.sgxMrEnclave.map(Hex.encode) == "b779202618becb636768e5d902f28d524222735fafb539ea9ba07c3fc171a1c2")
        #expect(result.sgxMrSigner.map(Hex.encode) == "2c1a44952ae8207135c6c29b75b8c029372ee94b677e15c20bd42340f10d41aa")
        #expect(result.sgxIsDebuggable == false)
        #expect(result.attestationType == "sgx")
        if recorded["runtimeData"]?["dataType"]?.stringValue == "Binary" {
            #expect(result.enclaveHeldData == runtime)
        } else {
            #expect(result.runtimeClaims?["jwk"]?["kty"]?.stringValue == "EC")
        }
    }

    static func setPolicy(_ exchange: RecordedExchange, _ clients: Clients, _ transport: PlaybackTransport) async throws {
        let position = transport.position
        let perCall = try clients.options(for: exchange)
        let type = try #require(AttestationType(pathSegment: String(exchange.path.split(separator: "/")[1])))
        let recordedText = try #require(exchange.requestBody)
        let recorded = try JWS(compact: recordedText)
        let policy = try #require(try PolicyTokens.policyText(of: recorded))
        if recorded.isUnsecured {
            let response = try await clients.administration.setPolicy(policy, for: type, options: perCall)
            let sent = transport.served[position].request
            try checkCommon(sent, exchange)
            // Unsigned tokens are byte-identical to the SDK's, so the service's hash confirms our bytes.
            #expect(sent.body == Array(recordedText.utf8))
            try checkToken(response, exchange)
            #expect(response.value.confirmsReceipt(of: recorded))
            #expect(response.value.outcome == .updated)
            #expect(response.value.policySigner == nil)
        } else {
            let (signer, der) = try Self.signer.get()
            let response = try await clients.administration.setPolicy(policy, for: type, signer: signer, options: perCall)
            let sent = transport.served[position].request
            try checkCommon(sent, exchange)
            let ours = try JWS(compact: String(decoding: try #require(sent.body), as: UTF8.self))
            try checkSignedStructure(ours, recorded, ourCertificate: der)
            try checkToken(response, exchange)
            #expect(response.value.outcome == .updated)
            // The service's hash names the token it received: the recorded one, not ours.
            #expect(response.value.confirmsReceipt(of: recorded))
            #expect(!response.value.confirmsReceipt(of: ours))
            #expect(try response.value.policySigner?.certificateChainDER() == PolicyTokens.embeddedCertificateChainDER(of: recorded))
        }
    }

    static func resetPolicy(_ exchange: RecordedExchange, _ clients: Clients, _ transport: PlaybackTransport) async throws {
        let position = transport.position
        let perCall = try clients.options(for: exchange)
        let segment = String(exchange.path.split(separator: "/")[1])
        #expect(segment.hasSuffix(":reset"))
        let type = try #require(AttestationType(pathSegment: String(segment.dropLast(":reset".count))))
        let recordedText = try #require(exchange.requestBody)
        let recorded = try JWS(compact: recordedText)
        let response: AttestationResponse<PolicyResult>
        if recorded.isUnsecured {
            response = try await clients.administration.resetPolicy(for: type, options: perCall)
            #expect(transport.served[position].request.body == Array(recordedText.utf8))
        } else {
            let (signer, der) = try Self.signer.get()
            response = try await clients.administration.resetPolicy(for: type, signer: signer, options: perCall)
            let ours = try JWS(compact: String(decoding: try #require(transport.served[position].request.body), as: UTF8.self))
            try checkSignedStructure(ours, recorded, ourCertificate: der)
        }
        try checkCommon(transport.served[position].request, exchange)
        try checkToken(response, exchange)
        #expect(response.value.outcome == .removed)
        #expect(response.value.policyTokenHash == nil)
    }

    static func modifyCertificates(_ exchange: RecordedExchange, _ clients: Clients, _ transport: PlaybackTransport) async throws {
        let position = transport.position
        let perCall = try clients.options(for: exchange)
        let recordedBody = try #require(exchange.requestBody)
        // The JWS travels as a JSON string literal.
        let recorded = try JWS(compact: try #require(try JSONValue(parsing: recordedBody).stringValue))
        let payload = try #require(try recorded.payloadJSON())
        let certificate = try Base64.decode(
            try #require(payload["policyCertificate"]?["x5c"]?.arrayValue?.first?.stringValue), alphabet: .standard)
        let (signer, der) = try Self.signer.get()
        let response: AttestationResponse<PolicyCertificatesModificationResult>
        if exchange.path == "/certificates:add" {
            response = try await clients.administration.addPolicyManagementCertificate(certificate, signer: signer, options: perCall)
        } else {
            response = try await clients.administration.removePolicyManagementCertificate(certificate, signer: signer, options: perCall)
        }
        let sent = transport.served[position].request
        try checkCommon(sent, exchange)
        let body = try #require(sent.body)
        #expect(body.first == UInt8(ascii: "\""))
        let ours = try JWS(compact: try #require(try JSONValue(parsing: body).stringValue))
        try checkSignedStructure(ours, recorded, ourCertificate: der)
        try checkToken(response, exchange)
        #expect(response.value.confirms(certificateDER: certificate))
        #expect(response.value.certificateThumbprint == "357E7DA457168E19CE7B3490865F489376ACA381")
        let claimed = response.token?.claims["x-ms-policycertificates-result"]?.stringValue
        #expect(response.value.outcome.rawValue == claimed)
    }

    // MARK: Checks

    /// Method, path, api-version, content type, accept, request ids and user agent.
    static func checkCommon(_ sent: HTTPTransportRequest, _ exchange: RecordedExchange) throws {
        let url = try #require(URLComponents(string: sent.url))
        #expect(url.path == exchange.path)
        #expect(url.queryItems?.first { $0.name == "api-version" }?.value == exchange.apiVersion)
        #expect((url.queryItems ?? []).count == (exchange.apiVersion == nil ? 0 : 1))
        #expect(sent.method == exchange.method)
        func recorded(_ name: String) -> String? {
            exchange.requestHeaders.first { $0.key.lowercased() == name.lowercased() }?.value
        }
        #expect(sent.header("Content-Type") == recorded("Content-Type"), "\(exchange.recording)#\(exchange.index)")
        #expect(sent.header("Accept") == recorded("Accept"))
        #expect(UUID(uuidString: sent.header("x-ms-client-request-id") ?? "") != nil)
        #expect(sent.header("User-Agent")?.hasPrefix("azsdk-swift-security-attestation/") == true)
        #expect(sent.header("Authorization") == "Bearer playback")
    }

    /// The response's token is the recorded one, validated and signed by the instance's recorded key.
    static func checkToken<Value: Sendable>(_ response: AttestationResponse<Value>, _ exchange: RecordedExchange) throws {
        let recorded = try JSONValue(parsing: exchange.responseBody)["token"]?.stringValue
        #expect(response.rawToken == recorded)
        #expect(response.statusCode == 200)
        if response.token?.isUnsecured == false {
            #expect(response.signer?.keyID == response.token?.keyID)
        }
    }

    /// A signed request made with our key has the SDK's header layout (byte-identical once the certificate is
    /// swapped) and exactly the SDK's payload bytes, and our signature verifies with our certificate.
    static func checkSignedStructure(_ ours: JWS, _ recorded: JWS, ourCertificate: [UInt8]) throws {
        #expect(ours.algorithmName == recorded.algorithmName)
        #expect(ours.header.keys == recorded.header.keys)
        #expect(ours.header["jwk"]?.objectValue?.keys == recorded.header["jwk"]?.objectValue?.keys)
        let recordedChain = try PolicyTokens.embeddedCertificateChainDER(of: recorded)
        #expect(try PolicyTokens.embeddedCertificateChainDER(of: ours) == [ourCertificate])
        #expect(recordedChain.count == 1)
        let swapped = String(decoding: ours.headerBytes, as: UTF8.self)
            .replacingOccurrences(of: Base64.standardEncoded(ourCertificate), with: Base64.standardEncoded(recordedChain[0]))
        #expect(Array(swapped.utf8) == recorded.headerBytes)
        #expect(ours.payload == recorded.payload)
        #expect(try PolicyTokens.verifiedSigner(of: ours) == [ourCertificate])
    }
}
