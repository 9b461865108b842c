import MAAJOSE
import MAAWire
import X509

/// Decides whether a management JWS (policy or signer change) is acceptable for an instance.
enum PolicySignerTrust {
    /// A verified signed JWS: the embedded chain (DER, leaf first) whose leaf key verified the signature.
    struct Signed: Sendable {
        var chainDER: [[UInt8]]
        /// `x5c` form (standard base64), as stored with the policy and echoed as `x-ms-policy-signer`.
        var x5c: [String] { chainDER.map { Base64.standardEncoded($0) } }
    }

    /// Parses a compact JWS sent by a client, mapping JOSE failures to MAA's `InvalidOperation`.
    static func parse(_ text: String) throws(ServiceError) -> JWS {
        do {
            return try JWS(compact: text)
        } catch {
            throw .invalidOperation("the body is not a valid compact JWS: \(error.reason)")
        }
    }

    /// For a signed JWS, verifies the signature with the leaf of its `x5c` (header or `jwk.x5c`) and returns
    /// the chain; for an unsigned one returns `nil`.
    static func verifiedSigner(of jws: JWS) throws(ServiceError) -> Signed? {
        if jws.isUnsecured {
            guard jws.signature.isEmpty else { throw .invalidOperation("an unsecured JWS must have an empty signature") }
            return nil
        }
        do {
            return Signed(chainDER: try PolicyTokens.verifiedSigner(of: jws))
        } catch {
            throw .invalidParameter("the JWS signature or signing certificate is not valid: \(error.reason)")
        }
    }

    /// Requires `chain` to reach one of `signers`: some element's thumbprint is trusted and every certificate
    /// before it is signed by the next one (issuer name and signature).
    static func requireTrusted(_ chain: [[UInt8]], signers: [PolicySigner]) throws(ServiceError) {
        let trusted = Set(signers.map(\.thumbprint))
        var certificates: [Certificate] = []
        for der in chain {
            do { certificates.append(try Certificate(derEncoded: der)) } catch {
                throw .invalidParameter("an x5c certificate does not parse")
            }
        }
        for index in chain.indices where trusted.contains(PolicySigner.thumbprint(of: chain[index])) {
            var linked = true
            for link in 0..<index {
                let child = certificates[link]
                let parent = certificates[link + 1]
                if child.issuer != parent.subject || !parent.publicKey.isValidSignature(child.signature, for: child) {
                    linked = false
                    break
                }
            }
            if linked { return }
        }
        throw .invalidParameter("the JWS is not signed by a trusted policy-signer certificate of this instance")
    }
}
