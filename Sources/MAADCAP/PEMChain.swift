import Foundation
import MAAPKI

/// PEM certificate chains that share trailing certificates with a chain already decoded (the quote's PCK chain
/// ends with the collateral's PCK CA and root; the PCK CRL issuer chain ends with the signing chain's root):
/// the shared text is not base64-decoded again.
enum PEMChain {
    /// The text of one or more complete trailing PEM blocks and their DER, from an earlier decode.
    struct Known: Sendable {
        let text: [UInt8]
        let der: [[UInt8]]

        /// `text` with trailing NULs removed (as ``PEMCertificates/derBlocks(_:maximumCount:)`` ignores them).
        init(text: some Collection<UInt8>, der: [[UInt8]]) {
            var bytes = Array(text)
            while bytes.last == 0 { bytes.removeLast() }
            self.text = bytes
            self.der = der
        }

        /// The last block of an already decoded chain (from its last `BEGIN` line).
        static func lastBlock(of text: some Collection<UInt8>, der: [[UInt8]]) -> Known? {
            let bytes = Array(text)
            guard let last = der.last, let start = lastIndex(of: begin, in: bytes) else { return nil }
            return Known(text: bytes[start...], der: [last])
        }
    }

    static let begin = Array("-----BEGIN CERTIFICATE-----".utf8)
    static let end = Array("-----END CERTIFICATE-----".utf8)

    /// The DER of every block of `pem`, exactly as ``PEMCertificates/derBlocks(_:maximumCount:)`` returns them.
    /// When `pem` is complete PEM blocks followed by `known.text`, only the leading blocks are decoded.
    static func derBlocks(_ pem: some Collection<UInt8>, maximumCount: Int, reusing known: Known?) throws(PKIError) -> [[UInt8]] {
        var text = Array(pem)
        while text.last == 0 { text.removeLast() }
        if let known, known.der.count < maximumCount, text.count > known.text.count,
            sameBytes(known.text.prefix(begin.count), begin[...]),
            sameBytes(text[(text.count - known.text.count)...], known.text[...])
        {
            let head = text[..<(text.count - known.text.count)]
            // The head must itself end a block (END line, then only whitespace) and hold no NUL, so that decoding it
            // alone gives the same blocks as decoding the whole text.
            var trimmed = head
            while let c = trimmed.last, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { trimmed.removeLast() }
            if !head.contains(0), trimmed.count >= end.count, sameBytes(trimmed.suffix(end.count), end[...]) {
                return try PEMCertificates.derBlocks(head, maximumCount: maximumCount - known.der.count) + known.der
            }
        }
        return try PEMCertificates.derBlocks(text, maximumCount: maximumCount)
    }

    /// Byte-wise equality of two slices (one `memcmp`).
    static func sameBytes(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in
                guard let p = x.baseAddress, let q = y.baseAddress else { return true }
                return memcmp(p, q, x.count) == 0
            }
        }
    }

    private static func lastIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = bytes.count - needle.count
        while index >= 0 {
            if bytes[index] == needle[0], sameBytes(bytes[index..<(index + needle.count)], needle[...]) { return index }
            index -= 1
        }
        return nil
    }
}
