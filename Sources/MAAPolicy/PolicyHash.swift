import Crypto
import MAAWire

/// `x-ms-policy-hash`: base64url(SHA-256(ASCII(base64url(UTF-8 policy text)))), unpadded, exactly as MAA computes
/// it. Every byte of the text counts, including whitespace, comments and a trailing newline.
public enum PolicyHash {
    /// The policy hash of `text`.
    public static func compute(_ text: String) -> String {
        let encoded = Base64.urlEncoded(utf8: text)
        let digest = SHA256.hash(data: Array(encoded.utf8))
        return Base64.urlEncoded(Array(digest))
    }
}
