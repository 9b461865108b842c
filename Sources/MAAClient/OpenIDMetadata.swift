public import MAAWire

/// The instance's OpenID Connect discovery document (`/.well-known/openid-configuration`, wire contract §3.9).
public struct OpenIDMetadata: Sendable, Hashable {
    /// The whole document as received.
    public let json: JSONObject
    /// `issuer`: the instance URL tokens carry in `iss`.
    public let issuer: String?
    /// `jwks_uri`: where the token signers are published (`<instance>/certs`).
    public let jwksURI: String?
    /// `revocation_endpoint`.
    public let revocationEndpoint: String?
    /// `response_types_supported`.
    public let responseTypesSupported: [String]
    /// `id_token_signing_alg_values_supported`.
    public let signingAlgorithmsSupported: [String]
    /// `claims_supported`.
    public let claimsSupported: [String]

    /// Reads a discovery document; a known member of the wrong type is an error.
    public init(json value: JSONValue) throws(AttestationClientError) {
        guard let object = value.objectValue else {
            throw AttestationClientError(.invalidResponse, "the OpenID metadata is not a JSON object")
        }
        func string(_ name: String) throws(AttestationClientError) -> String? {
            guard let member = object[name] else { return nil }
            guard let text = member.stringValue else {
                throw AttestationClientError(.invalidResponse, "OpenID metadata \"\(name)\" is not a string")
            }
            return text
        }
        func strings(_ name: String) throws(AttestationClientError) -> [String] {
            guard let member = object[name] else { return [] }
            guard let array = member.arrayValue else {
                throw AttestationClientError(.invalidResponse, "OpenID metadata \"\(name)\" is not an array")
            }
            var result: [String] = []
            for element in array {
                guard let text = element.stringValue else {
                    throw AttestationClientError(.invalidResponse, "OpenID metadata \"\(name)\" holds a non-string")
                }
                result.append(text)
            }
            return result
        }
        json = object
        issuer = try string("issuer")
        jwksURI = try string("jwks_uri")
        revocationEndpoint = try string("revocation_endpoint")
        responseTypesSupported = try strings("response_types_supported")
        signingAlgorithmsSupported = try strings("id_token_signing_alg_values_supported")
        claimsSupported = try strings("claims_supported")
    }
}
