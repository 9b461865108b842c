import MAAWire

extension Claim {
    /// Parses a JSON array of claims, `[{"type": "…", "value": …, "issuer": "…"}, …]`, as `attest policy eval
    /// --claims` reads it. Values are strings, integers or booleans (a fraction, `null`, an array or an object is
    /// rejected); `issuer` is optional and defaults to `AttestationService`; any other member is rejected.
    public static func array(fromJSON bytes: [UInt8]) throws(WireError) -> [Claim] {
        let document = try JSONValue(parsing: bytes)
        guard case .array(let elements) = document else {
            throw WireError(.invalidValue, "claims must be a JSON array")
        }
        var claims: [Claim] = []
        claims.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard case .object(let object) = element else {
                throw WireError(.invalidValue, "claim \(index) is not an object")
            }
            for key in object.keys where key != "type" && key != "value" && key != "issuer" {
                throw WireError(.invalidValue, "claim \(index) has an unknown member '\(key)'")
            }
            guard case .string(let type)? = object["type"] else {
                throw WireError(.invalidValue, "claim \(index) needs a string 'type'")
            }
            let value: ClaimValue
            switch object["value"] {
            case .string(let text)?: value = .string(text)
            case .integer(let number)?: value = .integer(number)
            case .bool(let flag)?: value = .boolean(flag)
            default: throw WireError(.invalidValue, "claim \(index) ('\(type)') needs a string, integer or boolean 'value'")
            }
            let issuer: ClaimIssuer
            switch object["issuer"] {
            case nil: issuer = .attestationService
            case .string(let name)?: issuer = ClaimIssuer(rawValue: name)
            default: throw WireError(.invalidValue, "claim \(index) ('\(type)') has a non-string 'issuer'")
            }
            claims.append(Claim(type: type, value: value, issuer: issuer))
        }
        return claims
    }
}
