import Foundation
import SwiftASN1
import X509

/// The fast path of ``CertificateRevocationList``: one strict walk over the DER of the profile Intel's CRLs use
/// (v2, ECDSA without parameters, UTCTime or whole-second GeneralizedTime, entries with only non-critical or
/// reason-code/invalidity-date extensions, list extensions exactly AKI and CRL Number), without building a node
/// tree or a `Date` per entry.
///
/// It returns `nil` for anything outside that profile, and the general swift-asn1 parser then decides (accepting
/// or producing the error). Everything it accepts, the general parser accepts with the same values: it is never
/// less strict (differential tests check this on the real CRLs and on mutations of them).
enum CRLFastPath {
    struct Parts {
        var tbs: Range<Int>
        var issuer: DistinguishedName
        var issuerRange: Range<Int>
        var thisUpdate: Date
        var nextUpdate: Date?
        var revoked: [ArraySlice<UInt8>]
        var aki: [UInt8]
        var crlNumber: [UInt8]
        var algorithm: Certificate.SignatureAlgorithm
        var signature: [UInt8]
    }

    // Complete AlgorithmIdentifier encodings (no parameters), and extension OID contents.
    private static let ecdsaSHA256: [UInt8] = [0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]
    private static let ecdsaSHA384: [UInt8] = [0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03]
    private static let oidAKI: [UInt8] = [0x55, 0x1D, 0x23]
    private static let oidCRLNumber: [UInt8] = [0x55, 0x1D, 0x14]
    private static let oidReasonCode: [UInt8] = [0x55, 0x1D, 0x15]
    private static let oidInvalidityDate: [UInt8] = [0x55, 0x1D, 0x18]

    private static let sequence: UInt8 = 0x30
    private static let integer: UInt8 = 0x02
    private static let bitString: UInt8 = 0x03
    private static let octetString: UInt8 = 0x04
    private static let objectIdentifier: UInt8 = 0x06
    private static let boolean: UInt8 = 0x01
    private static let utcTime: UInt8 = 0x17
    private static let generalizedTime: UInt8 = 0x18
    private static let explicitZero: UInt8 = 0xA0

    /// Parses `der` when it is in the profile; `nil` otherwise (including every malformed input).
    static func parse(
        _ der: [UInt8], maximumEntries: Int, knownIssuer: (bytes: ArraySlice<UInt8>, name: DistinguishedName)? = nil
    ) -> Parts? {
        var outer = DERScanner(der)
        guard let list = outer.read(sequence), outer.isAtEnd else { return nil }
        var top = outer.inside(list)
        guard let tbs = top.read(sequence), let alg = top.read(sequence), let sig = top.read(bitString), top.isAtEnd
        else { return nil }
        // signature BIT STRING: no unused bits.
        guard sig.content.count >= 2, der[sig.content.lowerBound] == 0 else { return nil }
        let algorithm: Certificate.SignatureAlgorithm
        if isEncoding(der, alg, ecdsaSHA256) {
            algorithm = .ecdsaWithSHA256
        } else if isEncoding(der, alg, ecdsaSHA384) {
            algorithm = .ecdsaWithSHA384
        } else {
            return nil
        }

        var fields = outer.inside(tbs)
        guard let version = fields.read(integer), fields.content(version, equals: [0x01]) else { return nil }
        guard let innerAlg = fields.read(sequence), der[innerAlg.encoded].elementsEqual(der[alg.encoded]) else { return nil }
        guard let issuerElement = fields.read(sequence) else { return nil }
        let issuer: DistinguishedName
        if let knownIssuer, knownIssuer.bytes.elementsEqual(der[issuerElement.encoded]) {
            issuer = knownIssuer.name
        } else {
            guard let parsed = try? DistinguishedName(derEncoded: DER.parse(der[issuerElement.encoded])) else { return nil }
            issuer = parsed
        }
        guard let thisUpdate = time(&fields) else { return nil }
        var nextUpdate: Date?
        if fields.peekTag == utcTime || fields.peekTag == generalizedTime {
            guard let next = time(&fields) else { return nil }
            nextUpdate = next
        }
        var revoked: [ArraySlice<UInt8>] = []
        if fields.peekTag == sequence {
            guard let listElement = fields.read(sequence) else { return nil }
            var entries = fields.inside(listElement)
            while !entries.isAtEnd {
                guard revoked.count < maximumEntries, let entry = entries.read(sequence),
                    let serial = entrySerial(entries.inside(entry))
                else { return nil }
                revoked.append(serial)
            }
        }
        guard let tagged = fields.read(explicitZero), fields.isAtEnd else { return nil }
        var taggedContent = fields.inside(tagged)
        guard let extensions = taggedContent.read(sequence), taggedContent.isAtEnd,
            let (aki, crlNumber) = listExtensions(taggedContent.inside(extensions))
        else { return nil }
        return Parts(
            tbs: tbs.encoded, issuer: issuer, issuerRange: issuerElement.encoded, thisUpdate: thisUpdate, nextUpdate: nextUpdate, revoked: revoked,
            aki: aki, crlNumber: crlNumber, algorithm: algorithm,
            signature: Array(der[(sig.content.lowerBound + 1)..<sig.content.upperBound]))
    }

