import MAAWire
public import X509
import SwiftASN1

/// The key and certificate chain (leaf first) that sign policy and policy-signer tokens for an isolated MAA instance.
public struct PolicyTokenSigner: Sendable {
    /// The signing key; its public key must be the leaf certificate's.
    public let key: JWSSigningKey
    /// The certificate chain as DER, leaf first.
    public let certificateChainDER: [[UInt8]]

    /// Pairs a key with its certificate chain. Fails when the leaf certificate's key is not the key's public key.
    public init(key: JWSSigningKey, certificateChainDER: [[UInt8]]) throws(JOSEError) {
        guard let leafDER = certificateChainDER.first else { throw JOSEError(.invalidKey, "empty certificate chain") }
        let leaf: Certificate
        do { leaf = try Certificate(derEncoded: leafDER) } catch {
            throw JOSEError(.invalidKey, "the signing certificate is not valid DER: \(error)")
        }
        guard try JWSVerificationKey(certificate: leaf).subjectPublicKeyInfo == key.publicKey.subjectPublicKeyInfo else {
            throw JOSEError(.invalidKey, "the signing certificate does not hold the signing key's public key")
        }
        self.key = key
        self.certificateChainDER = certificateChainDER
    }

    /// Pairs a key with a chain of parsed certificates.
    public init(key: JWSSigningKey, certificateChain: [Certificate]) throws(JOSEError) {
        var der: [[UInt8]] = []
        for certificate in certificateChain {
            var serializer = DER.Serializer()
            do { try serializer.serialize(certificate) } catch { throw JOSEError(.invalidKey, "\(error)") }
            der.append(serializer.serializedBytes)
        }
        try self.init(key: key, certificateChainDER: der)
    }
}

/// The byte layout of the policy JWS a client sends.
public enum PolicyTokenStyle: Sendable {
    /// As the official Python SDK builds them: `json.dumps` formatting, `alg` `RSA256`/`ECDH256`, the leaf certificate
    /// in `jwk.x5c`; unsigned tokens use the header `{"alg":"none"}`. Byte-compatible with the recordings.
    case pythonSDK
    /// As the .NET SDK builds them: compact JSON, `alg` `RSA256`/`ECDH256`, the chain in a top-level `x5c`.
    case dotNetSDK
    /// Standard JOSE: compact JSON with sorted keys, standard `alg` names, the chain in a top-level `x5c`.
    case standard
}

/// Builds and reads the JWS forms of MAA's policy management API (wire contract §5).
public enum PolicyTokens {
    /// The payload member that carries the base64url policy text.
    public static let policyMember = "AttestationPolicy"

    /// A set-policy token: payload `{"AttestationPolicy": BASE64URL(UTF-8 policy)}`, unsigned when `signer` is nil.
    public static func setPolicy(_ policyText: String, signer: PolicyTokenSigner?, style: PolicyTokenStyle = .pythonSDK) throws(JOSEError) -> JWS {
        let body: JSONValue = [policyMember: .string(Base64.urlEncoded(Array(policyText.utf8)))]
        return try make(payload: body.serializedBytes(payloadSerialization(style)), signer: signer, style: style)
    }

    /// A reset-policy token: an empty payload, unsigned when `signer` is nil.
    public static func resetPolicy(signer: PolicyTokenSigner?, style: PolicyTokenStyle = .pythonSDK) throws(JOSEError) -> JWS {
        try make(payload: [], signer: signer, style: style)
    }

    /// An add/remove policy-management-certificate token: payload `{"policyCertificate": {"kty": …, "x5c": [cert]}}`,
    /// always signed by an existing policy signer.
    public static func policyCertificate(_ certificateDER: [UInt8], signer: PolicyTokenSigner, style: PolicyTokenStyle = .pythonSDK) throws(JOSEError) -> JWS {
        // The Python SDK hard-codes kty "RSA" even for EC certificates; the standard style names the real type.
        var keyType = "RSA"
        if style == .standard {
            let jwk = try JWK(certificateChainDER: [certificateDER])
            keyType = jwk.keyType
        }
        let body: JSONValue = ["policyCertificate": ["kty": .string(keyType), "x5c": [.string(Base64.standardEncoded(certificateDER))]]]
        return try make(payload: body.serializedBytes(payloadSerialization(style)), signer: signer, style: style)
    }

