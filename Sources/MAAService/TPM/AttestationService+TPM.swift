import MAAJOSE
import MAAModels
import MAAWire

/// TPM attestation (`POST /attest/Tpm`): the two-round protocol of `../shared/docs/tpm-protocol.md`.
extension AttestationService {
    /// Answers one TPM protocol message (the bytes inside `{"data": …}`) and returns the reply message.
    ///
    /// - Round 1 (`{"type":"aikcert"}`) returns a fresh challenge and a sealed `service_context`.
    /// - Round 2 (`{"request":"<JWS>"}`) checks, in this order: that a TPM policy is configured; the JWS shape and
    ///   algorithm; the service context (sealed by this service for this instance, within its lifetime); the
    ///   challenge, in constant time; the signature by the request's own key; and that the context was not used
    ///   before (it is consumed here, so a failed attempt cannot be retried with it). Verifying the TPM evidence
    ///   itself — quote, event-log replay, AIK certificate, key bindings — is not implemented yet, so a request that
    ///   passes every check above ends in `.notSupported`.
    public func attestTPM(message bytes: [UInt8], instance: InstanceRecord, caller: Principal) async throws -> [UInt8] {
        try caller.require(.reader)
        guard instance.mode != .shared else {
            throw ServiceError.invalidOperation("TPM attestation is not available on a shared instance")
        }
        let message = try TPMProtocolMessage(bytes: bytes)
        let now = configuration.now()
        let instanceURL = url(of: instance)
        switch message.kind {
        case .initial:
            let context = TPMServiceContext.fresh(now: now, lifetime: configuration.tpmServiceContextLifetime)
            let key = try await currentServiceContextKey(now: now)
            let reply: JSONObject = [
                "challenge": .string(Base64.urlEncoded(context.challenge)),
                "service_context": .string(try context.sealed(with: key, instanceURL: instanceURL)),
            ]
            return TPMProtocolMessage.reply(reply, wrapped: message.wrapped)

        case .request(let compact):
            let stored = try await effectivePolicyJWS(type: .tpm, instance: instance)
            guard (try? PolicyTokens.policyText(of: try JWS(compact: stored.jws))) != nil else {
                throw ServiceError.invalidOperation("no attestation policy is configured for Tpm")
            }
            let request = try TPMRequestMessage(compact: compact)
            let context = try TPMServiceContext.open(
                request.serviceContext,
                keys: try await store.serviceContextKeys(),
                instanceURL: instanceURL,
                now: now
            )
            guard ConstantTime.equal(request.challenge, context.challenge) else {
                throw ServiceError.invalidParameter("the challenge does not match the service context")
            }
            try request.verifySignature()
            guard try await store.consumeOnce(id: context.contextID, expiresAt: context.expiresAt + TPMServiceContext.allowedSkew, now: now) else {
                throw ServiceError.invalidParameter("invalid or expired service context (already used)")
            }
            throw ServiceError(
                .notSupported,
                "TPM evidence verification (quote, event-log replay, AIK certificate) is not implemented by this server yet"
            )
        }
    }

    /// The newest service-context key, creating the first one on first use.
    private func currentServiceContextKey(now: Int64) async throws -> ServiceContextKeyRecord {
        if let newest = try await store.serviceContextKeys().last { return newest }
        try await store.addServiceContextKey(TPMServiceContext.makeKey(now: now))
        guard let newest = try await store.serviceContextKeys().last else {
            throw ServiceError.storage("the service-context key was not stored")
        }
        return newest
    }
}
