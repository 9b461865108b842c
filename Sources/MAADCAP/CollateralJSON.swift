import Foundation
import MAAWire

/// Strict typed accessors over a parsed collateral JSON object; every failure is
/// `collateralMalformed(doc)` with the field path as reason.
///
/// Backed by a ``JSONTape`` (the fast path) or, for documents outside it, MAAWire's general tree; both give the
/// same values and the same errors.
struct CollateralJSON {
    private enum Backing {
        case tree(JSONObject)
        case tape(JSONTape, Int)
    }

    /// Where an object sits in the document, spelled out only for an error message.
    indirect enum Location: CustomStringConvertible {
        case root
        case member(Location, StaticString)
        case element(Location, StaticString, Int)

        var description: String {
            switch self {
            case .root: "$"
            case .member(let parent, let key): "\(parent).\(key)"
            case .element(let parent, let key, let index): "\(parent).\(key)[\(index)]"
            }
        }
    }

    private let backing: Backing
    let doc: CollateralDocument
    let location: Location
    /// The object's path in the document (`$.tcbLevels[2].tcb`).
    var path: String { location.description }

    init(_ value: JSONValue?, doc: CollateralDocument, location: Location) throws(DCAPError) {
        guard let object = value?.objectValue else { throw DCAPError(.collateralMalformed(doc), "\(location) is not an object") }
        self.backing = .tree(object)
        self.doc = doc
        self.location = location
    }

    private init(tape: JSONTape, node: Int?, doc: CollateralDocument, location: Location) throws(DCAPError) {
        guard let node, tape.nodes[node].kind == .object else {
            throw DCAPError(.collateralMalformed(doc), "\(location) is not an object")
        }
        self.backing = .tape(tape, node)
        self.doc = doc
        self.location = location
    }

