public import Logging
public import MAAJOSE
public import MAAModels
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How an ``AttestationClient`` or ``AttestationAdministrationClient`` talks to its instance. The defaults are
/// secure: every returned token is validated against the instance's published signers, its issuer must be the
/// instance URL, and bearer tokens never travel over plain `http`.
public struct AttestationClientOptions: Sendable {
    /// The `api-version` sent on `/attest`, `/policies` and `/certificates` (2022-08-01 is needed for SEV-SNP and
    /// TDX evidence).
    public var apiVersion: APIVersion = .v2020_10_01
    /// How returned tokens are checked. When ``TokenValidationOptions/issuer`` is `nil` the instance URL is
    /// expected. ``TokenValidationOptions/allowUnsecuredTokens`` is ignored: unsecured tokens are accepted only for
    /// a draft-policy attestation.
    public var tokenValidation: TokenValidationOptions = TokenValidationOptions()
    /// The shortest time between two refreshes of the instance's signers (`/certs`) triggered by an unknown `kid`.
    public var signerRefreshInterval: Duration = .seconds(60)
    /// The transport (default: AsyncHTTPClient's shared client).
    public var transport: any HTTPTransport = AsyncHTTPClientTransport()
    /// Retries for 408/429/5xx and connection failures.
    public var retryPolicy: RetryPolicy = RetryPolicy()
    /// The longest one attempt may take.
    public var attemptTimeout: Duration = .seconds(60)
    /// The largest response body accepted (MAA tokens are a few KiB).
    public var maximumResponseBodySize: Int = 4 << 20
    /// Prepended to the `User-Agent` header to identify the calling application.
    public var applicationID: String? = nil
    /// How policy and policy-certificate JWS are laid out (default: byte-compatible with the official Python SDK).
    public var policyTokenStyle: PolicyTokenStyle = .pythonSDK
    /// Check that the service echoes the SHA-256 of the exact policy token sent (`x-ms-policy-token-hash`) on
    /// set-policy and the SHA-1 thumbprint of the certificate on add/remove.
    public var verifyResultsMatchRequests: Bool = true
    /// Send the bearer token over plain `http`.
    /// - Warning: anyone on the path can then read and replay the token. Use only against a loopback test server.
    public var unsafeAllowInsecureHTTP: Bool = false
    /// Where the client logs (nothing by default).
    public var logger: Logger = Logger(label: "maa.client", factory: { _ in SwiftLogNoOpLogHandler() })
    /// The clock used for signer-refresh intervals and `Retry-After` dates (token times come from
    /// ``TokenValidationOptions/currentTime``).
    public var now: @Sendable () -> Date = { Date() }

    public init() {}
}

/// Per-call settings; anything left `nil` takes the client's default.
public struct RequestOptions: Sendable {
    /// The `x-ms-client-request-id` to send (default: a new UUID).
    public var clientRequestID: String? = nil
    /// The deadline for the whole call, retries included.
    public var timeout: Duration? = nil
    /// Token validation for this call instead of the client's.
    public var tokenValidation: TokenValidationOptions? = nil

    public init(clientRequestID: String? = nil, timeout: Duration? = nil, tokenValidation: TokenValidationOptions? = nil) {
        self.clientRequestID = clientRequestID
        self.timeout = timeout
        self.tokenValidation = tokenValidation
    }
}
