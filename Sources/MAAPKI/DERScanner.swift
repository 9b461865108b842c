/// A strict, allocation-free DER TLV reader, for parsers that walk one fixed profile (the fast CRL and PCK
/// extension paths). It accepts only single-byte identifiers and definite lengths in their minimal encoding (short
/// form below 128, long form of one to three octets without a leading zero); anything else reads as `nil`, and the
/// caller gives the input to a general parser.
///
/// Ranges are indices of the scanned bytes (for a slice, of its base array).
public struct DERScanner: Sendable {
    /// One element: its identifier octet, the range of its content, and the range of the whole encoding.
    public struct Element: Sendable {
        public let tag: UInt8
        public let content: Range<Int>
        public let encoded: Range<Int>
    }

    /// The bytes being scanned.
    public let bytes: ArraySlice<UInt8>
    public private(set) var position: Int
    let end: Int

    /// A scanner over all of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    /// A scanner over all of `bytes`.
    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
        self.end = bytes.endIndex
    }

    private init(_ bytes: ArraySlice<UInt8>, range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    /// A scanner over an element's content.
    public func inside(_ element: Element) -> DERScanner { DERScanner(bytes, range: element.content) }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { position == end }

    /// The next element's identifier octet, without consuming it.
    public var peekTag: UInt8? { position < end ? bytes[position] : nil }

    /// Reads the next element when its identifier octet is `tag`; `nil` (nothing consumed) otherwise.
    public mutating func read(_ tag: UInt8) -> Element? {
        guard position < end, bytes[position] == tag, tag & 0x1F != 0x1F, position + 1 < end else { return nil }
        let start = position
        var index = position + 1
        let first = bytes[index]
        index += 1
        var length = 0
        switch first {
        case 0..<0x80:
            length = Int(first)
        case 0x81...0x83:
            let count = Int(first & 0x7F)
            guard end - index >= count, bytes[index] != 0 else { return nil }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
            guard length >= 0x80 else { return nil }
        default:
            return nil
        }
        guard length <= end - index else { return nil }
        position = index + length
        return Element(tag: tag, content: index..<(index + length), encoded: start..<position)
    }

    /// The content bytes of an element.
    public func content(_ element: Element) -> ArraySlice<UInt8> { bytes[element.content] }

    /// Whether an element's content equals `expected`.
    public func content(_ element: Element, equals expected: [UInt8]) -> Bool {
        element.content.count == expected.count && bytes[element.content].elementsEqual(expected)
    }
}
