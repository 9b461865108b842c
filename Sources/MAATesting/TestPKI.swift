import Crypto
import Foundation
import MAAJOSE
import SwiftASN1
import X509
import _CryptoExtras

/// Keys and certificates generated in tests (never real trust anchors).
public enum TestPKI {
    /// A fresh RSA-2048 key with a self-signed certificate naming `commonName`.
    public static func rsaSigner(commonName: String = "CN=test signer") throws -> (key: _RSA.Signing.PrivateKey, certificate: Certificate, der: [UInt8]) {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let certificate = try selfSigned(commonName: commonName, key: Certificate.PrivateKey(key), algorithm: .sha256WithRSAEncryption)
        return (key, certificate, try der(certificate))
    }

    /// A fresh P-256 key with a self-signed certificate.
    public static func p256Signer(commonName: String = "test EC signer") throws -> (key: P256.Signing.PrivateKey, certificate: Certificate, der: [UInt8]) {
        let key = P256.Signing.PrivateKey()
        let certificate = try selfSigned(commonName: commonName, key: Certificate.PrivateKey(key), algorithm: .ecdsaWithSHA256)
        return (key, certificate, try der(certificate))
    }

    /// A self-signed CA certificate valid from 2020 to 2050.
    public static func selfSigned(commonName: String, key: Certificate.PrivateKey, algorithm: Certificate.SignatureAlgorithm) throws -> Certificate {
        let name = try DistinguishedName { CommonName(commonName) }
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: Date(timeIntervalSince1970: 1_577_836_800),
            notValidAfter: Date(timeIntervalSince1970: 2_524_608_000),
            issuer: name,
            subject: name,
            signatureAlgorithm: algorithm,
            extensions: try Certificate.Extensions { Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil)) },
            issuerPrivateKey: key)
    }

    /// The DER encoding of a certificate.
    public static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}
