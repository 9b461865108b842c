/// A strict, allocation-free DER TLV reader over a byte array, for parsers that walk one fixed profile (the fast
/// CRL path). It accepts only single-byte identifiers and definite lengths in their minimal encoding (short form
/// below 128, long form of one to three octets without a leading zero); anything else reads as `nil`, and the
/// caller gives the input to the general parser.
struct DERScanner {
    /// One element: its identifier octet, the range of its content, and the range of the whole encoding.
    struct Element {
        let tag: UInt8
        let content: Range<Int>
        let encoded: Range<Int>
    }

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    /// A scanner over `range` of `bytes` (the whole array by default).
    init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    /// A scanner over an element's content.
    func inside(_ element: Element) -> DERScanner { DERScanner(bytes, range: element.content) }

    var isAtEnd: Bool { position == end }

    /// The next element's identifier octet, without consuming it.
    var peekTag: UInt8? { position < end ? bytes[position] : nil }

    /// Reads the next element when its identifier octet is `tag`.
    mutating func read(_ tag: UInt8) -> Element? {
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
    func content(_ element: Element) -> ArraySlice<UInt8> { bytes[element.content] }

    /// Whether an element's content equals `expected`.
    func content(_ element: Element, equals expected: [UInt8]) -> Bool {
        element.content.count == expected.count && bytes[element.content].elementsEqual(expected)
    }
}
