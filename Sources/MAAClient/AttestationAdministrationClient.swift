public import MAAJOSE
public import MAAModels
import MAAWire

/// Manages an instance's attestation policies and, for isolated instances, its policy-management certificates.
///
/// Tokens returned by the service are validated as for ``AttestationClient``. By default the client also checks
/// that a set-policy result hashes the exact token it sent and that a certificate add/remove result names the
/// certificate it sent (``AttestationClientOptions/verifyResultsMatchRequests``).
public struct AttestationAdministrationClient: Sendable {
    let core: ClientCore

    /// A client for the instance at `endpoint`; administration needs a credential.
    public init(
        endpoint: String, credential: (any TokenCredential)?, options: AttestationClientOptions = AttestationClientOptions()
    ) throws(AttestationClientError) {
        core = try ClientCore(endpoint: endpoint, credential: credential, options: options)
    }

    /// The instance URL, normalized without a trailing slash.
    public var endpoint: String { core.endpoint.base }

    // MARK: Policies

    /// The policy in force for `type` (`GET /policies/{type}`). The stored policy token is in
    /// ``PolicyResult/policyToken``; its text in ``PolicyResult/policyText()`` (`nil` when none is set).
    public func getPolicy(for type: AttestationType, options: RequestOptions = RequestOptions()) async throws(AttestationClientError) -> AttestationResponse<PolicyResult> {
        try checkVersion(type)
        return try await core.tokenCall("GET", "/policies/\(type.rawValue)", requestOptions: options) {
            token throws(JOSEError) in try PolicyResult(token: token)
        }
    }

    /// Sets the policy for `type` (`PUT /policies/{type}`), as an unsigned token or signed by `signer` (an RSA or EC
    /// key and its certificate chain; required by isolated instances).
    ///
    /// - Returns: the result; its ``PolicyResult/policyTokenHash`` has been checked against the token sent unless
    ///   ``AttestationClientOptions/verifyResultsMatchRequests`` is off. ``policyToken(_:signer:)`` rebuilds the token sent.
    public func setPolicy(
        _ policy: String, for type: AttestationType, signer: PolicyTokenSigner? = nil,
        options: RequestOptions = RequestOptions()
    ) async throws(AttestationClientError) -> AttestationResponse<PolicyResult> {
        try checkVersion(type)
        let token: JWS
        do { token = try PolicyTokens.setPolicy(policy, signer: signer, style: core.options.policyTokenStyle) } catch {
            throw AttestationClientError(.invalidArgument, "cannot build the policy token: \(error.reason)")
        }
        let response = try await core.tokenCall(
            "PUT", "/policies/\(type.rawValue)", contentType: "text/plain", body: Array(token.compact.utf8),
            requestOptions: options
        ) { token throws(JOSEError) in try PolicyResult(token: token) }
        if core.options.verifyResultsMatchRequests, !response.value.confirmsReceipt(of: token) {
            throw AttestationClientError(
                .validationFailed, "x-ms-policy-token-hash is not the SHA-256 of the policy token sent",
                requestID: response.requestID, clientRequestID: response.clientRequestID)
        }
        return response
    }

    /// Resets the policy for `type` to the instance default (`POST /policies/{type}:reset`), with an unsigned or
    /// signed empty token.
    public func resetPolicy(
        for type: AttestationType, signer: PolicyTokenSigner? = nil, options: RequestOptions = RequestOptions()
    ) async throws(AttestationClientError) -> AttestationResponse<PolicyResult> {
        try checkVersion(type)
        let token: JWS
        do { token = try PolicyTokens.resetPolicy(signer: signer, style: core.options.policyTokenStyle) } catch {
            throw AttestationClientError(.invalidArgument, "cannot build the reset token: \(error.reason)")
        }
        return try await core.tokenCall(
            "POST", "/policies/\(type.rawValue):reset", contentType: "text/plain", body: Array(token.compact.utf8),
            requestOptions: options
        ) { token throws(JOSEError) in try PolicyResult(token: token) }
    }

    /// The token a set-policy call would send for `policy`: for computing its hash ahead of time or for audit.
    public func policyToken(_ policy: String, signer: PolicyTokenSigner?) throws(AttestationClientError) -> JWS {
        do { return try PolicyTokens.setPolicy(policy, signer: signer, style: core.options.policyTokenStyle) } catch {
            throw AttestationClientError(.invalidArgument, "cannot build the policy token: \(error.reason)")
        }
    }

    // MARK: Policy-management certificates

    /// The certificates allowed to sign policies and certificate changes (`GET /certificates`).
    public func getPolicyManagementCertificates(options: RequestOptions = RequestOptions()) async throws(AttestationClientError) -> AttestationResponse<PolicyCertificatesResult> {
        try await core.tokenCall("GET", "/certificates", requestOptions: options) { token throws(JOSEError) in
            try PolicyCertificatesResult(token: token)
        }
    }

    /// Adds a policy-management certificate (`POST /certificates:add`); `signer` must be an existing one.
    public func addPolicyManagementCertificate(
        _ certificateDER: [UInt8], signer: PolicyTokenSigner, options: RequestOptions = RequestOptions()
    ) async throws(AttestationClientError) -> AttestationResponse<PolicyCertificatesModificationResult> {
        try await modifyCertificates("/certificates:add", certificateDER, signer: signer, options: options)
    }

    /// Removes a policy-management certificate (`POST /certificates:remove`); `signer` must be an existing one.
    public func removePolicyManagementCertificate(
        _ certificateDER: [UInt8], signer: PolicyTokenSigner, options: RequestOptions = RequestOptions()
    ) async throws(AttestationClientError) -> AttestationResponse<PolicyCertificatesModificationResult> {
        try await modifyCertificates("/certificates:remove", certificateDER, signer: signer, options: options)
    }

    private func modifyCertificates(
        _ path: String, _ certificateDER: [UInt8], signer: PolicyTokenSigner, options: RequestOptions
    ) async throws(AttestationClientError) -> AttestationResponse<PolicyCertificatesModificationResult> {
        let token: JWS
        do { token = try PolicyTokens.policyCertificate(certificateDER, signer: signer, style: core.options.policyTokenStyle) } catch {
            throw AttestationClientError(.invalidArgument, "cannot build the certificate token: \(error.reason)")
        }
        // The JWS travels as a JSON string literal (wire contract §3.7).
        let body = JSONValue.string(token.compact).serializedBytes(.preservingOrder)
        let response = try await core.tokenCall(
            "POST", path, contentType: "application/json", body: body, requestOptions: options
        ) { token throws(JOSEError) in try PolicyCertificatesModificationResult(token: token) }
        if core.options.verifyResultsMatchRequests, !response.value.confirms(certificateDER: certificateDER) {
            throw AttestationClientError(
                .validationFailed, "x-ms-certificate-thumbprint does not name the certificate sent",
                requestID: response.requestID, clientRequestID: response.clientRequestID)
        }
        return response
    }

    private func checkVersion(_ type: AttestationType) throws(AttestationClientError) {
        guard core.options.apiVersion.supports(type) else {
            throw AttestationClientError(
                .invalidArgument, "\(type.rawValue) needs api-version 2022-08-01 (the client uses \(core.options.apiVersion.rawValue))")
        }
    }
}
