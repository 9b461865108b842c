import MAADCAP
import MAAPolicy
import MAAWire

/// Conversions between the verifier's claims, the policy engine's claims and token JSON.
enum ClaimConversion {
    /// Token JSON of a verifier claim set, by name (tokens are serialized with sorted keys).
    static func tokenClaims(_ claims: [String: MAADCAP.ClaimValue]) -> [String: JSONValue] {
        claims.mapValues(\.jsonValue)
    }

    /// Policy-engine claims: scalars as they are, arrays as one claim per scalar element (e.g. one
    /// `x-ms-sgx-advisory-ids` claim per advisory), objects left out (the policy language has no object values).
    static func policyClaims(_ claims: [String: MAADCAP.ClaimValue]) -> [Claim] {
        var result: [Claim] = []
        result.reserveCapacity(claims.count + 8)
        let entries = Array(claims)
        for position in UTF8Order.sortedPositions(of: entries.map(\.key)) {
            let (type, value) = entries[position]
            switch value {
            case .array(let elements):
                for element in elements {
                    if let scalar = scalar(element) { result.append(Claim(type: type, value: scalar)) }
                }
            default:
                if let scalar = scalar(value) { result.append(Claim(type: type, value: scalar)) }
            }
        }
        return result
    }

    private static func scalar(_ value: MAADCAP.ClaimValue) -> MAAPolicy.ClaimValue? {
        switch value {
        case .string(let text): .string(text)
        case .integer(let number): .integer(number)
        case .bool(let flag): .boolean(flag)
        case .array, .object: nil
        }
    }

    /// Token JSON of a policy-issued claim value.
    static func json(_ value: MAAPolicy.ClaimValue) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .integer(let number): .integer(number)
        case .boolean(let flag): .bool(flag)
        }
    }

    /// Adds policy-issued claims at the top level. A type issued more than once becomes an array; issued claims
    /// never replace claims the service or verifier set.
    static func merge(issued: [Claim], into claims: inout [String: JSONValue]) {
        var grouped: [(String, [JSONValue])] = []
        for claim in issued {
            if let index = grouped.firstIndex(where: { $0.0 == claim.type }) {
                grouped[index].1.append(json(claim.value))
            } else {
                grouped.append((claim.type, [json(claim.value)]))
            }
        }
        for (type, values) in grouped where claims[type] == nil {
            claims[type] = values.count == 1 ? values[0] : .array(values)
        }
    }
}
