/// The trust model of an attestation instance (tenant), as in MAA.
public enum InstanceMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// Policy changes need an authenticated caller with the Contributor role; policies may be unsigned or signed.
    case aad
    /// Created with policy-signer certificates; every policy and signer change must be a JWS signed by a trusted signer.
    case isolated
    /// A fixed default policy; any authenticated caller can attest; no policy changes and no TPM.
    case shared
}
