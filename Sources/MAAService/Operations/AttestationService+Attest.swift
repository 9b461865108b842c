/// Attestation (`POST /attest/{type}`).
extension AttestationService {
    /// Verifies evidence, evaluates the policy and returns a signed attestation token.
    public func attest(_ request: AttestationRequest, instance: InstanceRecord, caller: Principal) async throws -> String {
        try caller.require(.reader)
        if instance.mode == .shared, request.type == .tpm {
            throw ServiceError.invalidOperation("TPM attestation is not available on a shared instance")
        }
        throw ServiceError(.notSupported, "\(request.type.rawValue) attestation is not available in this build yet")
    }
}
