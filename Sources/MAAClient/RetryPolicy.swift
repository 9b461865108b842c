#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// When and how long the client waits before trying a failed request again.
///
/// Retried: HTTP 408, 429, 500, 502, 503 and 504, and transport failures where no response arrived. A 4xx other
/// than 408/429 is never retried. The wait is exponential backoff with jitter, or what the service asks for in
/// `Retry-After` / `retry-after-ms` / `x-ms-retry-after-ms` when it says; a requested wait longer than
/// ``maximumDelay`` ends the retries instead.
public struct RetryPolicy: Sendable {
    /// Retries after the first attempt (0 disables retrying).
    public var maximumRetries: Int = 3
    /// The backoff before the first retry; doubled for each further retry.
    public var baseDelay: Duration = .milliseconds(800)
    /// The longest wait between attempts, whether computed or asked for by the service.
    public var maximumDelay: Duration = .seconds(60)
    /// The HTTP statuses that are retried.
    public var retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]
    /// How the client waits (replaceable so tests can record the waits instead of sleeping).
    public var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    public init() {}

    /// A policy that never retries.
    public static var none: RetryPolicy {
        var policy = RetryPolicy()
        policy.maximumRetries = 0
        return policy
    }

    /// The backoff before retry number `retry` (0-based): `baseDelay · 2^retry`, capped at ``maximumDelay``, scaled
    /// by a random factor in [0.5, 1.0] so that clients failing together do not retry together.
    func backoff(retry: Int, random: Double) -> Duration {
        let exponent = min(max(retry, 0), 30)
        let base = Double(baseDelay.components.seconds) + Double(baseDelay.components.attoseconds) / 1e18
        let cap = Double(maximumDelay.components.seconds) + Double(maximumDelay.components.attoseconds) / 1e18
        // Clamped to a day so that no configuration can make the conversion below overflow.
        let seconds = min(86_400, max(0, min(cap, base * Double(1 << exponent)) * (0.5 + 0.5 * min(max(random, 0), 1))))
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// The wait a response asks for, from `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After` (delta seconds or
    /// an HTTP date relative to `now`); `nil` when it asks for none or the value is not understood.
    static func requestedDelay(_ response: HTTPTransportResponse, now: Date) -> Duration? {
        for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
            if let text = response.header(name).map(HTTPDate.trimmed), let ms = Int64(text), ms >= 0 {
                return .milliseconds(ms)
            }
        }
        guard let text = response.header("retry-after").map(HTTPDate.trimmed), !text.isEmpty else {
            return nil
        }
        if let seconds = Int64(text) { return seconds >= 0 ? .seconds(seconds) : nil }
        guard let date = HTTPDate.parse(text) else { return nil }
        let seconds = min(1e12, max(0, date.timeIntervalSince(now)))
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

/// IMF-fixdate parsing (RFC 9110 §5.6.7), the only HTTP date form a current server sends.
enum HTTPDate {
    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: String) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(text[first...last])
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Parses `Sun, 06 Nov 1994 08:49:37 GMT`; `nil` for anything else.
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
            let day = Int(parts[1]), (1...31).contains(day),
            let monthIndex = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3]), (1970...9999).contains(year)
        else { return nil }
        let time = parts[4].split(separator: ":")
        guard time.count == 3, let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2]),
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = daysFromCivil(year: year, month: monthIndex + 1, day: day)
        let seconds = Double(days) * 86_400 + Double(hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: seconds)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
