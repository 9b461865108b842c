import Foundation
import MAADCAP
import MAAPKI
import MAAWire
import NIOHTTP1

/// Decoding PCS / PCCS responses into the pieces of a ``CollateralBundle`` (no trust decisions: the bundle is
/// verified afterwards).
enum PCSFormats {
    /// A 200 response.
    struct Response: Sendable {
        let url: String
        let headers: HTTPHeaders
        let body: [UInt8]
    }

    /// Longest issuer-chain header accepted (two or three certificates are a few kilobytes).
    static let maximumChainHeaderLength = 64 << 10

    /// The PEM issuer chain from the first present header of `headers` (URL-encoded PEM, certificates only).
    static func issuerChain(_ response: Response, headers names: [String]) throws(CollateralFetchError) -> String {
        guard let raw = names.lazy.compactMap({ response.headers.first(name: $0) }).first else {
            throw CollateralFetchError(.missingIssuerChain, "\(response.url) sent no \(names[0]) header")
        }
        guard raw.utf8.count <= maximumChainHeaderLength, let pem = raw.removingPercentEncoding else {
            throw CollateralFetchError(.malformedIssuerChain, "\(names[0]) from \(response.url) is not URL-encoded text")
        }
        let blocks: [[UInt8]]
        do {
            blocks = try PEMCertificates.derBlocks(Array(pem.utf8), maximumCount: 4)
        } catch {
            throw CollateralFetchError(.malformedIssuerChain, "\(names[0]) from \(response.url): \(error)")
        }
        guard !blocks.isEmpty else {
            throw CollateralFetchError(.malformedIssuerChain, "\(names[0]) from \(response.url) holds no certificate")
        }
        return pem
    }

    /// The exact signed bytes and the signature of a `{"<key>":{…},"signature":"…"}` response.
    static func signedDocument(
        _ response: Response, key: String, doc: CollateralDocument
    ) throws(CollateralFetchError) -> (body: [UInt8], signature: [UInt8]) {
        do {
            return try PCSResponse.signedBody(response.body, key: key, doc: doc)
        } catch {
            throw CollateralFetchError(.malformedBody, "\(response.url): \(error)")
        }
    }

    /// A CRL body as DER: raw DER, hex of DER (a PCCS's `rootcacrl`), or one PEM `X509 CRL` block.
    static func crlDER(_ response: Response) throws(CollateralFetchError) -> [UInt8] {
        let body = response.body
        if isDERSequence(body) { return body }
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let begin = "-----BEGIN X509 CRL-----"
        let end = "-----END X509 CRL-----"
        var der: [UInt8]?
        if text.hasPrefix(begin), text.hasSuffix(end), text.count >= begin.count + end.count {
            let base64 = text.dropFirst(begin.count).dropLast(end.count).filter { !$0.isWhitespace }
            der = try? Base64.decode(base64, alphabet: .standard)
        } else {
            der = try? Hex.decode(text)
        }
        guard let der, isDERSequence(der) else {
            throw CollateralFetchError(.malformedBody, "\(response.url) is not a CRL (DER, hex or PEM)")
        }
        return der
    }

    /// Whether `bytes` is exactly one DER SEQUENCE by its header (tag 0x30, a definite length that spans the rest).
    static func isDERSequence(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 2, bytes[0] == 0x30 else { return false }
        let first = Int(bytes[1])
        if first < 0x80 { return 2 + first == bytes.count }
        let count = first & 0x7F
        guard (1...4).contains(count), bytes.count >= 2 + count else { return false }
        var length = 0
        for byte in bytes[2..<(2 + count)] { length = length << 8 | Int(byte) }
        return 2 + count + length == bytes.count
    }
}
