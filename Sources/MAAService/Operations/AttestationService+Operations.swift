/// The data-plane operations that produce MAA tokens.
///
/// These need the JOSE layer (token signing and JWS parsing), the policy language and the DCAP verifier. Until
/// those are wired in, each one checks the caller's rights and the instance mode, then fails with `.notSupported`
/// rather than return anything unsigned or unverified.
extension AttestationService {
    /// `POST /attest/{type}`: verifies evidence, evaluates the policy and returns a signed attestation token.
    public func attest(_ request: AttestationRequest, instance: InstanceRecord, caller: Principal) async throws -> String {
        try caller.require(.reader)
        if instance.mode == .shared, request.type == .tpm {
            throw ServiceError.invalidOperation("TPM attestation is not available on a shared instance")
        }
        throw ServiceError(.notSupported, "\(request.type.rawValue) attestation is not available in this build yet")
    }

    /// `GET /policies/{type}`: the current policy as a signed PolicyResult token.
    public func policyToken(type: AttestationType, instance: InstanceRecord, caller: Principal) async throws -> String {
        try caller.require(.reader)
        throw ServiceError(.notSupported, "policy tokens are not available in this build yet")
    }

    /// `PUT /policies/{type}` with the JWS text exactly as received.
    public func setPolicy(jws: String, type: AttestationType, instance: InstanceRecord, caller: Principal) async throws
        -> String
    {
        try checkPolicyChangeAllowed(instance: instance, type: type, caller: caller)
        throw ServiceError(.notSupported, "setting policies is not available in this build yet")
    }

    /// `POST /policies/{type}:reset` with the JWS text exactly as received.
    public func resetPolicy(jws: String, type: AttestationType, instance: InstanceRecord, caller: Principal) async throws
        -> String
    {
        try checkPolicyChangeAllowed(instance: instance, type: type, caller: caller)
        throw ServiceError(.notSupported, "resetting policies is not available in this build yet")
    }

    /// `GET /certificates`: the policy signers as a signed PolicyCertificatesResult token.
    public func policyCertificatesToken(instance: InstanceRecord, caller: Principal) async throws -> String {
        try caller.require(.reader)
        throw ServiceError(.notSupported, "policy certificate tokens are not available in this build yet")
    }

    /// `POST /certificates:add|remove` with the JWS text from the JSON string body.
    public func modifyPolicyCertificates(
        jws: String,
        operation: SignerChange.Outcome,
        instance: InstanceRecord,
        caller: Principal
    ) async throws -> String {
        try caller.require(.contributor)
        guard instance.mode == .isolated else {
            throw ServiceError.invalidOperation("policy-signer certificates can only be changed on an isolated instance")
        }
        throw ServiceError(.notSupported, "changing policy signers is not available in this build yet")
    }

    func checkPolicyChangeAllowed(instance: InstanceRecord, type: AttestationType, caller: Principal) throws {
        try caller.require(.contributor)
        switch instance.mode {
        case .shared:
            throw ServiceError.invalidOperation("the policy of a shared instance cannot be changed")
        case .aad, .isolated:
            break
        }
    }
}
