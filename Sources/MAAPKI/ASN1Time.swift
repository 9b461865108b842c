public import Foundation
public import SwiftASN1

/// Conversion of ASN.1 times (UTCTime, GeneralizedTime) to `Date` without a calendar or the clock (also used by
/// MAASEVSNP's AMD certificate reader).
public enum ASN1Time {
    /// Parses a `Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }` node.
    public static func date(from node: ASN1Node) throws -> Date {
        switch node.identifier {
        case .utcTime:
            let t = try UTCTime(derEncoded: node)
            return date(year: t.year, month: t.month, day: t.day, hour: t.hours, minute: t.minutes, second: t.seconds)
        case .generalizedTime:
            let t = try GeneralizedTime(derEncoded: node)
            return date(year: t.year, month: t.month, day: t.day, hour: t.hours, minute: t.minutes, second: t.seconds)
        default:
            throw ASN1Error.unexpectedFieldType(node.identifier)
        }
    }

    /// Seconds since the Unix epoch for a proleptic-Gregorian UTC civil time (values already range-checked by
    /// swift-asn1). Days-from-civil after H. Hinnant's public-domain formulation.
    static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
