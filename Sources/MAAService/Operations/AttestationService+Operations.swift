public import MAAModels
import Crypto
import MAAJOSE
import MAAPolicy
import MAAWire

/// Policy and policy-signer management (MAA §3.4–3.7).
extension AttestationService {
    // MARK: Policies

    /// The policy text that applies when none is stored, or `nil` when the type has none (TPM).
    public func defaultPolicyText(type: MAAModels.AttestationType, instance: InstanceRecord) -> String? {
        guard let policyType = MAAPolicy.AttestationType(rawValue: type.rawValue) else { return nil }
        if instance.mode == .shared, type == .sgxEnclave || type == .openEnclave {
            return DefaultPolicies.sharedInstance
        }
        return DefaultPolicies.text(for: policyType)
    }

    /// The policy JWS that applies: the stored one, else an unsigned JWS of the default text, else
    /// `eyJhbGciOiJub25lIn0..` (no policy), as MAA returns for an unset TPM policy.
    public func effectivePolicyJWS(type: MAAModels.AttestationType, instance: InstanceRecord) async throws -> StoredPolicy {
        // The default's JWS is cached like a stored one: building it costs a serialization and two encodings.
        try await caches.storedPolicies.value(
            for: ServiceCaches.policyKey(instance: instance.name, type: type), now: configuration.now()
        ) {
            if let stored = try await store.policy(instance: instance.name, type: type) { return stored }
            return defaultPolicyJWS(type: type, instance: instance)
        }
    }

    /// The unsigned JWS of the instance's default policy for `type` (an empty policy where there is none).
    func defaultPolicyJWS(type: MAAModels.AttestationType, instance: InstanceRecord) -> StoredPolicy {
        let jws: String
        if let text = defaultPolicyText(type: type, instance: instance) {
            let payload: JSONObject = [PolicyTokens.policyMember: .string(Base64.urlEncoded(utf8: text))]
            jws = JWS.unsecured(payload: JSONValue.object(payload).serializedBytes(.maa)).compact
        } else {
            jws = "eyJhbGciOiJub25lIn0.."
        }
        return StoredPolicy(jws: jws, signerX5C: nil, updatedAt: instance.createdAt)
    }

    /// `GET /policies/{type}`: a PolicyResult token carrying the exact stored JWS in `x-ms-policy`.
    public func policyToken(type: MAAModels.AttestationType, instance: InstanceRecord, caller: Principal) async throws -> String {
        try caller.require(.reader)
        let policy = try await effectivePolicyJWS(type: type, instance: instance)
        return try await managementToken(["x-ms-policy": .string(policy.jws)], instance: instance)
    }

    /// `PUT /policies/{type}` with the JWS text exactly as received.
    ///
    /// As MAA documents, an instance that does not require signed policies (AAD mode) also takes raw policy text
    /// (anything that is not shaped like a compact JWS); it is stored as the unsigned JWS the SDKs would have sent,
    /// and `x-ms-policy-token-hash` is the hash of that JWS. Isolated instances refuse raw text.
    public func setPolicy(jws received: String, type: MAAModels.AttestationType, instance: InstanceRecord, caller: Principal) async throws
        -> String
    {
        try checkPolicyChangeAllowed(instance: instance, type: type, caller: caller)
        let text = try Self.policyJWSText(received, instance: instance)
        let jws = try PolicySignerTrust.parse(text)
        let signer = try await authorizeManagementJWS(jws, instance: instance)
        let policyText: String?
        do {
            policyText = try PolicyTokens.policyText(of: jws)
        } catch {
            throw ServiceError.invalidOperation("the JWS payload is not a StoredAttestationPolicy: \(error.reason)")
        }
        guard let policyText else {
            throw ServiceError.invalidOperation("the JWS has no AttestationPolicy; use :reset to remove a policy")
        }
        let policy: AttestationPolicy
        do {
            policy = try AttestationPolicy(text: policyText)
        } catch {
            throw ServiceError(.policyParsingError, error.description)
        }
        _ = try Self.tcbBaseline(of: policy)
        try await store.setPolicy(
            instance: instance.name, type: type,
            StoredPolicy(jws: text, signerX5C: signer?.x5c, updatedAt: configuration.now())
        )
        caches.storedPolicies.remove(ServiceCaches.policyKey(instance: instance.name, type: type))
        var claims: JSONObject = [
            "x-ms-policy-result": "Updated",
            "x-ms-policy-token-hash": .string(Base64.urlEncoded(SHA256.hash(data: Array(text.utf8)))),
        ]
        if let signer { claims["x-ms-policy-signer"] = try Self.signerJWK(signer.chainDER) }
        return try await managementToken(claims, instance: instance)
    }