    /// Parses a document; `fastPath: false` forces the general parser (tests compare the two).
    static func parse(_ bytes: [UInt8], doc: CollateralDocument, fastPath: Bool = true) throws(DCAPError) -> CollateralJSON {
        if fastPath, let tape = JSONTape.parse(bytes, maxDepth: 16, maxBytes: 1 << 20) {
            return try CollateralJSON(tape: tape, node: 0, doc: doc, location: .root)
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes, options: JSONParsingOptions(maxDepth: 16, maxInputBytes: 1 << 20))
        } catch {
            throw DCAPError(.collateralMalformed(doc), "invalid JSON: \(error)")
        }
        return try CollateralJSON(value, doc: doc, location: .root)
    }

    func fail(_ key: StaticString, _ what: String) -> DCAPError {
        DCAPError(.collateralMalformed(doc), "\(path).\(key): \(what)")
    }

    func has(_ key: StaticString) -> Bool {
        switch backing {
        case .tree(let object): return object[key.description] != nil
        case .tape(let tape, let node): return tape.member(key, of: node) != nil
        }
    }

    func string(_ key: StaticString) throws(DCAPError) -> String {
        let value: String?
        switch backing {
        case .tree(let object): value = object[key.description]?.stringValue
        case .tape(let tape, let node): value = tape.member(key, of: node).flatMap(tape.string)
        }
        guard let value else { throw fail(key, "missing or not a string") }
        return value
    }

    func int(_ key: StaticString, _ range: ClosedRange<Int64>) throws(DCAPError) -> Int64 {
        let number: Int64?
        switch backing {
        case .tree(let object):
            if case .integer(let value)? = object[key.description] { number = value } else { number = nil }
        case .tape(let tape, let node): number = tape.member(key, of: node).flatMap(tape.integer)
        }
        guard let value = number else { throw fail(key, "missing or not an integer") }
        guard range.contains(value) else { throw fail(key, "\(value) out of range") }
        return value
    }

    /// A hex string of exactly `count` bytes (either case).
    func hex(_ key: StaticString, bytes count: Int) throws(DCAPError) -> [UInt8] {
        let text = try string(key)
        guard text.utf8.count == count * 2, let bytes = try? Hex.decode(text) else {
            throw fail(key, "expected \(count * 2) hex digits")
        }
        return bytes
    }

    func date(_ key: StaticString) throws(DCAPError) -> Date {
        let date: Date?
        switch backing {
        case .tree: date = RFC3339.parse(Array(try string(key).utf8))
        case .tape(let tape, let node):
            guard let bytes = tape.member(key, of: node).flatMap(tape.stringBytes) else { throw fail(key, "missing or not a string") }
            date = RFC3339.parse(slice: bytes)
        }
        guard let date else { throw fail(key, "not an RFC 3339 UTC time") }
        return date
    }

    func object(_ key: StaticString) throws(DCAPError) -> CollateralJSON {
        switch backing {
        case .tree(let object): return try CollateralJSON(object[key.description], doc: doc, location: .member(location, key))
        case .tape(let tape, let node):
            return try CollateralJSON(tape: tape, node: tape.member(key, of: node), doc: doc, location: .member(location, key))
        }
    }

    /// The elements of array `key` (non-empty unless `nonEmpty` is false, at most `maximum`).
    private func elementCount(_ key: StaticString, nonEmpty: Bool, maximum: Int) throws(DCAPError) -> Int {
        let count: Int?
        switch backing {
        case .tree(let object): count = object[key.description]?.arrayValue?.count
        case .tape(let tape, let node):
            count = tape.member(key, of: node).flatMap { tape.nodes[$0].kind == .array ? Int(tape.nodes[$0].value) : nil }
        }
        guard let count else { throw fail(key, "missing or not an array") }
        if nonEmpty, count == 0 { throw fail(key, "empty") }
        guard count <= maximum else { throw fail(key, "too many elements") }
        return count
    }

    func objects(_ key: StaticString) throws(DCAPError) -> [CollateralJSON] {
        _ = try elementCount(key, nonEmpty: true, maximum: 4096)
        var result: [CollateralJSON] = []
        switch backing {
        case .tree(let object):
            for (index, element) in (object[key.description]?.arrayValue ?? []).enumerated() {
                result.append(try CollateralJSON(element, doc: doc, location: .element(location, key, index)))
            }
        case .tape(let tape, let node):
            guard let array = tape.member(key, of: node) else { throw fail(key, "missing or not an array") }
            for (index, element) in tape.elements(of: array).enumerated() {
                result.append(try CollateralJSON(tape: tape, node: element, doc: doc, location: .element(location, key, index)))
            }
        }
        return result
    }

    /// An array of exactly 16 `{"svn": 0…255, …}` objects (TCB components), as their SVNs.
    func componentSVNs(_ key: StaticString) throws(DCAPError) -> [UInt8] {
        let count = try elementCount(key, nonEmpty: true, maximum: 16)
        guard count == 16 else { throw fail(key, "\(count) components, 16 required") }
        var svns: [UInt8] = []
        svns.reserveCapacity(16)
        switch backing {
        case .tree(let object):
            for entry in object[key.description]?.arrayValue ?? [] {
                guard case .integer(let svn)? = entry["svn"], (0...255).contains(svn) else {
                    throw fail(key, "component svn missing or not in 0...255")
                }
                svns.append(UInt8(svn))
            }
        case .tape(let tape, let node):
            guard let array = tape.member(key, of: node) else { throw fail(key, "missing or not an array") }
            var element = array + 1
            for _ in 0..<count {
                guard let svn = tape.member("svn", of: element).flatMap(tape.integer), (0...255).contains(svn) else {
                    throw fail(key, "component svn missing or not in 0...255")
                }
                svns.append(UInt8(svn))
                element = tape.nodes[element].next
            }
        }
        return svns
    }

    /// `advisoryIDs` (optional; absent means none).
    func advisoryIDs() throws(DCAPError) -> [String] {
        var ids: [String] = []
        switch backing {
        case .tree(let object):
            guard let value = object["advisoryIDs"] else { return [] }
            guard let array = value.arrayValue else { throw fail("advisoryIDs", "not an array") }
            for element in array {
                guard let id = element.stringValue else { throw fail("advisoryIDs", "non-string element") }
                ids.append(id)
            }
        case .tape(let tape, let node):
            guard let array = tape.member("advisoryIDs", of: node) else { return [] }
            guard tape.nodes[array].kind == .array else { throw fail("advisoryIDs", "not an array") }
            for element in tape.elements(of: array) {
                guard let id = tape.string(element) else { throw fail("advisoryIDs", "non-string element") }
                ids.append(id)
            }
        }
        return ids
    }
}

/// Strict `YYYY-MM-DDTHH:MM:SSZ` (optionally with fractional seconds), as Intel's collateral writes times.
enum RFC3339 {
    static func parse(_ text: String) -> Date? { parse(Array(text.utf8)) }

    static func parse(_ bytes: some Collection<UInt8>) -> Date? {
        parse(slice: ArraySlice(bytes))
    }

    /// Parses the bytes of a slice in place (offsets from its start).
    static func parse(slice bytes: ArraySlice<UInt8>) -> Date? {
        let n = bytes.count
        guard n >= 20, n <= 30 else { return nil }
        let o = bytes.startIndex
        func at(_ i: Int) -> UInt8 { bytes[o + i] }
        guard at(4) == UInt8(ascii: "-"), at(7) == UInt8(ascii: "-"), at(10) == UInt8(ascii: "T"),
            at(13) == UInt8(ascii: ":"), at(16) == UInt8(ascii: ":"), at(n - 1) == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let c = at(index)
                guard c >= 0x30, c <= 0x39 else { return nil }
                value = value * 10 + Int(c - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction = 0.0
        if n > 20 {
            guard at(19) == UInt8(ascii: "."), n > 21, number(20..<(n - 1)) != nil else { return nil }
            fraction = Double("0" + String(decoding: bytes[(o + 19)..<(o + n - 1)], as: UTF8.self)) ?? 0
        }
        // Days from civil (proleptic Gregorian), as in MAAPKI's ASN1Time.
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second) + fraction)
    }
}
