import MAAModels
import Foundation
import MAAService

/// An endpoint of one instance, relative to the instance URL.
enum InstanceEndpoint: Sendable, Equatable {
    case attest(AttestationType)
    case policy(AttestationType)
    case policyReset(AttestationType)
    case certificates
    case certificatesAdd
    case certificatesRemove
    case certs
    case openIDConfiguration

    /// Parses the path components after the instance prefix; `nil` for an unknown path.
    init?(components: ArraySlice<String>) {
        let parts = Array(components)
        switch parts.count {
        case 1:
            switch parts[0] {
            case "certificates": self = .certificates
            case "certificates:add": self = .certificatesAdd
            case "certificates:remove": self = .certificatesRemove
            case "certs": self = .certs
            default: return nil
            }
        case 2:
            switch parts[0] {
            case "attest":
                guard let type = AttestationType(rawValue: String(parts[1])) else { return nil }
                self = .attest(type)
            case "policies":
                if parts[1].hasSuffix(":reset") {
                    guard let type = AttestationType(rawValue: String(parts[1].dropLast(":reset".count))) else { return nil }
                    self = .policyReset(type)
                } else {
                    guard let type = AttestationType(rawValue: String(parts[1])) else { return nil }
                    self = .policy(type)
                }
            case ".well-known":
                guard parts[1] == "openid-configuration" else { return nil }
                self = .openIDConfiguration
            default:
                return nil
            }
        default:
            return nil
        }
    }

    /// The methods this endpoint answers.
    var allowedMethods: [String] {
        switch self {
        case .attest, .policyReset, .certificatesAdd, .certificatesRemove: ["POST"]
        case .policy: ["GET", "PUT"]
        case .certificates, .certs, .openIDConfiguration: ["GET"]
        }
    }

    /// Whether `api-version` is required (everything but `/certs` and the OpenID metadata).
    var requiresAPIVersion: Bool {
        switch self {
        case .certs, .openIDConfiguration: false
        default: true
        }
    }

    /// A bounded label for metrics and logs.
    func label(method: String) -> String {
        switch self {
        case .attest: "attest"
        case .policy: method == "PUT" ? "policies.set" : "policies.get"
        case .policyReset: "policies.reset"
        case .certificates: "certificates.get"
        case .certificatesAdd: "certificates.add"
        case .certificatesRemove: "certificates.remove"
        case .certs: "certs"
        case .openIDConfiguration: "openid-configuration"
        }
    }
}

/// Splitting and decoding of request paths.
enum RoutePath {
    /// The percent-decoded, non-empty components of a path, or `nil` if it is malformed (empty segment,
    /// bad escape, NUL) — such paths are simply not found.
    static func components(_ path: String) -> [String]? {
        // Split as UTF-8 bytes: splitting the `String` would break it into grapheme clusters (measured: ≈ 15 K
        // instructions for a four-segment path, on every request).
        let slash = UInt8(ascii: "/")
        let utf8 = path.utf8
        guard utf8.first == slash else { return nil }
        var raw = utf8.dropFirst()
        if raw.isEmpty { return [] }
        if raw.last == slash { raw = raw.dropLast() }
        var result: [String] = []
        for segment in raw.split(separator: slash, omittingEmptySubsequences: false) {
            guard !segment.isEmpty else { return nil }
            let text = String(Substring(segment))
            guard segment.contains(UInt8(ascii: "%")) else {
                guard !segment.contains(0) else { return nil }
                result.append(text)
                continue
            }
            guard let decoded = text.removingPercentEncoding, !decoded.contains("\u{0}"), !decoded.contains("/") else {
                return nil
            }
            result.append(decoded)
        }
        return result
    }
}