    private static func isEncoding(_ der: [UInt8], _ element: DERScanner.Element, _ expected: [UInt8]) -> Bool {
        element.encoded.count == expected.count && der[element.encoded].elementsEqual(expected)
    }

    /// `SEQUENCE { serialNumber INTEGER, revocationDate Time, crlEntryExtensions Extensions OPTIONAL }`: the serial
    /// as a non-negative minimal magnitude (leading zero bytes dropped).
    private static func entrySerial(_ entry: DERScanner) -> ArraySlice<UInt8>? {
        var fields = entry
        guard let serial = fields.read(integer), time(&fields) != nil else { return nil }
        let bytes = fields.content(serial)
        guard let first = bytes.first, first & 0x80 == 0 else { return nil }
        if bytes.count > 1, first == 0, bytes[bytes.startIndex + 1] & 0x80 == 0 { return nil }
        if !fields.isAtEnd {
            guard let extensions = fields.read(sequence), fields.isAtEnd else { return nil }
            var count = 0
            let ok = forEachExtension(fields.inside(extensions)) { oid, critical, _ in
                count += 1
                guard count <= 64 else { return false }
                return !critical || oid.elementsEqual(oidReasonCode) || oid.elementsEqual(oidInvalidityDate)
            }
            guard ok else { return nil }
        }
        return bytes.drop { $0 == 0 }
    }

    /// The list extensions: exactly one AKI and one CRL Number, in any order, nothing else.
    private static func listExtensions(_ scanner: DERScanner) -> (aki: [UInt8], crlNumber: [UInt8])? {
        var aki: [UInt8]?
        var number: [UInt8]?
        var akiSeen = false
        let ok = forEachExtension(scanner) { oid, critical, value in
            if oid.elementsEqual(oidAKI) {
                guard !akiSeen,
                    let ext = try? AuthorityKeyIdentifier(
                        Certificate.Extension(oid: [2, 5, 29, 35], critical: critical, value: value)),
                    let identifier = ext.keyIdentifier
                else { return false }
                akiSeen = true
                aki = Array(identifier)
                return true
            }
            if oid.elementsEqual(oidCRLNumber) {
                guard number == nil, let parsed = try? DER.parse(value),
                    let integer = try? ArraySlice<UInt8>(derEncoded: parsed)
                else { return false }
                number = Array(integer)
                return true
            }
            return false
        }
        guard ok, let aki, let number else { return nil }
        return (aki, number)
    }

    /// Walks `Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`
    /// (an explicit FALSE is not DER and is refused); `body` gets the OID content, criticality and value, and
    /// returns whether to go on. Returns whether every extension was well formed and accepted.
    private static func forEachExtension(
        _ scanner: DERScanner, _ body: (ArraySlice<UInt8>, Bool, ArraySlice<UInt8>) -> Bool
    ) -> Bool {
        var list = scanner
        while !list.isAtEnd {
            guard let ext = list.read(sequence) else { return false }
            var parts = list.inside(ext)
            guard let oid = parts.read(objectIdentifier) else { return false }
            var critical = false
            if parts.peekTag == boolean {
                guard let flag = parts.read(boolean), parts.content(flag, equals: [0xFF]) else { return false }
                critical = true
            }
            guard let value = parts.read(octetString), parts.isAtEnd else { return false }
            guard body(parts.content(oid), critical, parts.content(value)) else { return false }
        }
        return true
    }

    /// Reads a `Time`: UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime `YYYYMMDDHHMMSSZ` (no fraction), with the
    /// calendar checks of swift-asn1 and seconds below 60.
    private static func time(_ scanner: inout DERScanner) -> Date? {
        let digitsCount: Int
        switch scanner.peekTag {
        case utcTime: digitsCount = 12
        case generalizedTime: digitsCount = 14
        default: return nil
        }
        guard let element = scanner.read(scanner.peekTag ?? 0), element.content.count == digitsCount + 1 else {
            return nil
        }
        let bytes = scanner.bytes
        var index = element.content.lowerBound
        guard bytes[element.content.upperBound - 1] == UInt8(ascii: "Z") else { return nil }
        // Two decimal digits at `index`, advancing; nil for a non-digit.
        func pair() -> Int? {
            let high = bytes[index] &- UInt8(ascii: "0")
            let low = bytes[index + 1] &- UInt8(ascii: "0")
            index += 2
            return high < 10 && low < 10 ? Int(high) * 10 + Int(low) : nil
        }
        let year: Int
        if digitsCount == 12 {
            guard let yy = pair() else { return nil }
            year = yy < 50 ? 2000 + yy : 1900 + yy
        } else {
            guard let century = pair(), let yy = pair() else { return nil }
            year = century * 100 + yy
        }
        guard let month = pair(), let day = pair(), let hour = pair(), let minute = pair(), let second = pair(),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
            second < 60
        else { return nil }
        return ASN1Time.date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
