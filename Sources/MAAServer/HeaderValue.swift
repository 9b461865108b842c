/// Byte-level reading of HTTP header values (RFC 9110: optional whitespace is space or tab; media types and
/// auth schemes compare ASCII case-insensitively). Foundation's `trimmingCharacters` and `lowercased()` cost
/// several microseconds per request on the attestation path; these do not allocate.
enum HeaderValue {
    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: Substring) -> Substring {
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
            let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
        else { return text[text.endIndex...] }
        return text[first...last]
    }

    /// Whether `text` equals `lowercase` (which must be lower-case ASCII) ignoring ASCII case.
    static func equalsIgnoringCase(_ text: Substring, _ lowercase: StaticString) -> Bool {
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        guard text.utf8.count == expected.count else { return false }
        return zip(text.utf8, expected).allSatisfy { byte, wanted in
            (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == wanted
        }
    }

    /// The media type of a Content-Type value, without parameters (`application/json; charset=utf-8` →
    /// `application/json`), trimmed.
    static func mediaType(_ value: String) -> Substring {
        let end = value.utf8.firstIndex(of: UInt8(ascii: ";")) ?? value.endIndex
        return trimmed(value[..<end])
    }

    /// The token of an `Authorization: Bearer <token>` value, or nil for another scheme or an empty token.
    static func bearerToken(_ value: String) -> Substring? {
        let text = trimmed(value[...])
        guard let space = text.utf8.firstIndex(where: { $0 == 0x20 || $0 == 0x09 }),
            equalsIgnoringCase(text[..<space], "bearer")
        else { return nil }
        let token = trimmed(text[space...])
        return token.isEmpty ? nil : token
    }
}
