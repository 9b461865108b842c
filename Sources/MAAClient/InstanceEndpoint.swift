import MAAModels
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A validated instance URL: `http` or `https`, a host, an optional port and path prefix, no query, fragment or
/// user info, kept without a trailing slash (the form MAA uses as its token issuer).
struct InstanceEndpoint: Sendable, Hashable {
    /// The normalized URL, e.g. `https://contoso.wus.attest.azure.net`.
    let base: String
    /// Whether the scheme is `https`.
    let isHTTPS: Bool

    init(_ text: String) throws(AttestationClientError) {
        var trimmed = HTTPDate.trimmed(text)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http"
        else {
            throw AttestationClientError(.invalidArgument, "the instance URL must be an absolute http(s) URL: \(text)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw AttestationClientError(.invalidArgument, "the instance URL has no host: \(text)")
        }
        guard components.query == nil, components.fragment == nil, components.user == nil, components.password == nil
        else {
            throw AttestationClientError(
                .invalidArgument, "the instance URL must not carry a query, fragment or user info: \(text)")
        }
        base = trimmed
        isHTTPS = scheme == "https"
    }

    /// The URL of `path` (which starts with `/`), with `?api-version=` when given.
    func url(_ path: String, apiVersion: APIVersion?) -> String {
        guard let apiVersion else { return base + path }
        return base + path + "?api-version=" + apiVersion.rawValue
    }
}
