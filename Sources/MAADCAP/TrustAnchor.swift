public import Crypto
import Foundation
import X509

/// The pinned root key every DCAP chain must end in.
///
/// The default is the Intel SGX Root CA's P-256 key (both issued root certificates carry it). The key is pinned,
/// not the certificate, so quotes embedding the 2033-expiry root certificate verify too. Tests may pin a key of
/// their own PKI.
public struct TrustAnchor: Sendable, Hashable {
    /// The pinned root public key, raw x‖y (64 bytes).
    public let rawKey: [UInt8]
    /// The same key in swift-certificates' form.
    let certificateKey: Certificate.PublicKey

    /// Pins `rootKey`.
    public init(rootKey: P256.Signing.PublicKey) {
        self.rawKey = Array(rootKey.rawRepresentation)
        self.certificateKey = Certificate.PublicKey(rootKey)
    }

    /// Intel's SGX Root CA key (x‖y of `04 0ba9c4c0…ae7394`).
    public static let intel: TrustAnchor = {
        let x963: [UInt8] = [
            0x04, 0x0b, 0xa9, 0xc4, 0xc0, 0xc0, 0xc8, 0x61, 0x93, 0xa3, 0xfe, 0x23, 0xd6, 0xb0, 0x2c, 0xda, 0x10,
            0xa8, 0xbb, 0xd4, 0xe8, 0x8e, 0x48, 0xb4, 0x45, 0x85, 0x61, 0xa3, 0x6e, 0x70, 0x55, 0x25, 0xf5,
            0x67, 0x91, 0x8e, 0x2e, 0xdc, 0x88, 0xe4, 0x0d, 0x86, 0x0b, 0xd0, 0xcc, 0x4e, 0xe2, 0x6a, 0xac,
            0xc9, 0x88, 0xe5, 0x05, 0xa9, 0x53, 0x55, 0x8c, 0x45, 0x3f, 0x6b, 0x09, 0x04, 0xae, 0x73, 0x94,
        ]
        // A constant, valid P-256 point: construction cannot fail; fall back to a generated key only to avoid a
        // trap (it would then match no chain, failing closed).
        let key = (try? P256.Signing.PublicKey(x963Representation: x963)) ?? P256.Signing.PrivateKey().publicKey
        return TrustAnchor(rootKey: key)
    }()

    public static func == (lhs: TrustAnchor, rhs: TrustAnchor) -> Bool { lhs.rawKey == rhs.rawKey }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawKey) }
}
