import Crypto
import Logging
public import MAAJOSE
import MAAWire
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// OAuth2 client-credentials tokens from Microsoft Entra ID (or any v2.0-style token endpoint) for a service
/// principal, authenticated with a client secret or a certificate.
///
/// A certificate credential signs a JWT client assertion (RS256, header `x5t` = SHA-1 thumbprint of the
/// certificate, `aud` = the token endpoint). Tokens are cached per scope set and refreshed ahead of expiry;
/// concurrent callers share one token request. The authority must be `https` unless explicitly allowed.
public actor ClientCredentialsCredential: TokenCredential {
    /// How the credential proves the application's identity.
    public enum ClientAuthentication: Sendable {
        /// A client secret.
        case secret(String)
        /// A certificate's private key and its chain (leaf first, DER); the key must be RSA.
        case certificate(key: JWSSigningKey, certificateChainDER: [[UInt8]])
    }

    /// Where and how tokens are requested.
    public struct Options: Sendable {
        /// The authority host (default: Azure public cloud).
        public var authorityHost: String = "https://login.microsoftonline.com"
        /// Refresh a cached token this long before it expires.
        public var refreshMargin: Duration = .seconds(300)
        /// Send the certificate chain (`x5c`) in the assertion header, for subject-name/issuer authentication.
        public var sendCertificateChain: Bool = false
        /// The transport for the token endpoint.
        public var transport: any HTTPTransport = AsyncHTTPClientTransport()
        /// Retries for the token endpoint.
        public var retryPolicy: RetryPolicy = RetryPolicy()
        /// The longest one token request may take.
        public var timeout: Duration = .seconds(30)
        /// Talk to an `http` authority (the client secret then travels in clear text).
        /// - Warning: for loopback tests only.
        public var unsafeAllowInsecureHTTP: Bool = false
        /// The clock.
        public var now: @Sendable () -> Date = { Date() }

        public init() {}
    }

    private let tenantID: String
    private let clientID: String
    private let authentication: ClientAuthentication
    private let options: Options
    private let tokenEndpoint: String
    private let pipeline: HTTPPipeline
    private var cache: [String: AccessToken] = [:]
    private var pending: [String: Task<AccessToken, any Error>] = [:]

    /// A credential for application `clientID` in tenant `tenantID`.
    public init(
        tenantID: String, clientID: String, authentication: ClientAuthentication, options: Options = Options()
    ) throws(AttestationClientError) {
        guard !tenantID.isEmpty, tenantID.utf8.allSatisfy(Self.isTenantByte) else {
            throw AttestationClientError(.invalidArgument, "the tenant id may hold only letters, digits, '.' and '-'")
        }
        guard !clientID.isEmpty else { throw AttestationClientError(.invalidArgument, "the client id is empty") }
        if case .certificate(let key, let chain) = authentication {
            guard key.algorithm == .rs256 || key.algorithm == .ps256 else {
                throw AttestationClientError(.invalidArgument, "a client certificate must hold an RSA key")
            }
            do { _ = try PolicyTokenSigner(key: key, certificateChainDER: chain) } catch {
                throw AttestationClientError(.invalidArgument, "the client certificate does not match its key: \(error.reason)")
            }
        }
        let authority = try InstanceEndpoint(options.authorityHost)
        guard authority.isHTTPS || options.unsafeAllowInsecureHTTP else {
            throw AttestationClientError(.insecureTransport, "the authority host must be https: \(options.authorityHost)")
        }
        self.tenantID = tenantID
        self.clientID = clientID
        self.authentication = authentication
        self.options = options
        self.tokenEndpoint = authority.base + "/" + tenantID + "/oauth2/v2.0/token"
        self.pipeline = HTTPPipeline(
            transport: options.transport, credential: nil, scopes: [], retryPolicy: options.retryPolicy,
            attemptTimeout: options.timeout, maximumResponseBodySize: 1 << 20,
            userAgent: ClientCore.userAgent, allowInsecureHTTP: options.unsafeAllowInsecureHTTP,
            logger: Logger(label: "maa.credential", factory: { _ in SwiftLogNoOpLogHandler() }), now: options.now)
    }

    private static func isTenantByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
            true
        default: false
        }
    }

    public func token(for scopes: [String]) async throws -> AccessToken {
        let key = scopes.joined(separator: " ")
        let margin = Double(options.refreshMargin.components.seconds)
        if let cached = cache[key], cached.expiresOn.timeIntervalSince(options.now()) > margin { return cached }
        if let task = pending[key] { return try await task.value }
        let task = Task { try await self.requestToken(scope: key) }
        pending[key] = task
        defer { pending[key] = nil }
        let token = try await task.value
        cache[key] = token
        return token
    }

    /// One token request to the endpoint.
    private func requestToken(scope: String) async throws(AttestationClientError) -> AccessToken {
        var fields: [(String, String)] = [("grant_type", "client_credentials"), ("client_id", clientID), ("scope", scope)]
        switch authentication {
        case .secret(let secret):
            fields.append(("client_secret", secret))
        case .certificate(let key, let chain):
            fields.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
            fields.append(("client_assertion", try clientAssertion(key: key, chain: chain).compact))
        }
        let exchange = try await pipeline.send(
            method: "POST", url: tokenEndpoint,
            headers: [(name: "Accept", value: "application/json"),
                      (name: "Content-Type", value: "application/x-www-form-urlencoded")],
            body: FormURLEncoding.encode(fields), clientRequestID: nil, timeout: options.timeout)
        let json = try? JSONValue(parsing: exchange.response.body)
        guard exchange.response.status == 200 else {
            let code = json?["error"]?.stringValue
            let description = json?["error_description"]?.stringValue ?? "HTTP \(exchange.response.status)"
            throw AttestationClientError(
                .authenticationFailed, "the token endpoint refused: \(code ?? "error"): \(description)",
                statusCode: exchange.response.status, serviceErrorCode: code, serviceMessage: description,
                requestID: exchange.requestID, clientRequestID: exchange.clientRequestID)
        }
        guard let json, let accessToken = json["access_token"]?.stringValue, !accessToken.isEmpty else {
            throw AttestationClientError(.invalidResponse, "the token response has no access_token")
        }
        if let type = json["token_type"]?.stringValue, type.lowercased() != "bearer" {
            throw AttestationClientError(.invalidResponse, "the token type is \(type), not Bearer")
        }
        let lifetime: Int64
        if let seconds = json["expires_in"]?.integerValue {
            lifetime = seconds
        } else if let text = json["expires_in"]?.stringValue, let seconds = Int64(text) {
            lifetime = seconds
        } else {
            throw AttestationClientError(.invalidResponse, "the token response has no numeric expires_in")
        }
        guard lifetime > 0, lifetime < 366 * 86_400 else {
            throw AttestationClientError(.invalidResponse, "the token lifetime \(lifetime) s is not plausible")
        }
        return AccessToken(token: accessToken, expiresOn: options.now().addingTimeInterval(Double(lifetime)))
    }

    /// The signed client assertion (RFC 7523 §2.2) Entra ID expects for certificate credentials.
    func clientAssertion(key: JWSSigningKey, chain: [[UInt8]]) throws(AttestationClientError) -> JWS {
        guard let leaf = chain.first else { throw AttestationClientError(.invalidArgument, "empty certificate chain") }
        let now = Int64(options.now().timeIntervalSince1970)
        var header: JSONObject = ["typ": "JWT", "x5t": .string(Base64.urlEncoded(Insecure.SHA1.hash(data: leaf)))]
        if options.sendCertificateChain {
            header["x5c"] = .array(chain.map { .string(Base64.standardEncoded($0)) })
        }
        let claims: JSONObject = [
            "aud": .string(tokenEndpoint), "exp": .integer(now + 600), "iat": .integer(now),
            "iss": .string(clientID), "jti": .string(UUID().uuidString.lowercased()), "nbf": .integer(now),
            "sub": .string(clientID),
        ]
        do { return try JWS.sign(header: header, claims: claims, key: key) } catch {
            throw AttestationClientError(.invalidArgument, "cannot sign the client assertion: \(error.reason)")
        }
    }
}
