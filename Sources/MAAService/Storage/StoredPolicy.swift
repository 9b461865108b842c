/// A policy as stored for one instance and attestation type: the exact JWS text last accepted by PUT.
public struct StoredPolicy: Sendable, Hashable, Codable {
    /// The JWS exactly as received (compact form), returned unchanged by GET in `x-ms-policy`.
    public var jws: String
    /// The x5c chain (standard base64 DER, leaf first) of the certificate that signed it, if it was signed.
    public var signerX5C: [String]?
    /// Unix seconds when it was stored.
    public var updatedAt: Int64

    public init(jws: String, signerX5C: [String]? = nil, updatedAt: Int64) {
        self.jws = jws
        self.signerX5C = signerX5C
        self.updatedAt = updatedAt
    }
}
