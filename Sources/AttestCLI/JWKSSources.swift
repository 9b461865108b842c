import Foundation
import MAAJOSE
import MAAService

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An OpenID Connect issuer's keys from a local JWKS file (re-read on every refresh).
struct FileJWKSSource: JWKSSource {
    let path: String

    func fetch() async throws -> JWKS {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard data.count <= 1 << 20 else { throw ServiceError.invalidParameter("JWKS file too large") }
        return try JWKS(parsing: Array(data))
    }
}

/// An OpenID Connect issuer's keys from its `jwks_uri` (https, or http on loopback only).
struct URLJWKSSource: JWKSSource {
    let url: URL

    init(_ text: String) throws {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else {
            throw ValidationErrorText("--oidc-jwks is not a URL or file: \(text)")
        }
        let loopback = host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]"
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw ValidationErrorText("--oidc-jwks must be https (http only on loopback)")
        }
        self.url = url
    }

    func fetch() async throws -> JWKS {
        var request = URLRequest(url: url)
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200, data.count <= 1 << 20 else {
            throw ServiceError.unauthorized("could not fetch the issuer's JWKS")
        }
        return try JWKS(parsing: Array(data))
    }
}

struct ValidationErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
