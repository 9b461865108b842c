public import Crypto
public import _CryptoExtras
public import X509
import MAAWire

/// A public key that verifies JWS signatures: RSA (2048 bits or more), P-256 or P-384.
///
/// The key fixes which algorithms it verifies: RSA keys verify RS256 and PS256, P-256 keys ES256, P-384 keys ES384.
public struct JWSVerificationKey: Sendable {
    // swift-crypto's key types are immutable values over BoringSSL handles that are safe to share across threads,
    // but are not (yet) declared Sendable.
    enum Backing: @unchecked Sendable {
        case rsa(_RSA.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
    }

    let backing: Backing

    /// The smallest RSA modulus accepted, in bits.
    public static let minimumRSAKeySize = 2048

    /// An RSA public key. Rejects moduli shorter than 2048 bits.
    public init(rsa key: _RSA.Signing.PublicKey) throws(JOSEError) {
        guard key.keySizeInBits >= Self.minimumRSAKeySize else {
            throw JOSEError(.invalidKey, "RSA key of \(key.keySizeInBits) bits is shorter than \(Self.minimumRSAKeySize)")
        }
        backing = .rsa(key)
    }

    /// A P-256 public key.
    public init(p256 key: P256.Signing.PublicKey) { backing = .p256(key) }

    /// A P-384 public key.
    public init(p384 key: P384.Signing.PublicKey) { backing = .p384(key) }

    /// The subject public key of an X.509 certificate.
    public init(certificate: Certificate) throws(JOSEError) {
        try self.init(certificatePublicKey: certificate.publicKey)
    }

    /// An X.509 subject public key.
    public init(certificatePublicKey key: Certificate.PublicKey) throws(JOSEError) {
        if let rsa = _RSA.Signing.PublicKey(key) {
            try self.init(rsa: rsa)
        } else if let p256 = P256.Signing.PublicKey(key) {
            self.init(p256: p256)
        } else if let p384 = P384.Signing.PublicKey(key) {
            self.init(p384: p384)
        } else {
            throw JOSEError(.invalidKey, "unsupported certificate key type")
        }
    }

    /// Whether this key verifies signatures made with `algorithm`.
    public func supports(_ algorithm: JWSAlgorithm) -> Bool {
        switch (backing, algorithm) {
        case (.rsa, .rs256), (.rsa, .ps256), (.p256, .es256), (.p384, .es384): true
        default: false
        }
    }

    /// The JWK `kty` of this key (`RSA` or `EC`).
    public var keyType: String {
        switch backing {
        case .rsa: "RSA"
        case .p256, .p384: "EC"
        }
    }

    /// The DER SubjectPublicKeyInfo of this key.
    public var subjectPublicKeyInfo: [UInt8] {
        switch backing {
        case .rsa(let key): Array(key.derRepresentation)
        case .p256(let key): Array(key.derRepresentation)
        case .p384(let key): Array(key.derRepresentation)
        }
    }

    /// Checks `signature` over `data` with `algorithm`.
    ///
    /// - Returns: whether the signature is valid.
    /// - Throws: `algorithmKeyMismatch` when the algorithm does not fit the key type (the key decides, not the token).
    public func isValidSignature(
        _ signature: [UInt8],
        for data: UnsafeRawBufferPointer,
        algorithm: JWSAlgorithm
    ) throws(JOSEError) -> Bool {
        guard supports(algorithm) else {
            throw JOSEError(.algorithmKeyMismatch, "algorithm \(algorithm.rawValue) does not fit a \(keyType) key")
        }
        switch backing {
        case .rsa(let key):
            let digest = SHA256.hash(data: data)
            let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
            let padding: _RSA.Signing.Padding = algorithm == .ps256 ? .PSS : .insecurePKCS1v1_5
            return key.isValidSignature(rsaSignature, for: digest, padding: padding)
        case .p256(let key):
            guard signature.count == 64, let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else {
                return false
            }
            return key.isValidSignature(ecdsa, for: SHA256.hash(data: data))
        case .p384(let key):
            guard signature.count == 96, let ecdsa = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else {
                return false
            }
            return key.isValidSignature(ecdsa, for: SHA384.hash(data: data))
        }
    }

    /// Checks `signature` over `data` with `algorithm`.
    public func isValidSignature(_ signature: [UInt8], for data: [UInt8], algorithm: JWSAlgorithm) throws(JOSEError) -> Bool {
        let result: Result<Bool, JOSEError> = data.withUnsafeBytes { buffer in
            do throws(JOSEError) {
                return .success(try isValidSignature(signature, for: buffer, algorithm: algorithm))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

extension JWK {
    /// A bare public JWK (`kty` with `n`/`e` for RSA, `crv`/`x`/`y` for EC), without certificates.
    public init(publicKey key: JWSVerificationKey, keyID: String? = nil) throws(JOSEError) {
        var object = JSONObject()
        object["kty"] = .string(key.keyType)
        if let keyID { object["kid"] = .string(keyID) }
        switch key.backing {
        case .rsa(let rsa):
            let primitives: _RSA.Signing.PublicKey.Primitives
            do { primitives = try rsa.getKeyPrimitives() } catch {
                throw JOSEError(.invalidKey, "cannot read the RSA key: \(error)")
            }
            object["n"] = .string(Base64.urlEncoded(Array(primitives.modulus)))
            object["e"] = .string(Base64.urlEncoded(Array(primitives.publicExponent)))
        case .p256(let ec):
            let raw = Array(ec.rawRepresentation)
            object["crv"] = "P-256"
            object["x"] = .string(Base64.urlEncoded(raw[0..<32]))
            object["y"] = .string(Base64.urlEncoded(raw[32...]))
        case .p384(let ec):
            let raw = Array(ec.rawRepresentation)
            object["crv"] = "P-384"
            object["x"] = .string(Base64.urlEncoded(raw[0..<48]))
            object["y"] = .string(Base64.urlEncoded(raw[48...]))
        }
        try self.init(json: object)
    }
}
