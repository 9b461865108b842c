/// One token-signing key of an instance: an RSA-2048 key and its self-signed certificate.
public struct SigningKeyRecord: Sendable, Hashable, Codable {
    /// The key id published in `/certs` and put in token headers.
    public var kid: String
    /// PKCS#8 DER of the private key. Stored in the data directory, which is created owner-only.
    public var privateKeyDER: [UInt8]
    /// DER of the self-signed certificate whose subject CN is ``subjectURL``.
    public var certificateDER: [UInt8]
    /// The instance URL the certificate names.
    public var subjectURL: String
    /// Unix seconds at creation.
    public var createdAt: Int64
    /// Unix seconds when it stopped signing; `nil` for the active key. A retired key stays published until
    /// every token it signed has expired.
    public var retiredAt: Int64?

    public init(
        kid: String,
        privateKeyDER: [UInt8],
        certificateDER: [UInt8],
        subjectURL: String,
        createdAt: Int64,
        retiredAt: Int64? = nil
    ) {
        self.kid = kid
        self.privateKeyDER = privateKeyDER
        self.certificateDER = certificateDER
        self.subjectURL = subjectURL
        self.createdAt = createdAt
        self.retiredAt = retiredAt
    }
}
