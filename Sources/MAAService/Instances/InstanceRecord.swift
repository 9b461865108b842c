public import MAADCAP

/// The stored configuration of one attestation instance (tenant).
public struct InstanceRecord: Sendable, Hashable, Codable {
    /// The instance name: the first path component under the server's public URL.
    public var name: String
    /// The trust model.
    public var mode: InstanceMode
    /// TCB statuses for which attestation succeeds; anything else is rejected with a clear error.
    public var acceptedTCBStatuses: [TCBStatus]
    /// An explicit public base URL (e.g. `https://contoso.attest.example`); its host name also routes to this
    /// instance. When `nil` the instance URL is the server's public URL followed by `/<name>`.
    public var baseURL: String?
    /// Unix seconds at creation.
    public var createdAt: Int64

    public init(
        name: String,
        mode: InstanceMode,
        acceptedTCBStatuses: [TCBStatus] = TCBStatus.secureDefault,
        baseURL: String? = nil,
        createdAt: Int64
    ) {
        self.name = name
        self.mode = mode
        self.acceptedTCBStatuses = acceptedTCBStatuses
        self.baseURL = baseURL
        self.createdAt = createdAt
    }

    /// The instance URL (token `iss`, signing-certificate CN) given the server's public base URL.
    public func url(serverBaseURL: String) -> String {
        if let baseURL { return Self.trimmed(baseURL) }
        return Self.trimmed(serverBaseURL) + "/" + name
    }

    /// The host (without port) of ``baseURL``, used for host-name routing.
    public var hostName: String? {
        guard let baseURL else { return nil }
        return Self.host(ofURL: baseURL)
    }

    static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// The lower-cased host of an `http(s)://host[:port][/path]` URL, or `nil` if it is not of that form.
    public static func host(ofURL url: String) -> String? {
        // On UTF-8 bytes (URL syntax is ASCII; `Character`s would cost grapheme breaking on every request, which
        // routes by its Host header through here).
        let lower = url.lowercased()
        let utf8 = lower.utf8
        let rest: Substring.UTF8View
        if utf8.starts(with: "https://".utf8) {
            rest = utf8.dropFirst(8)
        } else if utf8.starts(with: "http://".utf8) {
            rest = utf8.dropFirst(7)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        if authority.first == UInt8(ascii: "[") {  // IPv6 literal
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            return String(Substring(authority[...close]))
        }
        let host = authority.prefix { $0 != UInt8(ascii: ":") }
        return host.isEmpty ? nil : String(Substring(host))
    }
}
