import Crypto
import MAAWire

/// A trusted policy-management (signer) certificate of an isolated instance.
public struct PolicySigner: Sendable, Hashable, Codable {
    /// The DER-encoded X.509 certificate.
    public var certificateDER: [UInt8]
    /// MAA's thumbprint: upper-case hex SHA-1 of the DER.
    public var thumbprint: String
    /// Unix seconds when it was added.
    public var addedAt: Int64

    public init(certificateDER: [UInt8], addedAt: Int64) {
        self.certificateDER = certificateDER
        self.thumbprint = PolicySigner.thumbprint(of: certificateDER)
        self.addedAt = addedAt
    }

    /// Upper-case hex SHA-1 of a DER certificate, as in `x-ms-certificate-thumbprint`.
    public static func thumbprint(of der: [UInt8]) -> String {
        Hex.encodeUppercase(Insecure.SHA1.hash(data: der))
    }
}
