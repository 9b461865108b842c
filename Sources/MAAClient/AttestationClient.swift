public import MAAJOSE
public import MAAModels
import MAAWire

/// Attests evidence with a Microsoft Azure Attestation compatible instance and reads its published metadata.
///
/// Every token the instance returns is validated before it is decoded: its signature with the instance's signer
/// named by the token's `kid` (from `/certs`, cached and refreshed when an unknown `kid` appears), its lifetime,
/// and its issuer (the instance URL unless configured). An unsecured token is accepted only for a draft-policy
/// attestation.
///
/// ```swift
/// let client = try AttestationClient(endpoint: "https://contoso.wus.attest.azure.net", credential: credential)
/// let response = try await client.attestSgxEnclave(quote: quote, runtimeData: .binary(runtimeData))
/// print(response.value.sgxMrEnclave ?? [])
/// ```
public struct AttestationClient: Sendable {
    let core: ClientCore

    /// A client for the instance at `endpoint` (e.g. `https://contoso.wus.attest.azure.net`).
    ///
    /// - Parameters:
    ///   - credential: supplies bearer tokens; `nil` sends none (e.g. for a shared instance's public endpoints).
    ///   - options: transport, api-version and validation defaults.
    public init(
        endpoint: String, credential: (any TokenCredential)? = nil, options: AttestationClientOptions = AttestationClientOptions()
    ) throws(AttestationClientError) {
        core = try ClientCore(endpoint: endpoint, credential: credential, options: options)
    }

    /// The instance URL, normalized without a trailing slash.
    public var endpoint: String { core.endpoint.base }

    // MARK: Metadata

    /// The instance's OpenID Connect metadata (`GET /.well-known/openid-configuration`).
    public func getOpenIDMetadata(options: RequestOptions = RequestOptions()) async throws(AttestationClientError) -> AttestationResponse<OpenIDMetadata> {
        let exchange = try await core.call("GET", "/.well-known/openid-configuration", versioned: false, requestOptions: options)
        let json: JSONValue
        do { json = try JSONValue(parsing: exchange.response.body) } catch {
            throw AttestationClientError(.invalidResponse, "the OpenID metadata is not JSON: \(error.reason)",
                                         requestID: exchange.requestID, clientRequestID: exchange.clientRequestID)
        }
        let metadata = try OpenIDMetadata(json: json)
        return AttestationResponse(
            value: metadata, token: nil, signer: nil, statusCode: exchange.response.status,
            headers: exchange.response.headers, requestID: exchange.requestID, clientRequestID: exchange.clientRequestID)
    }

    /// The keys that sign the instance's tokens, with their certificate chains and key ids (`GET /certs`).
    ///
    /// The result also replaces the client's cached signers.
    public func getSigningCertificates(options: RequestOptions = RequestOptions()) async throws(AttestationClientError) -> AttestationResponse<[AttestationSigner]> {
        let (exchange, signers) = try await ClientCore.fetchSigners(
            pipeline: core.pipeline, endpoint: core.endpoint, requestOptions: options)
        await core.signerCache.store(signers)
        return AttestationResponse(
            value: signers, token: nil, signer: nil, statusCode: exchange.response.status,
            headers: exchange.response.headers, requestID: exchange.requestID, clientRequestID: exchange.clientRequestID)
    }

    /// Validates a token this instance issued — one a relying party received from an attester, say — exactly as the
    /// client validates its own responses: signature by the instance's signer named by `kid` (cached, refreshed on an
    /// unknown `kid` at most once per interval), lifetime and issuer. Unsecured tokens are always rejected.
    ///
    /// - Parameter validation: overrides the client's ``AttestationClientOptions/tokenValidation`` for this call.
    /// - Returns: the token and the signer whose key verified it.
    public func validateToken(
        _ compact: String, validation: TokenValidationOptions? = nil
    ) async throws(AttestationClientError) -> (token: AttestationToken, signer: AttestationSigner?) {
        let token: AttestationToken
        do { token = try AttestationToken(compact: compact) } catch {
            throw AttestationClientError(.validationFailed, "the token is malformed: \(error.reason)", validationError: error)
        }
        let signer = try await core.validate(token, draft: false, requestOptions: RequestOptions(tokenValidation: validation))
        return (token, signer)
    }

    // MARK: Attestation

