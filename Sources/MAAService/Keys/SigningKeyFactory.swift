import Crypto
import MAAWire
import SwiftASN1
import X509
import _CryptoExtras

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Creates per-instance token-signing keys: RSA-2048 with a self-signed certificate whose subject CN is the
/// instance URL, as MAA publishes in `/certs`.
public enum SigningKeyFactory {
    /// How long the self-signed certificate is valid (about 25 years; MAA's run from 2019 to 2050).
    public static let certificateLifetime: TimeInterval = 25 * 365 * 24 * 3600

    /// Generates a new key and certificate for `instanceURL`, created at Unix time `now`.
    public static func make(instanceURL: String, now: Int64) throws -> SigningKeyRecord {
        try make(instanceURL: instanceURL, now: now, key: try _RSA.Signing.PrivateKey(keySize: .bits2048))
    }

    /// Wraps an existing RSA key in a new self-signed certificate for `instanceURL`.
    public static func make(instanceURL: String, now: Int64, key rsa: _RSA.Signing.PrivateKey) throws -> SigningKeyRecord {
        let privateKey = Certificate.PrivateKey(rsa)
        let name = try DistinguishedName { CommonName(instanceURL) }
        let notBefore = Date(timeIntervalSince1970: TimeInterval(now) - 3600)
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: privateKey.publicKey,
            notValidBefore: notBefore,
            notValidAfter: notBefore.addingTimeInterval(certificateLifetime),
            issuer: name,
            subject: name,
            signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
            },
            issuerPrivateKey: privateKey
        )
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let certificateDER = serializer.serializedBytes
        return SigningKeyRecord(
            kid: kid(forCertificateDER: certificateDER),
            privateKeyDER: Array(rsa.derRepresentation),
            certificateDER: certificateDER,
            subjectURL: instanceURL,
            createdAt: now
        )
    }

    /// The key id: standard base64 of SHA-256 of the certificate DER (the shape of MAA's instance key ids).
    public static func kid(forCertificateDER der: [UInt8]) -> String {
        Base64.standardEncoded(SHA256.hash(data: der))
    }

    /// Loads the RSA private key of a stored record.
    public static func privateKey(of record: SigningKeyRecord) throws -> _RSA.Signing.PrivateKey {
        try _RSA.Signing.PrivateKey(derRepresentation: record.privateKeyDER)
    }
}
