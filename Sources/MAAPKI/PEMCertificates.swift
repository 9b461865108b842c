import MAAWire
public import X509

/// Strict splitting of concatenated PEM certificates, as found in DCAP quotes and collateral issuer chains.
///
/// Unlike a lenient PEM reader, this accepts only `-----BEGIN CERTIFICATE-----` … `-----END CERTIFICATE-----`
/// blocks separated by whitespace (trailing NUL bytes are tolerated, as DCAP quotes carry one), so that
/// smuggled text between blocks is rejected rather than ignored.
public enum PEMCertificates {
    private static let begin = Array("-----BEGIN CERTIFICATE-----".utf8)
    private static let end = Array("-----END CERTIFICATE-----".utf8)

    /// The DER bytes of every certificate block, in order.
    public static func derBlocks(_ text: some Collection<UInt8>, maximumCount: Int = 8) throws(PKIError) -> [[UInt8]] {
        var bytes = Array(text)
        while let last = bytes.last, last == 0 { bytes.removeLast() }
        var blocks: [[UInt8]] = []
        var index = 0
        while true {
            while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
            if index == bytes.count { break }
            guard hasPrefix(bytes, begin, at: index) else {
                throw PKIError(.pemMalformed, "unexpected text at offset \(index)")
            }
            let bodyStart = index + begin.count
            guard let endIndex = find(end, in: bytes, from: bodyStart) else {
                throw PKIError(.pemMalformed, "unterminated certificate block")
            }
            var base64: [UInt8] = []
            base64.reserveCapacity(endIndex - bodyStart)
            for byte in bytes[bodyStart..<endIndex] where !isWhitespace(byte) { base64.append(byte) }
            let der: [UInt8]
            do {
                der = try base64.withUnsafeBytes { raw throws(WireError) in
                    try Base64.decode(bytes: raw, alphabet: .standard)
                }
            } catch {
                throw PKIError(.pemMalformed, "invalid base64 in certificate block: \(error)")
            }
            guard !der.isEmpty else { throw PKIError(.pemMalformed, "empty certificate block") }
            blocks.append(der)
            guard blocks.count <= maximumCount else { throw PKIError(.pemMalformed, "more than \(maximumCount) certificates") }
            index = endIndex + end.count
        }
        return blocks
    }

    /// Parses every certificate block.
    public static func certificates(_ text: some Collection<UInt8>, maximumCount: Int = 8) throws(PKIError) -> [Certificate] {
        var result: [Certificate] = []
        for der in try derBlocks(text, maximumCount: maximumCount) {
            do {
                result.append(try Certificate(derEncoded: der))
            } catch {
                throw PKIError(.certificateMalformed, "\(error)")
            }
        }
        return result
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8], at index: Int) -> Bool {
        guard bytes.count - index >= prefix.count else { return false }
        for offset in 0..<prefix.count where bytes[index + offset] != prefix[offset] { return false }
        return true
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while bytes.count - index >= needle.count {
            if hasPrefix(bytes, needle, at: index) { return index }
            index += 1
        }
        return nil
    }
}
