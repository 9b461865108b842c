/// The pure rules of adding and removing an isolated instance's policy signers (MAA `certificates:add|remove`).
public enum SignerChange {
    /// MAA's `x-ms-policycertificates-result`.
    public enum Outcome: String, Sendable, Hashable {
        case isPresent = "IsPresent"
        case isAbsent = "IsAbsent"
    }

    /// Adds `der` unless a certificate with the same thumbprint is present. Idempotent: always `.isPresent`.
    public static func add(_ der: [UInt8], to signers: inout [PolicySigner], now: Int64) -> (thumbprint: String, Outcome) {
        let signer = PolicySigner(certificateDER: der, addedAt: now)
        if !signers.contains(where: { $0.thumbprint == signer.thumbprint }) {
            signers.append(signer)
        }
        return (signer.thumbprint, .isPresent)
    }

    /// Removes the certificate with `der`'s thumbprint. Idempotent: always `.isAbsent`. Refuses to remove the
    /// last signer, which would lock the instance forever.
    public static func remove(_ der: [UInt8], from signers: inout [PolicySigner]) throws(ServiceError) -> (
        thumbprint: String, Outcome
    ) {
        let thumbprint = PolicySigner.thumbprint(of: der)
        guard signers.contains(where: { $0.thumbprint == thumbprint }) else { return (thumbprint, .isAbsent) }
        guard signers.count > 1 else {
            throw .invalidOperation("the last policy-signer certificate of an isolated instance cannot be removed")
        }
        signers.removeAll { $0.thumbprint == thumbprint }
        return (thumbprint, .isAbsent)
    }
}