    private static func payloadSerialization(_ style: PolicyTokenStyle) -> JSONValue.SerializationOptions {
        switch style {
        case .pythonSDK: .python
        case .dotNetSDK: .preservingOrder
        case .standard: .maa
        }
    }

    private static func make(payload: [UInt8], signer: PolicyTokenSigner?, style: PolicyTokenStyle) throws(JOSEError) -> JWS {
        guard let signer else {
            // The Python SDK's hard-coded prefix is exactly {"alg":"none"}.
            return JWS.unsecured(header: ["alg": "none"], payload: payload, headerSerialization: .maa)
        }
        let x5c: JSONValue
        var header = JSONObject()
        switch style {
        case .pythonSDK:
            x5c = .array([.string(Base64.standardEncoded(signer.certificateChainDER[0]))])
            header["alg"] = .string(signer.key.algorithm.maaSDKName)
            header["jwk"] = ["x5c": x5c]
            return try JWS.sign(header: header, payload: payload, key: signer.key, algorithmName: signer.key.algorithm.maaSDKName,
                                headerSerialization: .python)
        case .dotNetSDK:
            header["alg"] = .string(signer.key.algorithm.maaSDKName)
            header["x5c"] = .array(signer.certificateChainDER.map { .string(Base64.standardEncoded($0)) })
            return try JWS.sign(header: header, payload: payload, key: signer.key, algorithmName: signer.key.algorithm.maaSDKName,
                                headerSerialization: .preservingOrder)
        case .standard:
            header["x5c"] = .array(signer.certificateChainDER.map { .string(Base64.standardEncoded($0)) })
            return try JWS.sign(header: header, payload: payload, key: signer.key)
        }
    }

    /// The policy text of a set-policy token: the UTF-8 decoding of its `AttestationPolicy` member.
    ///
    /// - Returns: `nil` for an empty payload (a reset token).
    public static func policyText(of jws: JWS) throws(JOSEError) -> String? {
        guard let payload = try jws.payloadJSON() else { return nil }
        guard let encoded = payload[policyMember]?.stringValue else {
            throw JOSEError(.malformed, "the policy token has no string \"\(policyMember)\" member")
        }
        let bytes: [UInt8]
        do { bytes = try Base64.decode(encoded, alphabet: .url) } catch {
            throw JOSEError(.malformed, "\"\(policyMember)\" is not base64url: \(error.reason)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw JOSEError(.malformed, "the policy is not valid UTF-8")
        }
        return text
    }

    /// The certificate chain (DER, leaf first) a signed policy token carries in its header, in a top-level `x5c`
    /// (.NET style) or in `jwk.x5c` (Python style). Empty when there is none.
    ///
    /// - Warning: the chain is the sender's claim. Use ``verifiedSigner(of:)`` to check the signature, then decide
    ///   yourself whether the certificate is trusted.
    public static func embeddedCertificateChainDER(of jws: JWS) throws(JOSEError) -> [[UInt8]] {
        let x5c: JSONValue
        if let topLevel = jws.header["x5c"] {
            x5c = topLevel
        } else if let nested = jws.header["jwk"]?["x5c"] {
            x5c = nested
        } else {
            return []
        }
        guard let entries = x5c.arrayValue else { throw JOSEError(.malformed, "x5c is not an array") }
        var chain: [[UInt8]] = []
        for entry in entries {
            guard let text = entry.stringValue else { throw JOSEError(.malformed, "x5c entry is not a string") }
            do { chain.append(try Base64.decode(text, alphabet: .standard)) } catch {
                throw JOSEError(.malformed, "x5c entry is not standard base64")
            }
        }
        return chain
    }

    /// Verifies a signed policy token with the leaf certificate it carries and returns that chain (DER, leaf first).
    /// Trust is not decided here: the caller must check that the chain reaches a policy signer it trusts.
    public static func verifiedSigner(of jws: JWS) throws(JOSEError) -> [[UInt8]] {
        let chain = try embeddedCertificateChainDER(of: jws)
        guard let leafDER = chain.first else { throw JOSEError(.invalidKey, "the signed policy token carries no x5c certificate") }
        let leaf: Certificate
        do { leaf = try Certificate(derEncoded: leafDER) } catch {
            throw JOSEError(.invalidKey, "the x5c certificate is not valid: \(error)")
        }
        try jws.verifySignature(using: JWSVerificationKey(certificate: leaf))
        return chain
    }
}
