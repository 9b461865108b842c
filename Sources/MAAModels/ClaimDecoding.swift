import MAAJOSE
import MAAWire

/// Reads typed claims, rejecting a present claim of the wrong type rather than ignoring it.
struct ClaimReader {
    let claims: JSONObject

    func string(_ name: String) throws(JOSEError) -> String? {
        guard let value = claims[name] else { return nil }
        guard let string = value.stringValue else { throw JOSEError(.invalidClaim, "claim \"\(name)\" is not a string") }
        return string
    }

    func bool(_ name: String) throws(JOSEError) -> Bool? {
        guard let value = claims[name] else { return nil }
        guard let bool = value.boolValue else { throw JOSEError(.invalidClaim, "claim \"\(name)\" is not a boolean") }
        return bool
    }

    func integer(_ name: String) throws(JOSEError) -> Int64? {
        guard let value = claims[name] else { return nil }
        guard let integer = value.integerValue else { throw JOSEError(.invalidClaim, "claim \"\(name)\" is not an integer") }
        return integer
    }

    func object(_ name: String) throws(JOSEError) -> JSONObject? {
        guard let value = claims[name] else { return nil }
        guard let object = value.objectValue else { throw JOSEError(.invalidClaim, "claim \"\(name)\" is not an object") }
        return object
    }

    func base64URL(_ name: String) throws(JOSEError) -> [UInt8]? {
        guard let text = try string(name) else { return nil }
        do { return try Base64.decode(text, alphabet: .url) } catch {
            throw JOSEError(.invalidClaim, "claim \"\(name)\" is not base64url")
        }
    }

    func hex(_ name: String) throws(JOSEError) -> [UInt8]? {
        guard let text = try string(name) else { return nil }
        do { return try Hex.decode(text) } catch { throw JOSEError(.invalidClaim, "claim \"\(name)\" is not hex") }
    }

    func jwk(_ name: String) throws(JOSEError) -> JWK? {
        guard let object = try object(name) else { return nil }
        return try JWK(json: object)
    }
}
