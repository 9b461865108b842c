import MAAJOSE
import MAAWire

/// The round-2 request of the TPM protocol: a compact JWS (`typ` `attReq` or `attReqV2`) signed by a key the
/// payload itself names, whose payload carries the challenge and service context of round 1 and the TPM evidence
/// (`../shared/docs/tpm-protocol.md` §2.5, §2.6, §2.9 steps 1–3).
///
/// This type reads the envelope of that request — version, attestation type, challenge, service context and the
/// signing key — and checks the signature. The TPM evidence itself is read by the evidence verifier.
struct TPMRequestMessage: Sendable {
    enum Version: Sendable, Equatable { case v1, v2 }

    /// The algorithms a request may be signed with: PS256 for RSA keys, ES256/ES384 for EC keys (§9 Q7).
    static let allowedAlgorithms: Set<JWSAlgorithm> = [.ps256, .es256, .es384]

    let jws: JWS
    let version: Version
    /// `basic` (TPM) or `vbs` (TPM + VBS enclave).
    let attestationType: String
    /// The signed attestation data: `att_data`, or `att_data.report_signed` for `vbs`.
    let signedData: JSONObject
    /// The challenge as sent (base64url text) and decoded.
    let challenge: [UInt8]
    /// The `service_context` text, unchanged from round 1.
    let serviceContext: String
    /// The key that must have signed the JWS: `attest_key` (v1) or `request_key.jwk` (v2).
    let signingKey: JWK

    init(compact: String) throws(ServiceError) {
        do {
            jws = try JWS(compact: compact, maximumLength: TPMProtocolMessage.maximumLength)
        } catch {
            throw .invalidParameter("the TPM request is not a compact JWS: \(error.reason)")
        }
        guard let algorithm = jws.algorithm, Self.allowedAlgorithms.contains(algorithm) else {
            throw .invalidParameter("the TPM request must be signed with PS256, ES256 or ES384, not \"\(jws.algorithmName)\"")
        }
        let payload: JSONValue?
        do {
            payload = try jws.payloadJSON(options: JSONParsingOptions(maxDepth: 32, maxInputBytes: TPMProtocolMessage.maximumLength))
        } catch {
            throw .invalidParameter("the TPM request payload is not valid JSON: \(error.reason)")
        }
        guard let payload = payload?.objectValue else {
            throw .invalidParameter("the TPM request payload must be a JSON object")
        }
        guard let type = payload["att_type"]?.stringValue, type == "basic" || type == "vbs" else {
            throw .invalidParameter("att_type must be \"basic\" or \"vbs\"")
        }
        attestationType = type
        guard let attData = payload["att_data"]?.objectValue else {
            throw .invalidParameter("the TPM request payload has no att_data object")
        }
        if type == "vbs" {
            guard let reportSigned = attData["report_signed"]?.objectValue else {
                throw .invalidParameter("a vbs request needs att_data.report_signed")
            }
            guard attData["vsm_report"]?.stringValue != nil else {
                throw .invalidParameter("a vbs request needs att_data.vsm_report")
            }
            signedData = reportSigned
        } else {
            signedData = attData
        }

        switch jws.type {
        case "attReq": version = .v1
        case "attReqV2": version = .v2
        case nil:
            let tpmData = signedData["tpm_att_data"]?.objectValue
            version = tpmData?["current_attestation"] != nil ? .v2 : .v1
        case let other?:
            throw .invalidParameter("unknown TPM request typ \"\(other)\" (expected attReq or attReqV2)")
        }

        guard let challengeText = signedData["challenge"]?.stringValue,
            let challenge = try? Base64.decode(challengeText, alphabet: .url)
        else { throw .invalidParameter("the TPM request has no base64url challenge") }
        self.challenge = challenge
        guard let context = signedData["service_context"]?.stringValue else {
            throw .invalidParameter("the TPM request has no service_context")
        }
        serviceContext = context

        let keyJSON: JSONObject?
        switch version {
        case .v1: keyJSON = signedData["attest_key"]?.objectValue
        case .v2: keyJSON = signedData["request_key"]?["jwk"]?.objectValue
        }
        guard let keyJSON else {
            throw .invalidParameter(version == .v1 ? "the TPM request has no attest_key JWK" : "the TPM request has no request_key.jwk")
        }
        guard keyJSON["x5c"] == nil else {
            throw .invalidParameter("the TPM request key must be a bare public JWK (no x5c)")
        }
        do { signingKey = try JWK(json: keyJSON) } catch {
            throw .invalidParameter("the TPM request key is not a valid JWK: \(error.reason)")
        }
    }

    /// Checks that the JWS is signed by ``signingKey``: proof of possession only (§2.9 step 5).
    func verifySignature() throws(ServiceError) {
        do {
            try jws.verifySignature(using: try signingKey.verificationKey(), allowedAlgorithms: Self.allowedAlgorithms)
        } catch {
            throw .invalidParameter("the TPM request signature does not verify with its request key: \(error.reason)")
        }
    }
}
