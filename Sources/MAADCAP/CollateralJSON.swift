import Foundation
import MAAWire

/// Strict typed accessors over a parsed collateral JSON object; every failure is
/// `collateralMalformed(doc)` with the field path as reason.
struct CollateralJSON {
    let object: JSONObject
    let doc: CollateralDocument
    let path: String

    init(_ value: JSONValue?, doc: CollateralDocument, path: String) throws(DCAPError) {
        guard let object = value?.objectValue else { throw DCAPError(.collateralMalformed(doc), "\(path) is not an object") }
        self.object = object
        self.doc = doc
        self.path = path
    }

    static func parse(_ bytes: [UInt8], doc: CollateralDocument) throws(DCAPError) -> CollateralJSON {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes, options: JSONParsingOptions(maxDepth: 16, maxInputBytes: 1 << 20))
        } catch {
            throw DCAPError(.collateralMalformed(doc), "invalid JSON: \(error)")
        }
        return try CollateralJSON(value, doc: doc, path: "$")
    }

    func fail(_ key: String, _ what: String) -> DCAPError {
        DCAPError(.collateralMalformed(doc), "\(path).\(key): \(what)")
    }

    func has(_ key: String) -> Bool { object[key] != nil }

    func string(_ key: String) throws(DCAPError) -> String {
        guard let value = object[key]?.stringValue else { throw fail(key, "missing or not a string") }
        return value
    }

    func int(_ key: String, _ range: ClosedRange<Int64>) throws(DCAPError) -> Int64 {
        guard case .integer(let value)? = object[key] else { throw fail(key, "missing or not an integer") }
        guard range.contains(value) else { throw fail(key, "\(value) out of range") }
        return value
    }

    /// A hex string of exactly `count` bytes (either case).
    func hex(_ key: String, bytes count: Int) throws(DCAPError) -> [UInt8] {
        let text = try string(key)
        guard text.utf8.count == count * 2, let bytes = try? Hex.decode(text) else {
            throw fail(key, "expected \(count * 2) hex digits")
        }
        return bytes
    }

    func date(_ key: String) throws(DCAPError) -> Date {
        guard let date = RFC3339.parse(try string(key)) else { throw fail(key, "not an RFC 3339 UTC time") }
        return date
    }

    func object(_ key: String) throws(DCAPError) -> CollateralJSON {
        try CollateralJSON(object[key], doc: doc, path: "\(path).\(key)")
    }

    func array(_ key: String, nonEmpty: Bool = true, maximum: Int = 4096) throws(DCAPError) -> [JSONValue] {
        guard let array = object[key]?.arrayValue else { throw fail(key, "missing or not an array") }
        if nonEmpty, array.isEmpty { throw fail(key, "empty") }
        guard array.count <= maximum else { throw fail(key, "too many elements") }
        return array
    }

    func objects(_ key: String) throws(DCAPError) -> [CollateralJSON] {
        var result: [CollateralJSON] = []
        for (index, element) in try array(key).enumerated() {
            result.append(try CollateralJSON(element, doc: doc, path: "\(path).\(key)[\(index)]"))
        }
        return result
    }

    /// `advisoryIDs` (optional; absent means none).
    func advisoryIDs() throws(DCAPError) -> [String] {
        guard let value = object["advisoryIDs"] else { return [] }
        guard let array = value.arrayValue else { throw fail("advisoryIDs", "not an array") }
        var ids: [String] = []
        for element in array {
            guard let id = element.stringValue else { throw fail("advisoryIDs", "non-string element") }
            ids.append(id)
        }
        return ids
    }
}

/// Strict `YYYY-MM-DDTHH:MM:SSZ` (optionally with fractional seconds), as Intel's collateral writes times.
enum RFC3339 {
    static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b.last == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let c = b[index]
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
        if b.count > 20 {
            guard b[19] == UInt8(ascii: "."), b.count > 21, b.count <= 30, number(20..<(b.count - 1)) != nil else { return nil }
            fraction = Double("0" + String(decoding: b[19..<(b.count - 1)], as: UTF8.self)) ?? 0
        } else if b.count != 20 {
            return nil
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
