/// One key of the `/certs` document, in MAA's exact shape `{"x5c":[…],"kid":"…","kty":"RSA"}`.
public struct SigningCertificateKey: Sendable, Hashable, Codable {
    /// Standard base64 (padded) DER certificates, leaf first.
    public var x5c: [String]
    public var kid: String
    public var kty: String

    public init(x5c: [String], kid: String, kty: String = "RSA") {
        self.x5c = x5c
        self.kid = kid
        self.kty = kty
    }
}

/// The `/certs` document.
public struct SigningCertificates: Sendable, Hashable, Codable {
    public var keys: [SigningCertificateKey]

    public init(keys: [SigningCertificateKey]) {
        self.keys = keys
    }
}
