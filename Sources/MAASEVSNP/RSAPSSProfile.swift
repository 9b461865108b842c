import Crypto
import _CryptoExtras
import SwiftASN1

/// AMD's certificate and CRL signature: RSASSA-PSS with SHA-384, MGF1-SHA-384, salt length 48, trailer field 1
/// (§3.1), checked exactly and verified over the raw signed bytes.
enum RSAPSSProfile {
    static let rsassaPSS = "1.2.840.113549.1.1.10"
    static let sha384 = "2.16.840.1.101.3.4.2.2"
    static let mgf1 = "1.2.840.113549.1.1.8"

    /// Whether an AlgorithmIdentifier is exactly AMD's RSASSA-PSS profile. The hash AlgorithmIdentifiers may carry
    /// an explicit NULL (AMD's do) or no parameters; the trailer field may be encoded (as AMD does) or omitted.
    static func matches(_ algorithm: AMDCertificate.AlgorithmIdentifier) -> Bool {
        guard algorithm.oid == rsassaPSS, let parameters = algorithm.parameters else { return false }
        do {
            let fields = try DERNodes.children(try DER.parse(parameters), .sequence, limit: 4)
            guard fields.count == 3 || fields.count == 4 else { return false }
            guard fields[0].identifier == DERNodes.contextTag(0),
                try isSHA384(try DERNodes.explicit(fields[0], 0)),
                fields[1].identifier == DERNodes.contextTag(1)
            else { return false }
            let mgf = try DERNodes.children(try DERNodes.explicit(fields[1], 1), .sequence)
            guard mgf.count == 2, try ASN1ObjectIdentifier(derEncoded: mgf[0]).description == mgf1, try isSHA384(mgf[1])
            else { return false }
            guard fields[2].identifier == DERNodes.contextTag(2),
                try Int(derEncoded: try DERNodes.explicit(fields[2], 2)) == 48
            else { return false }
            if fields.count == 4 {
                guard fields[3].identifier == DERNodes.contextTag(3),
                    try Int(derEncoded: try DERNodes.explicit(fields[3], 3)) == 1
                else { return false }
            }
            return true
        } catch {
            return false
        }
    }

    private static func isSHA384(_ node: ASN1Node) throws -> Bool {
        let parts = try DERNodes.children(node, .sequence)
        guard parts.count == 1 || parts.count == 2 else { return false }
        if parts.count == 2 { _ = try ASN1Null(derEncoded: parts[1]) }
        return try ASN1ObjectIdentifier(derEncoded: parts[0]).description == sha384
    }

    /// Whether `signature` is a valid RSASSA-PSS/SHA-384 signature of `message` under `key` (swift-crypto's `.PSS`
    /// uses MGF1 with the digest's hash and a salt as long as the digest: 48 bytes, AMD's choice).
    static func isValid(signature: [UInt8], message: [UInt8], key: _RSA.Signing.PublicKey) -> Bool {
        key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA384.hash(data: message), padding: .PSS
        )
    }
}
