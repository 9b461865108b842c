import Crypto
import Foundation
@testable import MAAClient
import MAAJOSE
import MAATesting
import MAAWire
import Synchronization

/// An in-memory MAA instance for security tests: publishes signers at `/certs` and answers attestation calls with
/// tokens the test shapes (issuer, times, key, header, `alg`).
final class FakeInstance: Sendable {
    struct Key: Sendable {
        let keyID: String
        let key: JWSSigningKey
        let certificateDER: [UInt8]

        static func make(_ keyID: String) throws -> Key {
            let generated = try TestPKI.p256Signer(commonName: "fake signer \(keyID)")
            return Key(keyID: keyID, key: JWSSigningKey(p256: generated.key), certificateDER: generated.der)
        }

        var jwk: JWK { get throws { try JWK(certificateChainDER: [certificateDER], keyID: keyID) } }
    }

    struct State: Sendable {
        /// The keys `/certs` publishes.
        var published: [Key]
        /// How the next attestation token is made.
        var nextToken: @Sendable (_ issuer: String) throws -> String
        var certsFetches = 0
    }

    static let issuedAt: Int64 = 1_800_000_000
    static let url = "https://fake.attest.test"

    let state: Mutex<State>

    init(published: [Key], nextToken: @escaping @Sendable (String) throws -> String) {
        state = Mutex(State(published: published, nextToken: nextToken))
    }

    var certsFetches: Int { state.withLock { $0.certsFetches } }

    func update(_ body: (inout State) -> Void) { state.withLock { body(&$0) } }

    /// The transport serving this instance.
    var transport: StubTransport {
        StubTransport { [self] request, _ in
            let path = URLComponents(string: request.url)?.path ?? ""
            if path == "/certs" {
                let keys = try state.withLock { state in
                    state.certsFetches += 1
                    return try state.published.map { try $0.jwk }
                }
                return .json(JWKS(keys: keys).json.serialized(.preservingOrder))
            }
            let make = state.withLock { $0.nextToken }
            let token = try make(Self.url)
            return .json(JSONValue.object(["token": .string(token)]).serialized(.maa), headers: [(name: "x-ms-request-id", value: "req-1")])
        }
    }

    /// Standard claims for a token issued at ``issuedAt`` by `issuer`.
    static func claims(issuer: String, lifetime: Int64 = 28_800) -> JSONObject {
        [
            "exp": .integer(issuedAt + lifetime), "iat": .integer(issuedAt), "iss": .string(issuer),
            "nbf": .integer(issuedAt), "x-ms-attestation-type": "sgx", "x-ms-ver": "1.0",
        ]
    }

    /// A token signed by `key`, with header `kid` = the key's id (or `keyID` when given).
    static func signed(by key: Key, keyID: String?? = nil, claims: JSONObject, extraHeader: JSONObject = JSONObject()) throws -> String {
        var header: JSONObject = ["jku": .string(url + "/certs"), "typ": "JWT"]
        switch keyID {
        case .none: header["kid"] = .string(key.keyID)
        case .some(.some(let value)): header["kid"] = .string(value)
        case .some(.none): break
        }
        for member in extraHeader.members { header[member.key] = member.value }
        return try JWS.sign(header: header, claims: claims, key: key.key).compact
    }

    /// An unsecured (`alg: none`) token, as MAA returns for a draft policy.
    static func unsecured(claims: JSONObject) -> String {
        JWS.unsecured(header: ["jku": .string(url + "/certs"), "typ": "JWT"],
                      payload: JSONValue.object(claims).serializedBytes(.maa)).compact
    }

    /// Client options for this instance, validating as of `at` (default: just after issue).
    static func options(_ transport: any HTTPTransport, at seconds: Int64 = issuedAt + 60) -> AttestationClientOptions {
        var options = AttestationClientOptions()
        options.transport = transport
        options.retryPolicy = .none
        options.tokenValidation = .at(Date(timeIntervalSince1970: Double(seconds)))
        return options
    }
}
