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
        // One buffer for the base64 text of every block (the body with whitespace removed).
        var base64 = [UInt8](repeating: 0, count: bytes.count)
        while true {
            while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
            if index == bytes.count { break }
            guard hasPrefix(bytes, begin, at: index) else {
                throw PKIError(.pemMalformed, "unexpected text at offset \(index)")
            }
            // The body runs to the first '-', which must start the END line ('-' is not base64).
            var cursor = index + begin.count
            var count = 0
            bytes.withUnsafeBufferPointer { input in
                base64.withUnsafeMutableBufferPointer { output in
                    guard let inp = input.baseAddress, let out = output.baseAddress else { return }
                    // Eight bytes at a time while none is whitespace or '-' (then byte by byte to the next one).
                    // `count` never exceeds `cursor`, so the 8-byte store stays inside the output buffer.
                    scan: while true {
                        while input.count &- cursor >= 8 {
                            let word = UnsafeRawPointer(inp + cursor).loadUnaligned(as: UInt64.self)
                            guard !Self.hasWhitespaceOrDash(word) else { break }
                            UnsafeMutableRawPointer(out + count).storeBytes(of: word, as: UInt64.self)
                            cursor &+= 8
                            count &+= 8
                        }
                        while cursor < input.count {
                            let byte = input[cursor]
                            if byte == UInt8(ascii: "-") { break scan }
                            cursor &+= 1
                            if isWhitespace(byte) { continue scan }
                            output[count] = byte
                            count &+= 1
                        }
                        break
                    }
                }
            }
            guard cursor < bytes.count else { throw PKIError(.pemMalformed, "unterminated certificate block") }
            guard hasPrefix(bytes, end, at: cursor) else {
                throw PKIError(.pemMalformed, "invalid base64 in certificate block: '-' before the END line")
            }
            let der: [UInt8]
            do {
                der = try base64.withUnsafeBytes { raw throws(WireError) in
                    try Base64.decode(bytes: UnsafeRawBufferPointer(rebasing: raw.prefix(count)), alphabet: .standard)
                }
            } catch {
                throw PKIError(.pemMalformed, "invalid base64 in certificate block: \(error)")
            }
            guard !der.isEmpty else { throw PKIError(.pemMalformed, "empty certificate block") }
            blocks.append(der)
            guard blocks.count <= maximumCount else { throw PKIError(.pemMalformed, "more than \(maximumCount) certificates") }
            index = cursor + end.count
        }
        return blocks
    }

    /// The straightforward reading of ``derBlocks(_:maximumCount:)`` (search for the END line, then decode the
    /// body without its whitespace): the reference the one-pass reader is tested against.
    static func referenceDERBlocks(_ text: some Collection<UInt8>, maximumCount: Int = 8) throws(PKIError) -> [[UInt8]] {
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

    /// Whether some byte of `word` is a space, LF, CR, tab or '-' (a zero byte of `word ^ pattern`).
    @inline(__always)
    private static func hasWhitespaceOrDash(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func zeroByte(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        return zeroByte(word ^ (ones &* 0x20)) | zeroByte(word ^ (ones &* 0x0A)) | zeroByte(word ^ (ones &* 0x0D))
            | zeroByte(word ^ (ones &* 0x09)) | zeroByte(word ^ (ones &* 0x2D)) != 0
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
