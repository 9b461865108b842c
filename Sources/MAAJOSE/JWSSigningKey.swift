public import Crypto
public import _CryptoExtras
import MAAWire

/// A private key that signs JWS: RSA (RS256 or PS256), P-256 (ES256) or P-384 (ES384).
///
/// RS256 signatures are deterministic, so identical input gives byte-identical tokens.
public struct JWSSigningKey: Sendable {
    // swift-crypto's key types are immutable values over BoringSSL handles that are safe to share across threads,
    // but are not (yet) declared Sendable.
    enum Backing: @unchecked Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
    }

    let backing: Backing
    /// The algorithm this key signs with.
    public let algorithm: JWSAlgorithm

    /// An RSA key signing with RS256 (default) or PS256.
    public init(rsa key: _RSA.Signing.PrivateKey, algorithm: JWSAlgorithm = .rs256) throws(JOSEError) {
        guard algorithm == .rs256 || algorithm == .ps256 else {
            throw JOSEError(.algorithmKeyMismatch, "an RSA key cannot sign \(algorithm.rawValue)")
        }
        guard key.keySizeInBits >= JWSVerificationKey.minimumRSAKeySize else {
            throw JOSEError(.invalidKey, "RSA key of \(key.keySizeInBits) bits is too short")
        }
        backing = .rsa(key)
        self.algorithm = algorithm
    }

    /// A P-256 key signing with ES256.
    public init(p256 key: P256.Signing.PrivateKey) {
        backing = .p256(key)
        algorithm = .es256
    }

    /// A P-384 key signing with ES384.
    public init(p384 key: P384.Signing.PrivateKey) {
        backing = .p384(key)
        algorithm = .es384
    }

    /// A key from PEM (PKCS#1 or PKCS#8 RSA, SEC1 or PKCS#8 EC). RSA keys sign RS256, EC keys ES256/ES384.
    public init(pemRepresentation pem: String) throws(JOSEError) {
        if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            try self.init(rsa: key)
        } else if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            self.init(p256: key)
        } else if let key = try? P384.Signing.PrivateKey(pemRepresentation: pem) {
            self.init(p384: key)
        } else {
            throw JOSEError(.invalidKey, "the PEM is not an RSA, P-256 or P-384 private key")
        }
    }

    /// The matching public key.
    public var publicKey: JWSVerificationKey {
        switch backing {
        case .rsa(let key): JWSVerificationKey(backing: .rsa(key.publicKey))
        case .p256(let key): JWSVerificationKey(p256: key.publicKey)
        case .p384(let key): JWSVerificationKey(p384: key.publicKey)
        }
    }

    /// Signs `data` with ``algorithm``, returning the JWS signature bytes (raw `r‖s` for ECDSA).
    public func sign(_ data: [UInt8]) throws(JOSEError) -> [UInt8] {
        do {
            switch backing {
            case .rsa(let key):
                let padding: _RSA.Signing.Padding = algorithm == .ps256 ? .PSS : .insecurePKCS1v1_5
                return Array(try key.signature(for: SHA256.hash(data: data), padding: padding).rawRepresentation)
            case .p256(let key):
                return Array(try key.signature(for: SHA256.hash(data: data)).rawRepresentation)
            case .p384(let key):
                return Array(try key.signature(for: SHA384.hash(data: data)).rawRepresentation)
            }
        } catch {
            throw JOSEError(.signingFailed, "signing failed: \(error)")
        }
    }
}

extension JWSVerificationKey {
    init(backing: Backing) { self.backing = backing }
}

extension JWS {
    /// Signs `payload` under `header`, whose `alg` member is set to the key's algorithm (or to `algorithmName`, e.g.
    /// MAA's `RSA256` alias, when given). The header is serialized with `headerSerialization`; the result is
    /// deterministic for RSA keys.
    public static func sign(
        header: JSONObject,
        payload: [UInt8],
        key: JWSSigningKey,
        algorithmName: String? = nil,
        headerSerialization: JSONValue.SerializationOptions = .maa
    ) throws(JOSEError) -> JWS {
        var header = header
        if let algorithmName {
            guard JWSAlgorithm(headerValue: algorithmName) == key.algorithm else {
                throw JOSEError(.algorithmKeyMismatch, "\(algorithmName) does not name the key's algorithm")
            }
            header["alg"] = .string(algorithmName)
        } else {
            header["alg"] = .string(key.algorithm.rawValue)
        }
        let headerBytes = JSONValue.object(header).serializedBytes(headerSerialization)
        let signingInput = Base64.urlEncoded(headerBytes) + "." + Base64.urlEncoded(payload)
        let signature = try key.sign(Array(signingInput.utf8))
        return JWS(headerBytes: headerBytes, header: header, payload: payload, signingInput: signingInput, signature: signature)
    }

    /// Signs a JSON payload, serialized compactly with sorted keys as MAA does.
    public static func sign(
        header: JSONObject,
        claims: JSONObject,
        key: JWSSigningKey,
        serialization: JSONValue.SerializationOptions = .maa
    ) throws(JOSEError) -> JWS {
        try sign(header: header, payload: JSONValue.object(claims).serializedBytes(serialization), key: key,
                 headerSerialization: serialization)
    }

    /// Builds an unsecured JWS (`alg: none`, empty signature): `BASE64URL(header).BASE64URL(payload).`
    public static func unsecured(
        header: JSONObject = JSONObject(),
        payload: [UInt8],
        headerSerialization: JSONValue.SerializationOptions = .maa
    ) -> JWS {
        var header = header
        header["alg"] = "none"
        let headerBytes = JSONValue.object(header).serializedBytes(headerSerialization)
        let signingInput = Base64.urlEncoded(headerBytes) + "." + Base64.urlEncoded(payload)
        return JWS(headerBytes: headerBytes, header: header, payload: payload, signingInput: signingInput, signature: [])
    }
}
