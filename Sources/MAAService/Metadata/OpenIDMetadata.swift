/// The OpenID Connect discovery document MAA serves at `/.well-known/openid-configuration` (§3.9).
public struct OpenIDMetadata: Sendable, Hashable, Codable {
    public var issuer: String
    public var jwksURI: String
    public var revocationEndpoint: String
    public var responseTypesSupported: [String]
    public var idTokenSigningAlgValuesSupported: [String]
    public var claimsSupported: [String]

    enum CodingKeys: String, CodingKey {
        case issuer
        case jwksURI = "jwks_uri"
        case revocationEndpoint = "revocation_endpoint"
        case responseTypesSupported = "response_types_supported"
        case idTokenSigningAlgValuesSupported = "id_token_signing_alg_values_supported"
        case claimsSupported = "claims_supported"
    }

    /// MAA's document for an instance URL.
    public init(instanceURL: String) {
        issuer = instanceURL
        jwksURI = instanceURL + "/certs"
        revocationEndpoint = instanceURL + "/revoke"
        responseTypesSupported = ["token", "none"]
        idTokenSigningAlgValuesSupported = ["RS256"]
        claimsSupported = [
            "cnf", "nonce", "x-ms-ver", "x-ms-attestation-type", "x-ms-policy-hash", "x-ms-policy-signer",
            "x-ms-sgx-is-debuggable", "x-ms-sgx-mrenclave", "x-ms-sgx-mrsigner", "x-ms-sgx-svn", "x-ms-sgx-ehd",
            "x-ms-sgx-collateral", "is-debuggable", "sgx-mrsigner", "sgx-mrenclave", "product-id", "svn", "tee",
        ]
    }
}
