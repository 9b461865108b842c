import MAAWire
import SwiftASN1

/// Reads policy-signer certificates given by an operator (CLI files, admin API strings).
public enum CertificateInput {
    /// The largest certificate input accepted (PEM text or base64), in bytes.
    public static let maximumLength = 64 * 1024

    /// DER certificates from PEM text (one or more `CERTIFICATE` blocks) or from a single base64 DER value.
    public static func derCertificates(from text: String) throws(ServiceError) -> [[UInt8]] {
        guard text.utf8.count <= maximumLength else { throw .invalidParameter("certificate input is too large") }
        if text.contains("-----BEGIN") {
            let documents: [PEMDocument]
            do {
                documents = try PEMDocument.parseMultiple(pemString: text)
            } catch {
                throw .invalidParameter("the PEM certificate text does not parse")
            }
            guard !documents.isEmpty, documents.allSatisfy({ $0.discriminator == "CERTIFICATE" }) else {
                throw .invalidParameter("expected PEM blocks of type CERTIFICATE")
            }
            return documents.map(\.derBytes)
        }
        let trimmed = text.filter { !$0.isWhitespace }
        do {
            return [try Base64.decode(trimmed, alphabet: .either)]
        } catch {
            throw .invalidParameter("a certificate must be PEM or base64 DER")
        }
    }
}
