import Crypto
public import MAAJOSE
public import MAAModels
import MAAWire

extension PolicyResult {
    /// Whether the service's `x-ms-policy-token-hash` is the SHA-256 of exactly `sentToken`, i.e. the service
    /// received (and stored) the very policy token this client sent. `false` when the result carries no hash.
    public func confirmsReceipt(of sentToken: JWS) -> Bool {
        guard let policyTokenHash else { return false }
        return policyTokenHash == Array(SHA256.hash(data: Array(sentToken.compact.utf8)))
    }
}

extension PolicyCertificatesModificationResult {
    /// Whether ``certificateThumbprint`` is the SHA-1 thumbprint of `certificateDER` (compared case-insensitively).
    public func confirms(certificateDER: [UInt8]) -> Bool {
        certificateThumbprint.uppercased() == Hex.encodeUppercase(Insecure.SHA1.hash(data: certificateDER))
    }
}
