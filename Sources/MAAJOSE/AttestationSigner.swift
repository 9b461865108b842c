public import X509

/// A key an issuer publishes for its tokens: its `kid`, its certificate chain (leaf first), and the leaf's key.
public struct AttestationSigner: Sendable {
    /// The key id tokens name in their header `kid`.
    public let keyID: String?
    /// The certificate chain, leaf first (may be empty for a bare JWK).
    public let certificates: [Certificate]
    /// The verification key (the leaf certificate's key when there is a chain).
    public let key: JWSVerificationKey

    public init(keyID: String?, certificates: [Certificate], key: JWSVerificationKey) {
        self.keyID = keyID
        self.certificates = certificates
        self.key = key
    }

    /// A signer from a published JWK.
    public init(jwk: JWK) throws(JOSEError) {
        self.keyID = jwk.keyID
        self.certificates = try jwk.certificateChain()
        self.key = try jwk.verificationKey()
    }

    /// The signers of a JWKS document (such as MAA's `/certs`).
    ///
    /// MAA's real `/certs` includes a legacy key with a 1024-bit RSA modulus that neither signs tokens nor parses
    /// under swift-certificates; by default such unusable keys are skipped (a token naming one then fails with
    /// `unknownKeyID`). Pass `skipUnusableKeys: false` to fail instead.
    public static func signers(from jwks: JWKS, skipUnusableKeys: Bool = true) throws(JOSEError) -> [AttestationSigner] {
        var signers: [AttestationSigner] = []
        for jwk in jwks.keys {
            do {
                signers.append(try AttestationSigner(jwk: jwk))
            } catch where skipUnusableKeys && error.code == .invalidKey {
                continue
            }
        }
        return signers
    }
}