    /// The JWS text of a PUT body: the body itself when it is shaped like a compact JWS, else (raw policy text on an
    /// AAD instance) the unsigned policy JWS wrapping it.
    static func policyJWSText(_ body: String, instance: InstanceRecord) throws -> String {
        let isJWSShaped = body.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "="):
                true
            default: false
            }
        } && body.utf8.contains(UInt8(ascii: "."))
        if isJWSShaped { return body }
        guard instance.mode == .aad else {
            throw ServiceError.invalidOperation("an isolated instance accepts only JWS signed by a policy signer, not raw policy text")
        }
        do {
            return try PolicyTokens.setPolicy(body, signer: nil).compact
        } catch {
            throw ServiceError.invalidOperation("the policy text cannot be wrapped in a JWS: \(error.reason)")
        }
    }

    /// `POST /policies/{type}:reset` with a JWS whose payload is empty.
    public func resetPolicy(jws text: String, type: MAAModels.AttestationType, instance: InstanceRecord, caller: Principal) async throws
        -> String
    {
        try checkPolicyChangeAllowed(instance: instance, type: type, caller: caller)
        let jws = try PolicySignerTrust.parse(text)
        _ = try await authorizeManagementJWS(jws, instance: instance)
        guard jws.payload.isEmpty else {
            throw ServiceError.invalidOperation("a reset JWS must have an empty payload")
        }
        try await store.setPolicy(instance: instance.name, type: type, nil)
        caches.storedPolicies.remove(ServiceCaches.policyKey(instance: instance.name, type: type))
        return try await managementToken(["x-ms-policy-result": "Removed"], instance: instance)
    }

    func checkPolicyChangeAllowed(instance: InstanceRecord, type: MAAModels.AttestationType, caller: Principal) throws {
        try caller.require(.contributor)
        switch instance.mode {
        case .shared:
            throw ServiceError.invalidOperation("the policy of a shared instance cannot be changed")
        case .aad, .isolated:
            break
        }
    }

    /// AAD: unsigned or any validly signed JWS. Isolated: signed, and by a trusted policy signer.
    private func authorizeManagementJWS(_ jws: JWS, instance: InstanceRecord) async throws -> PolicySignerTrust.Signed? {
        let signer = try PolicySignerTrust.verifiedSigner(of: jws)
        if instance.mode == .isolated {
            guard let signer else {
                throw ServiceError.invalidOperation("an isolated instance accepts only JWS signed by a policy signer")
            }
            try PolicySignerTrust.requireTrusted(signer.chainDER, signers: try await store.signers(instance: instance.name))
        }
        return signer
    }

    // MARK: Policy signers

    /// `GET /certificates`: the policy signers as a PolicyCertificatesResult token.
    public func policyCertificatesToken(instance: InstanceRecord, caller: Principal) async throws -> String {
        try caller.require(.reader)
        let signers = try await store.signers(instance: instance.name)
        let keys = try signers.map { try Self.signerJWK([$0.certificateDER]) }
        return try await managementToken(
            ["x-ms-policy-certificates": ["keys": .array(keys)]], instance: instance
        )
    }

    /// `POST /certificates:add|remove`: a JWS signed by a current signer whose payload names a certificate in
    /// `policyCertificate` (or `maa-policyCertificate` / `x-ms-policyCertificate`). Idempotent; the last signer
    /// cannot be removed. The trust check and the change run in one storage transaction.
    public func modifyPolicyCertificates(
        jws text: String,
        operation: SignerChange.Outcome,
        instance: InstanceRecord,
        caller: Principal
    ) async throws -> String {
        try caller.require(.contributor)
        guard instance.mode == .isolated else {
            throw ServiceError.invalidOperation("policy-signer certificates can only be changed on an isolated instance")
        }
        let jws = try PolicySignerTrust.parse(text)
        guard let signer = try PolicySignerTrust.verifiedSigner(of: jws) else {
            throw ServiceError.invalidOperation("a policy-signer change must be signed by a policy signer")
        }
        let certificate = try Self.managedCertificate(in: jws)
        let now = configuration.now()
        let (thumbprint, outcome) = try await store.updateSigners(instance: instance.name) { signers in
            try PolicySignerTrust.requireTrusted(signer.chainDER, signers: signers)
            switch operation {
            case .isPresent: return SignerChange.add(certificate, to: &signers, now: now)
            case .isAbsent: return try SignerChange.remove(certificate, from: &signers)
            }
        }
        return try await managementToken(
            [
                "x-ms-certificate-thumbprint": .string(thumbprint),
                "x-ms-policycertificates-result": .string(outcome.rawValue),
            ],
            instance: instance
        )
    }

    /// The DER certificate named by an add/remove payload.
    static func managedCertificate(in jws: JWS) throws(ServiceError) -> [UInt8] {
        let payload: JSONValue?
        do { payload = try jws.payloadJSON() } catch {
            throw .invalidOperation("the JWS payload is not JSON: \(error.reason)")
        }
        let member = ["policyCertificate", "maa-policyCertificate", "x-ms-policyCertificate"].lazy
            .compactMap { payload?[$0] }.first
        guard let member, let object = member.objectValue else {
            throw .invalidOperation("the JWS payload has no policyCertificate JWK")
        }
        let chain: [[UInt8]]
        do { chain = try JWK(json: object).certificateChainDER() } catch {
            throw .invalidParameter("policyCertificate is not a JWK with an x5c certificate: \(error.reason)")
        }
        guard let der = chain.first else { throw .invalidParameter("policyCertificate has no x5c certificate") }
        do { _ = try validatedSigner(der: der, now: 0) } catch {
            throw .invalidParameter("policyCertificate's x5c is not a valid X.509 certificate")
        }
        return der
    }

    /// MAA's JWK for a signer certificate: `{alg, kty, use, x5c}`.
    static func signerJWK(_ chainDER: [[UInt8]]) throws -> JSONValue {
        let key = try JWK(certificateChainDER: chainDER)
        let keyType = key.keyType.isEmpty ? "RSA" : key.keyType
        return [
            "alg": .string(keyType == "EC" ? "ES256" : "RS256"),
            "kty": .string(keyType),
            "use": "sig",
            "x5c": .array(chainDER.map { .string(Base64.standardEncoded($0)) }),
        ]
    }

    /// Signs a policy or certificate-management result (1 hour, no `jti`).
    func managementToken(_ claims: JSONObject, instance: InstanceRecord) async throws -> String {
        let key = try await activeSigningKey(for: instance)
        return try tokens.sign(
            claims, issuer: url(of: instance), key: key, now: configuration.now(), lifetime: TokenIssuer.managementLifetime
        )
    }
}
