import Logging
import MAAJOSE
import MAAModels
import MAAWire

/// What both clients share: the instance, the pipeline and the signer cache.
struct ClientCore: Sendable {
    let endpoint: InstanceEndpoint
    let options: AttestationClientOptions
    let pipeline: HTTPPipeline
    let signerCache: SignerCache

    static let userAgent = "azsdk-swift-security-attestation/0.1.0"

    init(endpoint: String, credential: (any TokenCredential)?, options: AttestationClientOptions) throws(AttestationClientError) {
        let endpoint = try InstanceEndpoint(endpoint)
        var userAgent = Self.userAgent
        if let applicationID = options.applicationID, !applicationID.isEmpty {
            guard applicationID.utf8.count <= 24, !applicationID.contains(" ") else {
                throw AttestationClientError(.invalidArgument, "the application id must be at most 24 characters without spaces")
            }
            userAgent = applicationID + " " + userAgent
        }
        let pipeline = HTTPPipeline(
            transport: options.transport, credential: credential, scopes: [AttestationScope.default],
            retryPolicy: options.retryPolicy, attemptTimeout: options.attemptTimeout,
            maximumResponseBodySize: options.maximumResponseBodySize, userAgent: userAgent,
            allowInsecureHTTP: options.unsafeAllowInsecureHTTP, logger: options.logger, now: options.now)
        self.endpoint = endpoint
        self.options = options
        self.pipeline = pipeline
        self.signerCache = SignerCache(refreshInterval: options.signerRefreshInterval, now: options.now) {
            () async throws(AttestationClientError) -> [AttestationSigner] in
            try await Self.fetchSigners(pipeline: pipeline, endpoint: endpoint, requestOptions: RequestOptions()).signers
        }
    }

    // MARK: Calls

    /// Sends a request and requires HTTP 200.
    func call(
        _ method: String, _ path: String, versioned: Bool = true, contentType: String? = nil,
        accept: String = "application/json", body: [UInt8]? = nil, requestOptions: RequestOptions
    ) async throws(AttestationClientError) -> HTTPPipeline.Exchange {
        try await Self.call(
            pipeline: pipeline, url: endpoint.url(path, apiVersion: versioned ? options.apiVersion : nil),
            method: method, contentType: contentType, accept: accept, body: body, requestOptions: requestOptions)
    }

    static func call(
        pipeline: HTTPPipeline, url: String, method: String, contentType: String?, accept: String, body: [UInt8]?,
        requestOptions: RequestOptions
    ) async throws(AttestationClientError) -> HTTPPipeline.Exchange {
        var headers: [(name: String, value: String)] = [(name: "Accept", value: accept)]
        if let contentType { headers.append((name: "Content-Type", value: contentType)) }
        let exchange = try await pipeline.send(
            method: method, url: url, headers: headers, body: body, clientRequestID: requestOptions.clientRequestID,
            timeout: requestOptions.timeout)
        // MAA answers every successful call with 200; anything else is an error (wire contract §1).
        guard exchange.response.status == 200 else {
            throw HTTPPipeline.failure(for: exchange.response).with(requestID: nil, clientRequestID: exchange.clientRequestID)
        }
        return exchange
    }

    /// `GET /certs`, parsed into signers (unusable legacy keys skipped).
    static func fetchSigners(
        pipeline: HTTPPipeline, endpoint: InstanceEndpoint, requestOptions: RequestOptions
    ) async throws(AttestationClientError) -> (exchange: HTTPPipeline.Exchange, signers: [AttestationSigner]) {
        let exchange = try await call(
            pipeline: pipeline, url: endpoint.url("/certs", apiVersion: nil), method: "GET", contentType: nil,
            accept: "application/jwk+json, application/json", body: nil, requestOptions: requestOptions)
        do {
            let jwks = try JWKS(parsing: exchange.response.body)
            return (exchange, try AttestationSigner.signers(from: jwks))
        } catch {
            throw AttestationClientError(
                .invalidResponse, "the /certs document is not a usable JWKS: \(error.reason)",
                requestID: exchange.requestID, clientRequestID: exchange.clientRequestID)
        }
    }

    /// Sends a request whose response is `{"token": JWT}`, validates the token and decodes its claims.
    func tokenCall<Value: Sendable>(
        _ method: String, _ path: String, contentType: String? = nil, body: [UInt8]? = nil, draft: Bool = false,
        requestOptions: RequestOptions, decode: (AttestationToken) throws(JOSEError) -> Value
    ) async throws(AttestationClientError) -> AttestationResponse<Value> {
        let exchange = try await call(method, path, contentType: contentType, body: body, requestOptions: requestOptions)
        let ids = (requestID: exchange.requestID, clientRequestID: exchange.clientRequestID)
        let token: AttestationToken
        do {
            let json = try JSONValue(parsing: exchange.response.body)
            guard let text = json["token"]?.stringValue else {
                throw AttestationClientError(.invalidResponse, "the response has no \"token\" string")
            }
            token = try AttestationToken(compact: text)
        } catch let error as AttestationClientError {
            throw error.with(requestID: ids.requestID, clientRequestID: ids.clientRequestID)
        } catch {
            throw AttestationClientError(.invalidResponse, "the response is not a token: \(error)",
                                         requestID: ids.requestID, clientRequestID: ids.clientRequestID)
        }
        let signer: AttestationSigner?
        do {
            signer = try await validate(token, draft: draft, requestOptions: requestOptions)
        } catch {
            throw error.with(requestID: ids.requestID, clientRequestID: ids.clientRequestID)
        }
        let value: Value
        do { value = try decode(token) } catch {
            throw AttestationClientError(.invalidResponse, "the token's claims are not as expected: \(error.reason)",
                                         requestID: ids.requestID, clientRequestID: ids.clientRequestID,
                                         validationError: error)
        }
        return AttestationResponse(
            value: value, token: token, signer: signer, statusCode: exchange.response.status,
            headers: exchange.response.headers, requestID: ids.requestID, clientRequestID: ids.clientRequestID)
    }

    // MARK: Token validation

    /// The validation options for one call: the per-call override or the client default, with the instance URL as
    /// the expected issuer when none is set, and unsecured tokens allowed exactly for draft-policy requests.
    func validationOptions(draft: Bool, requestOptions: RequestOptions) -> TokenValidationOptions {
        var validation = requestOptions.tokenValidation ?? options.tokenValidation
        if validation.issuer == nil { validation.issuer = endpoint.base }
        validation.allowUnsecuredTokens = draft
        return validation
    }

    /// Validates a token the instance returned; the key is the instance's published signer with the token's `kid`.
    func validate(_ token: AttestationToken, draft: Bool, requestOptions: RequestOptions) async throws(AttestationClientError) -> AttestationSigner? {
        let validation = validationOptions(draft: draft, requestOptions: requestOptions)
        var signers: [AttestationSigner] = []
        if !token.isUnsecured, validation.validateSignature, validation.pinnedKey == nil {
            signers = try await signerCache.signers(for: token.keyID)
        }
        do {
            return try token.validate(signers: signers, options: validation)
        } catch {
            options.logger.debug("token rejected", metadata: ["reason": "\(error)"])
            throw AttestationClientError(.validationFailed, "the token is not valid: \(error)", validationError: error)
        }
    }
}
