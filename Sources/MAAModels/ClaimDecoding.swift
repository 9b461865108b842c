import MAAJOSE
import MAAWire

/// Reads typed claims, rejecting a present claim of the wrong type rather than ignoring it.
///
/// Reads either a built ``JSONObject`` or, for a parsed token, its ``JSONObjectView`` in place (hex and base64url
/// claims are then decoded straight from the token's bytes, and no other claim is built).
enum ClaimReader: Sendable {
    case tree(JSONObject)
    case view(JSONObjectView)

    init(claims: JSONObject) { self = .tree(claims) }

    /// The whole claims object.
    var object: JSONObject {
        switch self {
        case .tree(let object): object
        case .view(let view): view.object
        }
    }

    func value(_ name: String) -> JSONValue? {
        switch self {
        case .tree(let object): object[name]
        case .view(let view): view.value(forKey: name)
        }
    }

    func string(_ name: String) throws(JOSEError) -> String? {
        guard let value = value(name) else { return nil }
        guard let string = value.stringValue else { throw JOSEError(.invalidClaim, "claim \"\(name)\" is not a string") }
        return string
    }

    func bool(_ name: String) throws(JOSEError) -> Bool? {
        guard let value = value(name) else { return nil }
        guard let bool = value.boolValue else { throw JOSEError(.invalidClaim, "claim \"\(name)\" is not a boolean") }
        return bool
    }

    func integer(_ name: String) throws(JOSEError) -> Int64? {
        guard let value = value(name) else { return nil }
        guard let integer = value.integerValue else { throw JOSEError(.invalidClaim, "claim \"\(name)\" is not an integer") }
        return integer
    }

    func object(_ name: String) throws(JOSEError) -> JSONObject? {
        guard let value = value(name) else { return nil }
        guard let object = value.objectValue else { throw JOSEError(.invalidClaim, "claim \"\(name)\" is not an object") }
        return object
    }

    /// The claim `name`, an object, as a reader of its own.
    func nested(_ name: String) throws(JOSEError) -> ClaimReader? {
        switch self {
        case .tree: return try object(name).map { .tree($0) }
        case .view(let view):
            do { return try view.object(forKey: name).map { .view($0) } } catch {
                throw JOSEError(.invalidClaim, "claim \"\(name)\" is not an object")
            }
        }
    }

    func base64URL(_ name: String) throws(JOSEError) -> [UInt8]? {
        try decodedString(name, as: "base64url") { bytes throws(WireError) in try Base64.decode(bytes: bytes, alphabet: .url) }
    }

    func hex(_ name: String) throws(JOSEError) -> [UInt8]? {
        try decodedString(name, as: "hex") { bytes throws(WireError) in try Hex.decode(bytes: bytes) }
    }

    /// A string claim decoded by `decode` from its UTF-8 bytes.
    private func decodedString(_ name: String, as encoding: String,
                               _ decode: (UnsafeRawBufferPointer) throws(WireError) -> [UInt8]) throws(JOSEError) -> [UInt8]? {
        switch self {
        case .tree:
            guard var text = try string(name) else { return nil }
            let result: Result<[UInt8], WireError> = text.withUTF8 { utf8 in
                do throws(WireError) { return .success(try decode(UnsafeRawBufferPointer(utf8))) } catch { return .failure(error) }
            }
            do { return try result.get() } catch { throw JOSEError(.invalidClaim, "claim \"\(name)\" is not \(encoding)") }
        case .view(let view):
            do {
                return try view.decodeString(forKey: name, decode)
            } catch where error.code == .invalidValue {
                throw JOSEError(.invalidClaim, "claim \"\(name)\" is not a string")
            } catch {
                throw JOSEError(.invalidClaim, "claim \"\(name)\" is not \(encoding)")
            }
        }
    }

    func jwk(_ name: String) throws(JOSEError) -> JWK? {
        guard let object = try object(name) else { return nil }
        return try JWK(json: object)
    }
}
