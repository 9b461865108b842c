import MAAJOSE
import _CryptoExtras

/// Which RSA implementation signs tokens.
public enum RSASigningBackend: String, Sendable, CaseIterable {
    /// The system OpenSSL 3 when it loads and passes the self-test, else swift-crypto (the default).
    case automatic
    /// Always swift-crypto's BoringSSL.
    case boringSSL = "boringssl"
}

/// An instance's RS256 token-signing key, signing with the fastest available implementation.
///
/// RSASSA-PKCS1-v1_5 is deterministic, so every implementation must produce the same bytes: a key backed by the
/// system OpenSSL is used only after it signed a test message byte-identically to swift-crypto.
public struct TokenSigningKey: Sendable {
    private enum Backing: Sendable {
        case boringSSL(JWSSigningKey)
        case systemOpenSSL(SystemOpenSSLRSAKey)
    }

    private let backing: Backing

    /// Loads the private key of `record` for `backend`.
    public init(record: SigningKeyRecord, backend: RSASigningBackend = .automatic) throws {
        let privateKey = try SigningKeyFactory.privateKey(of: record)
        let portable = try JWSSigningKey(rsa: privateKey)
        backing = Self.accelerated(privateKey, portable: portable, backend: backend).map(Backing.systemOpenSSL) ?? .boringSSL(portable)
    }

    /// `"openssl"` or `"boringssl"`: which implementation signs.
    public var implementationName: String {
        switch backing {
        case .boringSSL: "boringssl"
        case .systemOpenSSL: "openssl"
        }
    }

    /// A human-readable name of what signs under `backend`, e.g. `OpenSSL 3.0.19 (system libcrypto)`.
    public static func implementationDescription(for backend: RSASigningBackend) -> String {
        guard backend == .automatic, let library = SystemOpenSSL.shared else { return "swift-crypto (BoringSSL)" }
        let version = library.version
        return "OpenSSL \(version >> 28).\((version >> 20) & 0xff).\((version >> 4) & 0xff) (system libcrypto)"
    }

    /// The RS256 signature of `message`.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        switch backing {
        case .boringSSL(let key):
            return try key.sign(message)
        case .systemOpenSSL(let key):
            guard let signature = message.withUnsafeBytes({ key.sign($0) }) else {
                throw ServiceError.storage("the system OpenSSL failed to sign a token")
            }
            return signature
        }
    }

    private static func accelerated(
        _ privateKey: _RSA.Signing.PrivateKey, portable: JWSSigningKey, backend: RSASigningBackend
    ) -> SystemOpenSSLRSAKey? {
        guard backend == .automatic, let library = SystemOpenSSL.shared,
            let key = SystemOpenSSLRSAKey(
                derRepresentation: Array(privateKey.derRepresentation),
                signatureLength: privateKey.keySizeInBits / 8,
                library: library
            )
        else { return nil }
        let probe = Array("token-signing self-test".utf8)
        guard let expected = try? portable.sign(probe), probe.withUnsafeBytes({ key.sign($0) }) == expected else { return nil }
        return key
    }
}
