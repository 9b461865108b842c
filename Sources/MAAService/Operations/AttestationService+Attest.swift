import MAADCAP
import MAAJOSE
import MAASEVSNP
import MAAPolicy
import MAAWire

/// Attestation (`POST /attest/{type}`).
extension AttestationService {
    /// Verifies evidence, checks runtime-data binding and the instance's accepted TCB statuses, evaluates the
    /// policy (the draft policy when given) and returns an attestation token: signed with the instance key, or
    /// unsecured for a draft policy. A policy refusal returns no token (`PolicyEvaluationError`).
    ///
    /// SGX quotes, OpenEnclave reports, TDX quotes (MAA's TDX EAT profile, `x-ms-attestation-type` `tdxvm`) and
    /// SEV-SNP reports (`sevsnpvm`: MAA's `{SnpReport, VcekCertChain}` document, verified against the pinned AMD roots
    /// at the collateral time; runtimeData binds to REPORT_DATA, initTimeData to HOST_DATA) are attested.
    ///
    /// The instance's accepted TCB statuses are Intel's (TCB Info levels) and do not apply to SEV-SNP, which has no
    /// such status: its TCB is checked for consistency (VCEK vs REPORTED_TCB vs CURRENT_TCB) by the verifier and
    /// exposed as `x-ms-sevsnpvm-*-svn` claims, so minimum SVNs are written in the SevSnpVm policy.
    public func attest(_ request: AttestationRequest, instance: InstanceRecord, caller: Principal) async throws -> String {
        try caller.require(.reader)
        let attestationType: JSONValue
        switch request.type {
        case .sgxEnclave, .openEnclave:
            attestationType = "sgx"
        case .tdxVm:
            attestationType = "tdxvm"
            // MAA lists initTimeData for TdxVm but documents no binding to the TD report; none is guessed here.
            guard request.initTimeData == nil else {
                throw ServiceError.invalidParameter(
                    "initTimeData is not supported for TdxVm: no binding of init-time data to a TD quote is defined; bind data with runtimeData"
                )
            }
        case .tpm:
            throw ServiceError.invalidParameter("TPM evidence arrives as protocol messages: use attestTPM(message:instance:caller:)")
        case .sevSnpVm:
            attestationType = "sevsnpvm"
        }
        let now = configuration.now()

        // 1. Policy (its configuration rules choose the TCB baseline before any evidence is checked).
        let draft = request.draftPolicyForAttestation
        var policySigner: [String]?
        let policy: AttestationPolicy
        do {
            if let draft {
                policy = try AttestationPolicy(text: draft)
            } else {
                let stored = try await effectivePolicyJWS(type: request.type, instance: instance)
                policySigner = stored.signerX5C
                // Compiled policies are cached by the exact stored JWS, which fixes the text.
                policy = try await caches.policies.value(for: stored.jws, now: now) {
                    guard let text = try? PolicyTokens.policyText(of: try JWS(compact: stored.jws)) else {
                        throw ServiceError.invalidOperation("no attestation policy is set for \(request.type.rawValue)")
                    }
                    return try AttestationPolicy(text: text)
                }
            }
        } catch let error as PolicyError {
            throw ServiceError(.policyParsingError, error.description)
        }
        let baseline = try Self.tcbBaseline(of: policy)

        // 2. Evidence, at the collateral time (SGX/TDX: with collateral of the policy's TCB baseline).
        let verified: VerifiedEvidence
        if request.type == .sevSnpVm {
            verified = .sevSnp(try evidence.verifySevSnp(evidence: request.evidence, now: now))
        } else {
            let quote = try await evidence.verify(
                request.type, evidence: request.evidence, now: now, tcbEvaluationDataNumber: baseline
            )

            // 3. Accepted TCB statuses (Intel's; see above for SEV-SNP).
            guard instance.acceptedTCBStatuses.map(\.rawValue).contains(quote.tcbStatus.rawValue) else {
                let accepted = instance.acceptedTCBStatuses.map(\.rawValue).joined(separator: ", ")
                let advisories = quote.advisoryIDs.isEmpty ? "" : " (advisories: \(quote.advisoryIDs.joined(separator: ", ")))"
                throw ServiceError.invalidParameter(
                    "the platform TCB status \(quote.tcbStatus.rawValue)\(advisories) is not accepted by this instance; accepted: \(accepted)"
                )
            }
            verified = .quote(quote)
        }

        // 4. Runtime and init-time data binding.
        var runtimeJSON: JSONValue?
        var binaryRuntime: [UInt8]?
        if let runtime = request.runtimeData {
            do { try verified.bindRuntimeData(runtime.bytes) } catch {
                throw ServiceError.invalidParameter("SHA-256 of runtimeData does not match the first 32 bytes of the report data")
            }
            switch runtime.dataType {
            case .binary: binaryRuntime = runtime.bytes
            case .json: runtimeJSON = try Self.boundJSON(runtime.bytes, member: "runtimeData")
            }
        }
        var initTimeJSON: JSONValue?
        if let initTime = request.initTimeData {
            do { try verified.bindInitTimeData(initTime.bytes) } catch {
                throw ServiceError.invalidParameter("SHA-256 of initTimeData does not match \(verified.initTimeField)")
            }
            if initTime.dataType == .json { initTimeJSON = try Self.boundJSON(initTime.bytes, member: "initTimeData") }
        }

        // 5. Evaluation.
        let verifiedClaims = verified.claims(runtimeData: binaryRuntime)
        let evaluation: PolicyEvaluation
        do {
            var incoming = ClaimConversion.policyClaims(verified.incomingClaims(extending: verifiedClaims))
            // JSON runtime / init-time data reach the policy as JSON-text String claims, for JmesPath.
            if let runtimeJSON { incoming.append(Claim(type: "x-ms-runtime", value: .string(runtimeJSON.serialized(.maa)))) }
            if let initTimeJSON { incoming.append(Claim(type: "x-ms-inittime", value: .string(initTimeJSON.serialized(.maa)))) }
            evaluation = try policy.evaluate(incoming)
        } catch {
            throw ServiceError(.policyEvaluationError, error.description)
        }
        guard evaluation.isPermitted else {
            throw ServiceError(.policyEvaluationError, evaluation.refusalMessage ?? "the policy did not permit the attestation")
        }

        // 6. Token claims.
        var claims = ClaimConversion.tokenClaims(verifiedClaims)
        claims["x-ms-ver"] = "1.0"
        claims["x-ms-attestation-type"] = attestationType
        claims["x-ms-policy-hash"] = .string(policy.hash)
        if let runtimeJSON { claims["x-ms-runtime"] = runtimeJSON }
        if let initTimeJSON { claims["x-ms-inittime"] = initTimeJSON }
        if let nonce = request.nonce { claims["nonce"] = .string(nonce) }
        if let policySigner {
            claims["x-ms-policy-signer"] = ["kty": "RSA", "x5c": .array(policySigner.map { .string($0) })]
        }
        for reserved in ["iss", "iat", "nbf", "exp", "jti"] { claims[reserved] = nil }
        ClaimConversion.merge(issued: evaluation.issuedClaims, into: &claims)

        var lifetime = TokenIssuer.attestationLifetime
        if let minutes = evaluation.properties["report_validity_in_minutes"]?.integerValue, minutes > 0 {
            lifetime = min(lifetime, minutes * 60)
        }
        let key = try await activeSigningKey(for: instance)
        if draft != nil {
            return tokens.unsecured(claims, issuer: url(of: instance), key: key, now: now, lifetime: lifetime)
        }
        return try tokens.sign(claims, issuer: url(of: instance), key: key, now: now, lifetime: lifetime, tokenID: true)
    }

    /// The TCB evaluation data number a policy's `x-ms-sgx-tcbidentifier` names: `nil` for `azuredefault` (the
    /// newest collateral current at the verification time), else the number itself.
    static func tcbBaseline(of policy: AttestationPolicy) throws(ServiceError) -> Int64? {
        let identifier = policy.configuration.sgxTCBIdentifier
        if identifier == "azuredefault" { return nil }
        guard let number = Int64(identifier), number > 0 else {
            throw .invalidParameter("unknown x-ms-sgx-tcbidentifier '\(identifier)' (use azuredefault or a TCB evaluation data number)")
        }
        return number
    }

    /// Parses JSON runtime or init-time data; it must be a JSON object.
    static func boundJSON(_ bytes: [UInt8], member: String) throws(ServiceError) -> JSONValue {
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes, options: JSONParsingOptions(maxDepth: 32, maxInputBytes: 1 << 20)) } catch {
            throw .invalidParameter("\(member) of type JSON is not valid JSON: \(error.reason)")
        }
        guard value.objectValue != nil else { throw .invalidParameter("\(member) of type JSON must be a JSON object") }
        return value
    }
}
