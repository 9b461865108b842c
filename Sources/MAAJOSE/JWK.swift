public import MAAWire
public import X509
import SwiftASN1
import _CryptoExtras
import Crypto

/// A JSON Web Key (RFC 7517) holding a public key, as MAA publishes them in `/certs` and policy tokens.
///
/// All members are kept as received in ``json``; typed accessors read them.
public struct JWK: Sendable, Hashable {
    /// The key's members, in order.
    public let json: JSONObject

    /// Wraps a JWK object. Requires a string `kty`; `x5c`, when present, must be an array of strings.
    public init(json: JSONObject) throws(JOSEError) {
        guard json["kty"]?.stringValue != nil else { throw JOSEError(.invalidKey, "JWK has no string \"kty\"") }
        if let x5c = json["x5c"] {
            guard let array = x5c.arrayValue, array.allSatisfy({ $0.stringValue != nil }) else {
                throw JOSEError(.invalidKey, "JWK \"x5c\" is not an array of strings")
            }
        }
        self.json = json
    }

    /// A JWK carrying a certificate chain (leaf first) in `x5c`, in the member order MAA uses in `/certs`
    /// (`x5c`, `kid`, `kty`), plus any `extra` members.
    public init(certificateChain: [Certificate], keyID: String? = nil, extra: JSONObject = JSONObject()) throws(JOSEError) {
        var der: [[UInt8]] = []
        for certificate in certificateChain {
            var serializer = DER.Serializer()
            do { try serializer.serialize(certificate) } catch {
                throw JOSEError(.invalidKey, "cannot serialize certificate: \(error)")
            }
            der.append(serializer.serializedBytes)
        }
        try self.init(certificateChainDER: der, keyID: keyID, extra: extra)
    }

    /// A JWK carrying DER certificates (leaf first) in `x5c`.
    public init(certificateChainDER der: [[UInt8]], keyID: String? = nil, extra: JSONObject = JSONObject()) throws(JOSEError) {
        guard let leaf = der.first else { throw JOSEError(.invalidKey, "empty certificate chain") }
        let certificate: Certificate
        do { certificate = try Certificate(derEncoded: leaf) } catch {
            throw JOSEError(.invalidKey, "x5c[0] is not a certificate: \(error)")
        }
        let key = try JWSVerificationKey(certificate: certificate)
        var object = JSONObject()
        object["x5c"] = .array(der.map { .string(Base64.standardEncoded($0)) })
        if let keyID { object["kid"] = .string(keyID) }
        object["kty"] = .string(key.keyType)
        for member in extra.members { object[member.key] = member.value }
        self.json = object
    }

    /// `kty`.
    public var keyType: String { json["kty"]?.stringValue ?? "" }
    /// `kid`.
    public var keyID: String? { json["kid"]?.stringValue }
    /// `alg`.
    public var algorithm: String? { json["alg"]?.stringValue }
    /// `use`.
    public var use: String? { json["use"]?.stringValue }

    /// The DER certificates of `x5c` (standard base64, padded, per RFC 7517 §4.7), leaf first; empty if absent.
    public func certificateChainDER() throws(JOSEError) -> [[UInt8]] {
        guard let x5c = json["x5c"]?.arrayValue else { return [] }
        var result: [[UInt8]] = []
        for entry in x5c {
            do {
                result.append(try Base64.decode(entry.stringValue ?? "", alphabet: .standard))
            } catch {
                throw JOSEError(.invalidKey, "x5c entry is not standard base64: \(error.reason)")
            }
        }
        return result
    }

    /// The parsed `x5c` certificates, leaf first; empty if absent.
    public func certificateChain() throws(JOSEError) -> [Certificate] {
        var certificates: [Certificate] = []
        for der in try certificateChainDER() {
            do { certificates.append(try Certificate(derEncoded: der)) } catch {
                throw JOSEError(.invalidKey, "x5c entry is not a valid certificate: \(error)")
            }
        }
        return certificates
    }

    /// The public key: from the `x5c` leaf when present (it must then agree with any `n`/`e`/`x`/`y` members),
    /// else from the RSA (`n`, `e`) or EC (`crv`, `x`, `y`) members.
    public func verificationKey() throws(JOSEError) -> JWSVerificationKey {
        let chain = try certificateChain()
        let memberKey = try keyFromMembers()
        if let leaf = chain.first {
            let key = try JWSVerificationKey(certificate: leaf)
            if let memberKey, memberKey.subjectPublicKeyInfo != key.subjectPublicKeyInfo {
                throw JOSEError(.invalidKey, "JWK members disagree with its x5c certificate")
            }
            return key
        }
        guard let memberKey else { throw JOSEError(.invalidKey, "JWK has neither x5c nor key members") }
        return memberKey
    }

    private func member(_ name: String) throws(JOSEError) -> [UInt8]? {
        guard let text = json[name]?.stringValue else { return nil }
        do { return try Base64.decode(text, alphabet: .url) } catch {
            throw JOSEError(.invalidKey, "JWK member \"\(name)\" is not base64url")
        }
    }

    private func keyFromMembers() throws(JOSEError) -> JWSVerificationKey? {
        switch keyType {
        case "RSA":
            guard let n = try member("n"), let e = try member("e") else { return nil }
            let key: _RSA.Signing.PublicKey
            do { key = try _RSA.Signing.PublicKey(n: n, e: e) } catch {
                throw JOSEError(.invalidKey, "invalid RSA JWK: \(error)")
            }
            return try JWSVerificationKey(rsa: key)
        case "EC":
            guard let x = try member("x"), let y = try member("y") else { return nil }
            do {
                switch json["crv"]?.stringValue {
                case "P-256": return JWSVerificationKey(p256: try P256.Signing.PublicKey(rawRepresentation: x + y))
                case "P-384": return JWSVerificationKey(p384: try P384.Signing.PublicKey(rawRepresentation: x + y))
                default: throw JOSEError(.invalidKey, "unsupported EC curve")
                }
            } catch let error as JOSEError {
                throw error
            } catch {
                throw JOSEError(.invalidKey, "invalid EC JWK: \(error)")
            }
        default:
            return nil
        }
    }
}

/// A JWK Set (RFC 7517 §5): `{"keys":[…]}`.
public struct JWKS: Sendable, Hashable {
    /// The keys in order.
    public var keys: [JWK]

    public init(keys: [JWK]) { self.keys = keys }

    /// Parses a JWKS document. Every member of `keys` must be a valid JWK.
    public init(parsing bytes: some Collection<UInt8>) throws(JOSEError) {
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch {
            throw JOSEError(.malformed, "JWKS is not valid JSON: \(error.reason)")
        }
        try self.init(json: value)
    }

    /// Reads a JWKS from a JSON value.
    public init(json value: JSONValue) throws(JOSEError) {
        guard let keys = value["keys"]?.arrayValue else { throw JOSEError(.malformed, "JWKS has no \"keys\" array") }
        var parsed: [JWK] = []
        for key in keys {
            guard let object = key.objectValue else { throw JOSEError(.invalidKey, "a JWKS key is not an object") }
            parsed.append(try JWK(json: object))
        }
        self.keys = parsed
    }

    /// The JWKS as a JSON value.
    public var json: JSONValue { ["keys": .array(keys.map { .object($0.json) })] }
}