    /// Attests an SGX enclave from its ECDSA quote (`POST /attest/SgxEnclave`).
    ///
    /// - Parameters:
    ///   - quote: the raw SGX quote.
    ///   - runtimeData: data whose SHA-256 the enclave put in the first 32 bytes of its report data.
    ///   - initTimeData: data bound at enclave creation (e.g. the config id).
    ///   - draftPolicy: a policy to evaluate instead of the instance's; the service then returns an unsecured token.
    ///   - nonce: echoed in the token's `nonce` claim.
    public func attestSgxEnclave(
        quote: [UInt8], runtimeData: AttestationData? = nil, initTimeData: AttestationData? = nil,
        draftPolicy: String? = nil, nonce: String? = nil, options: RequestOptions = RequestOptions()
    ) async throws(AttestationClientError) -> AttestationResponse<AttestationResult> {
        try await attest(.sgxEnclave, evidence: quote, runtimeData: runtimeData,
                         initTimeData: initTimeData, draftPolicy: draftPolicy, nonce: nonce, options: options)
    }

    /// Attests an OpenEnclave report (16-byte OE header + SGX quote; `POST /attest/OpenEnclave`).
    public func attestOpenEnclave(
        report: [UInt8], runtimeData: AttestationData? = nil, initTimeData: AttestationData? = nil,
        draftPolicy: String? = nil, nonce: String? = nil, options: RequestOptions = RequestOptions()
    ) async throws(AttestationClientError) -> AttestationResponse<AttestationResult> {
        try await attest(.openEnclave, evidence: report, runtimeData: runtimeData,
                         initTimeData: initTimeData, draftPolicy: draftPolicy, nonce: nonce, options: options)
    }

    /// Attests an AMD SEV-SNP VM (`POST /attest/SevSnpVm`, api-version 2022-08-01 or later).
    ///
    /// - Parameter report: MAA's SEV-SNP evidence document, the JSON object `{"SnpReport": …, "VcekCertChain": …}`
    ///   (base64url of the 1184-byte report and of the PEM VCEK/ASK/ARK chain), sent base64url-encoded in `report`.
    public func attestSevSnpVm(
        report: [UInt8], runtimeData: AttestationData? = nil, initTimeData: AttestationData? = nil,
        draftPolicy: String? = nil, nonce: String? = nil, options: RequestOptions = RequestOptions()
    ) async throws(AttestationClientError) -> AttestationResponse<AttestationResult> {
        try await attest(.sevSnpVm, evidence: report, runtimeData: runtimeData,
                         initTimeData: initTimeData, draftPolicy: draftPolicy, nonce: nonce, options: options)
    }

    /// Attests an Intel TDX VM from its quote (`POST /attest/TdxVm`, api-version 2022-08-01 or later).
    public func attestTdxVm(
        quote: [UInt8], runtimeData: AttestationData? = nil, initTimeData: AttestationData? = nil,
        draftPolicy: String? = nil, nonce: String? = nil, options: RequestOptions = RequestOptions()
    ) async throws(AttestationClientError) -> AttestationResponse<AttestationResult> {
        try await attest(.tdxVm, evidence: quote, runtimeData: runtimeData,
                         initTimeData: initTimeData, draftPolicy: draftPolicy, nonce: nonce, options: options)
    }

    /// One step of the TPM attestation protocol (`POST /attest/Tpm`): sends a protocol message, returns the
    /// service's reply message. Both travel base64url-encoded in `{"data": …}`.
    public func attestTpm(_ message: [UInt8], options: RequestOptions = RequestOptions()) async throws(AttestationClientError) -> AttestationResponse<[UInt8]> {
        let body: JSONValue = ["data": .string(Base64.urlEncoded(message))]
        let exchange = try await core.call(
            "POST", "/attest/Tpm", contentType: "application/json", body: body.serializedBytes(.preservingOrder),
            requestOptions: options)
        let reply: [UInt8]
        do {
            let json = try JSONValue(parsing: exchange.response.body)
            guard let data = json["data"]?.stringValue else {
                throw AttestationClientError(.invalidResponse, "the TPM response has no \"data\" string")
            }
            reply = try Base64.decode(data, alphabet: .url)
        } catch let error as AttestationClientError {
            throw error.with(requestID: exchange.requestID, clientRequestID: exchange.clientRequestID)
        } catch {
            throw AttestationClientError(.invalidResponse, "the TPM response is not valid: \(error)",
                                         requestID: exchange.requestID, clientRequestID: exchange.clientRequestID)
        }
        return AttestationResponse(
            value: reply, token: nil, signer: nil, statusCode: exchange.response.status,
            headers: exchange.response.headers, requestID: exchange.requestID, clientRequestID: exchange.clientRequestID)
    }

