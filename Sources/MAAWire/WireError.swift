/// An error decoding an encoded value (base64, hex, JSON) from untrusted input.
///
/// Compare on ``code``; ``reason`` is for humans.
public struct WireError: CodedError {
    /// What went wrong, without detail, suitable for metrics and `#expect(throws:)`.
    public struct Code: NamedErrorCode {
        public let name: String

        public static let invalidBase64 = Code(name: "invalidBase64")
        public static let invalidHex = Code(name: "invalidHex")
        public static let invalidJSON = Code(name: "invalidJSON")
        public static let duplicateKey = Code(name: "duplicateKey")
        public static let tooDeep = Code(name: "tooDeep")
        public static let tooLarge = Code(name: "tooLarge")
        public static let truncated = Code(name: "truncated")
        public static let invalidValue = Code(name: "invalidValue")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

}
