/// A validating fast path for the signed collateral documents (TCB Info, QE Identity): the document is checked
/// once and recorded as a flat list of nodes over the input bytes, so the typed layer reads fields without
/// building a tree of `String`s and enums.
///
/// It handles the shape Intel writes — objects, arrays, ASCII strings without escapes, integers that fit 18
/// digits, `true` / `false` / `null` — and returns `nil` on anything else (escapes, non-ASCII, fractions and
/// exponents, `-0`, duplicate member names, more than `maxDepth` levels, trailing data, malformed JSON), so the
/// caller falls back to MAAWire's strict general parser, which then accepts or rejects. It never accepts a
/// document that parser would reject, and reads every accepted value as that parser would.
final class JSONTape {
    enum Kind: UInt8 {
        case object, array, string, integer, literal
    }

    /// One value. Containers are followed by their children (objects: key, value, key, value, …); `next` is the
    /// index of the first node after the whole subtree.
    struct Node {
        var kind: Kind
        /// String: the bytes between the quotes; other kinds: the value's bytes.
        var start: Int
        var end: Int
        var next: Int
        /// Integer value, or the number of children (containers).
        var value: Int64
    }

    let bytes: [UInt8]
    private(set) var nodes: [Node] = []

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses `bytes` or returns `nil` when they are outside the fast path (see the type's documentation).
    static func parse(_ bytes: [UInt8], maxDepth: Int = 16, maxBytes: Int = 1 << 20) -> JSONTape? {
        guard bytes.count <= maxBytes else { return nil }
        let tape = JSONTape(bytes: bytes)
        let nodes = bytes.withUnsafeBufferPointer { buffer -> [Node]? in
            var parser = Parser(b: buffer, maxDepth: maxDepth)
            parser.nodes.reserveCapacity(bytes.count / 4)
            guard parser.value(depth: 1) else { return nil }
            parser.skipWhitespace()
            return parser.i == buffer.count ? parser.nodes : nil
        }
        guard let nodes else { return nil }
        tape.nodes = nodes
        return tape
    }

    private struct Parser {
        let b: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var i = 0
        var nodes: [Node] = []

        init(b: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.b = b
            self.maxDepth = maxDepth
        }

        func same(_ x: Range<Int>, _ y: Range<Int>) -> Bool {
            guard x.count == y.count else { return false }
            var k = 0
            while k < x.count {
                guard b[x.lowerBound + k] == b[y.lowerBound + k] else { return false }
                k += 1
            }
            return true
        }

        mutating func skipWhitespace() {
            while i < b.count {
                let c = b[i]
                guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
                i += 1
            }
        }

        mutating func value(depth: Int) -> Bool {
            skipWhitespace()
            guard i < b.count, depth <= maxDepth else { return false }
            switch b[i] {
            case UInt8(ascii: "{"): return container(depth: depth, object: true)
            case UInt8(ascii: "["): return container(depth: depth, object: false)
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return integer()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return false
            }
        }

        mutating func string() -> Bool {
            let start = i + 1  // after the opening quote
            guard let base = b.baseAddress else { return false }
            // Escapes, control bytes and non-ASCII go to the general parser.
            let j = JSONScan.plainRunEnd(base, start, b.count)
            guard j < b.count, b[j] == UInt8(ascii: "\"") else { return false }
            nodes.append(Node(kind: .string, start: start, end: j, next: nodes.count + 1, value: 0))
            i = j + 1
            return true
        }

        mutating func integer() -> Bool {
            let start = i
            var negative = false
            if b[i] == UInt8(ascii: "-") {
                negative = true
                i += 1
            }
            let digitsStart = i
            var value: Int64 = 0
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") {
                guard i - digitsStart < 18 else { return false }
                value = value * 10 + Int64(b[i] - UInt8(ascii: "0"))
                i += 1
            }
            let digits = i - digitsStart
            guard digits > 0, !(digits > 1 && b[digitsStart] == UInt8(ascii: "0")), !(negative && value == 0) else { return false }
            if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") { return false }
            nodes.append(Node(kind: .integer, start: start, end: i, next: nodes.count + 1, value: negative ? -value : value))
            return true
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard b.count - i >= count else { return false }
            for k in 0..<count where b[i + k] != word.utf8Start[k] { return false }
            nodes.append(Node(kind: .literal, start: i, end: i + count, next: nodes.count + 1, value: 0))
            i += count
            return true
        }

        mutating func container(depth: Int, object: Bool) -> Bool {
            let index = nodes.count
            nodes.append(Node(kind: object ? .object : .array, start: i, end: i, next: 0, value: 0))
            i += 1
            let close = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
            var count: Int64 = 0
            skipWhitespace()
            if i < b.count, b[i] == close {
                i += 1
            } else {
                while true {
                    if object {
                        skipWhitespace()
                        guard i < b.count, b[i] == UInt8(ascii: "\""), string() else { return false }
                        let keyIndex = nodes.count - 1
                        let range = nodes[keyIndex].start..<nodes[keyIndex].end
                        // Duplicate names go to the general parser (which rejects them): compare with the earlier
                        // keys of this object (each key node is followed by its value's subtree).
                        guard count < 256 else { return false }
                        var other = index + 1
                        while other < keyIndex {
                            if same(nodes[other].start..<nodes[other].end, range) { return false }
                            other = nodes[other + 1].next
                        }
                        skipWhitespace()
                        guard i < b.count, b[i] == UInt8(ascii: ":") else { return false }
                        i += 1
                    }
                    guard value(depth: depth + 1) else { return false }
                    count += 1
                    skipWhitespace()
                    guard i < b.count else { return false }
                    if b[i] == UInt8(ascii: ",") {
                        i += 1
                        continue
                    }
                    guard b[i] == close else { return false }
                    i += 1
                    break
                }
            }
            nodes[index].end = i
            nodes[index].next = nodes.count
            nodes[index].value = count
            return true
        }
    }

    // MARK: Reading

    /// The value of member `key` of the object at `node`, or `nil`.
    func member(_ key: StaticString, of node: Int) -> Int? {
        guard nodes[node].kind == .object else { return nil }
        let wanted = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        return bytes.withUnsafeBufferPointer { b -> Int? in
            var child = node + 1
            for _ in 0..<nodes[node].value {
                let name = nodes[child]
                if name.end - name.start == wanted.count {
                    var k = 0
                    while k < wanted.count, b[name.start + k] == wanted[k] { k += 1 }
                    if k == wanted.count { return child + 1 }
                }
                child = nodes[child + 1].next
            }
            return nil
        }
    }

    /// The element node indices of the array at `node`.
    func elements(of node: Int) -> [Int] {
        guard nodes[node].kind == .array else { return [] }
        var result: [Int] = []
        result.reserveCapacity(Int(nodes[node].value))
        var child = node + 1
        for _ in 0..<nodes[node].value {
            result.append(child)
            child = nodes[child].next
        }
        return result
    }

    /// The bytes of the string at `node` (without quotes), or `nil` if it is not a string.
    func stringBytes(_ node: Int) -> ArraySlice<UInt8>? {
        guard nodes[node].kind == .string else { return nil }
        return bytes[nodes[node].start..<nodes[node].end]
    }

    func string(_ node: Int) -> String? {
        guard nodes[node].kind == .string else { return nil }
        let range = nodes[node].start..<nodes[node].end
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    func integer(_ node: Int) -> Int64? {
        nodes[node].kind == .integer ? nodes[node].value : nil
    }
}