    // MARK: Shared

    /// The JSON body of an enclave/VM attestation, members in the order the official SDK sends them, compact.
    ///
    /// Written directly: base64url text needs no JSON escaping, so the evidence (KiBs) is copied rather than run
    /// through the escaping serializer; the free-text members (draft policy, nonce) go through `JSONValue`.
    static func attestationBody(
        evidenceMember: String, evidence: [UInt8], runtimeData: AttestationData?, initTimeData: AttestationData?,
        draftPolicy: String?, nonce: String?
    ) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(
            64 + evidence.count / 3 * 4 + 8 + (runtimeData?.bytes.count ?? 0) / 3 * 4 + (initTimeData?.bytes.count ?? 0) / 3 * 4
                + 64 + (draftPolicy?.utf8.count ?? 0) + (nonce?.utf8.count ?? 0))
        output.append(contentsOf: #"{""#.utf8)
        output.append(contentsOf: evidenceMember.utf8)
        output.append(contentsOf: #"":""#.utf8)
        output.append(contentsOf: Base64.urlEncoded(evidence).utf8)
        output.append(UInt8(ascii: "\""))
        func append(_ name: String, _ data: AttestationData) {
            output.append(contentsOf: #",""#.utf8)
            output.append(contentsOf: name.utf8)
            output.append(contentsOf: #"":{"data":""#.utf8)
            output.append(contentsOf: Base64.urlEncoded(data.bytes).utf8)
            output.append(contentsOf: #"","dataType":""#.utf8)
            output.append(contentsOf: data.dataType.rawValue.utf8)
            output.append(contentsOf: #""}"#.utf8)
        }
        if let runtimeData { append("runtimeData", runtimeData) }
        if let initTimeData { append("initTimeData", initTimeData) }
        if let draftPolicy {
            output.append(contentsOf: #","draftPolicyForAttestation":"#.utf8)
            JSONValue.string(draftPolicy).write(into: &output, options: .preservingOrder)
        }
        if let nonce {
            output.append(contentsOf: #","nonce":"#.utf8)
            JSONValue.string(nonce).write(into: &output, options: .preservingOrder)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// Attests evidence of any type but TPM (a protocol exchange: ``attestTpm(_:options:)``), sent in the member
    /// the type's request uses: `quote` for SGX and TDX, `report` for OpenEnclave and SEV-SNP. The type-specific
    /// methods above are this call with their type.
    public func attest(
        _ type: AttestationType, evidence: [UInt8], runtimeData: AttestationData? = nil,
        initTimeData: AttestationData? = nil, draftPolicy: String? = nil, nonce: String? = nil,
        options: RequestOptions = RequestOptions()
    ) async throws(AttestationClientError) -> AttestationResponse<AttestationResult> {
        let member: String
        switch type {
        case .sgxEnclave, .tdxVm: member = "quote"
        case .openEnclave, .sevSnpVm: member = "report"
        case .tpm: throw AttestationClientError(.invalidArgument, "TPM attestation is a protocol exchange: use attestTpm")
        }
        return try await attest(type, evidenceMember: member, evidence: evidence, runtimeData: runtimeData,
                                initTimeData: initTimeData, draftPolicy: draftPolicy, nonce: nonce, options: options)
    }

    private func attest(
        _ type: AttestationType, evidenceMember: String, evidence: [UInt8], runtimeData: AttestationData?,
        initTimeData: AttestationData?, draftPolicy: String?, nonce: String?, options: RequestOptions
    ) async throws(AttestationClientError) -> AttestationResponse<AttestationResult> {
        guard core.options.apiVersion.supports(type) else {
            throw AttestationClientError(
                .invalidArgument, "\(type.rawValue) needs api-version 2022-08-01 (the client uses \(core.options.apiVersion.rawValue))")
        }
        guard !evidence.isEmpty else { throw AttestationClientError(.invalidArgument, "the evidence is empty") }
        let body = Self.attestationBody(
            evidenceMember: evidenceMember, evidence: evidence, runtimeData: runtimeData, initTimeData: initTimeData,
            draftPolicy: draftPolicy, nonce: nonce)
        return try await core.tokenCall(
            "POST", "/attest/\(type.rawValue)", contentType: "application/json",
            body: body, draft: draftPolicy != nil, requestOptions: options
        ) { token throws(JOSEError) in try AttestationResult(token: token) }
    }
}
