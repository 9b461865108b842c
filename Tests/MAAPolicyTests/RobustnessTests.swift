import Foundation
import MAAPolicy
import MAATesting
import Testing

/// No input crashes the parser or the evaluator, and every input is handled in bounded time.
@Suite struct RobustnessTests {

    static let fragments: [String] = [
        "=>", "==", "!=", "<=", ">=", "<", ">", "&&", "!", "[", "]", "{", "}", "(", ")", ";", ",", ":", ".", "=",
        "\"", "\\", "//", "/*", "\n", " ", "\t", "c", "c.value", "type", "value", "issuer", "permit()", "deny()",
        "issue(", "add(", "issueproperty(", "claim=c", "true", "false", "0", "-1", "1.5", "99999999999999999999",
        "JmesPath(", "JsonToClaimValue(", "IsSubsetOf(", "AppendString(", "NegateBool(", "ContainsOnlyValue(",
        "version=1.2;", "configurationrules{", "authorizationrules{", "issuancerules{", "é", "☃", "\u{0}", "💥",
    ]

    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = out.isEmpty ? 0 : Int.random(in: 0...out.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0 where position < out.count:
                let end = min(out.count, position + Int.random(in: 1...8, using: &rng))
                out.removeSubrange(position..<end)
            case 1:
                let fragment = fragments[Int.random(in: 0..<fragments.count, using: &rng)]
                out.insert(contentsOf: Array(fragment.utf8), at: position)
            case 2 where position < out.count:
                out[position] = UInt8.random(in: 0x20...0x7E, using: &rng)
            case 3 where !out.isEmpty:
                let start = Int.random(in: 0..<out.count, using: &rng)
                let end = min(out.count, start + Int.random(in: 1...40, using: &rng))
                out.insert(contentsOf: out[start..<end], at: position)
            case 4:
                out = Array(out.prefix(position))
            default:
                out.insert(UInt8.random(in: 0...0xFF, using: &rng), at: position)
            }
        }
        return out
    }

    static var seeds: [String] {
        SpecVector.all.map(\.policy) + [DefaultPolicies.sharedInstance, DefaultPolicies.sgxDocumented]
    }

    @Test func mutatedPoliciesNeverCrash() throws {
        var rng = SplitMix64(seed: 0x5EED_2026)
        let seeds = Self.seeds.map { Array($0.utf8) }
        try #require(seeds.count > 50)
        let claims = IncomingClaims.sgx(debuggable: false)
        var parsed = 0
        var rejected = 0
        for iteration in 0..<4000 {
            let bytes = Self.mutate(seeds[iteration % seeds.count], &rng)
            // Invalid UTF-8 becomes U+FFFD, as it would when a service decodes the request.
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                let policy = try AttestationPolicy(text: text)
                parsed += 1
                do {
                    _ = try policy.evaluate(claims)
                } catch {
                    #expect(error.code == .evaluationError)
                }
            } catch {
                rejected += 1
                #expect(error.code == .parsingError)
                let position = try #require(error.position)
                #expect(position.line >= 1 && position.column >= 1)
                #expect(position.offset >= 0 && position.offset <= text.utf8.count)
                #expect(!error.reason.isEmpty)
            }
        }
        #expect(parsed + rejected == 4000)
        // The mutations must exercise both paths.
        #expect(parsed > 100 && rejected > 1000)
    }

    static let header = "version=1.2; authorizationrules{=> permit();}; issuancerules{"

    @Test func deepFunctionNesting() {
        let depth = 10_000
        let text = Self.header + "=> issue(type=\"x\", value=" + String(repeating: "NegateBool(", count: depth) + "true"
            + String(repeating: ")", count: depth) + ");};"
        #expect {
            try AttestationPolicy(text: text)
        } throws: { error in
            (error as? PolicyError)?.reason == "function calls nested deeper than 16"
        }
    }

    @Test func deepBrackets() {
        #expect(throws: PolicyError.parsing) {
            try AttestationPolicy(text: Self.header + String(repeating: "[", count: 100_000))
        }
        #expect(throws: PolicyError.parsing) {
            try AttestationPolicy(text: Self.header + String(repeating: "{", count: 100_000))
        }
    }

    @Test func policyOverOneMebibyteIsRejectedUpFront() {
        let text = DefaultPolicies.minimalPermitAll + String(repeating: " ", count: 1 << 20)
        #expect {
            try AttestationPolicy(text: text)
        } throws: { error in
            guard let error = error as? PolicyError else { return false }
            return error.code == .parsingError && error.position?.line == 1 && error.reason.contains("limit")
        }
    }

    @Test func nearlyOneMebibyteOfStringAndComment() throws {
        let long = String(repeating: "a", count: 500_000)
        let text = "version=1.2; // " + long + "\nauthorizationrules{=> permit();}; issuancerules{=> issue(type=\"s\", value=\""
            + long + "\");};"
        let result = try AttestationPolicy(text: text).evaluate([])
        #expect(result.issuedClaims.first?.value == .string(long))
    }

    @Test func thousandsOfRules() throws {
        let rules = (0..<5000).map { "c:[type==\"t\(($0 * 7) % 50)\"] => add(type=\"t\($0 % 50)\", value=c.value);" }
        let text = "version=1.0; authorizationrules{=> add(type=\"t0\", value=0); => permit();}; issuancerules{"
            + rules.joined() + "};"
        let policy = try AttestationPolicy(text: text)
        #expect(policy.document.issuanceRules?.rules.count == 5000)
        // Bounded either way: a result, or a limit reached as a clean evaluation error.
        do {
            _ = try policy.evaluate([])
        } catch {
            #expect(error.code == .evaluationError)
        }
        let tooMany = (0..<10_001).map { _ in "=> permit();" }.joined()
        #expect(throws: PolicyError.parsing) {
            try AttestationPolicy(text: "version=1.0; authorizationrules{" + tooMany + "};")
        }
    }

    @Test func exponentialClaimGrowthHitsTheLimit() throws {
        let doubling = String(repeating: "c:[] => add(claim=c);", count: 40)
        let policy = try AttestationPolicy(text: Self.header + doubling + "};")
        #expect {
            try policy.evaluate(IncomingClaims.sgx(debuggable: false))
        } throws: { error in
            (error as? PolicyError)?.reason.contains("claims") == true
        }
    }

    @Test func exponentialStringGrowthHitsTheLimit() throws {
        let doubling = String(
            repeating: "c:[type==\"s\"] => add(type=\"s\", value=AppendString(c.value, c.value));", count: 40)
        let policy = try AttestationPolicy(
            text: Self.header.replacingOccurrences(of: "issuancerules{", with: "issuancerules{=> add(type=\"s\", value=\"ab\");")
                + doubling + "};")
        #expect(throws: PolicyError.evaluation) { try policy.evaluate([]) }
    }

    @Test func scanWorkIsBounded() throws {
        // 12 doublings reach 4 096 claims, then hundreds of rules each scan them all: over 1 000 000 claim tests.
        let grow = String(repeating: "c:[] => add(claim=c);", count: 12)
        let scans = String(repeating: "[type==\"none\"] => add(type=\"x\", value=1);", count: 300)
        let policy = try AttestationPolicy(text: Self.header + grow + scans + "};")
        #expect(throws: PolicyError.evaluation) { try policy.evaluate([Claim(type: "a", value: .integer(1))]) }
    }

    @Test func manyDistinctProperties() throws {
        let rules = (0..<9000).map { "=> issueproperty(type=\"p\($0)\", value=\($0));" }.joined()
        let result = try AttestationPolicy(text: Self.header + rules + "};").evaluate([])
        #expect(result.properties.entries.count == 9000)
        #expect(result.properties["p8999"] == .integer(8999))
    }

    @Test func repeatedLookupsInALargeObjectAreCharged() throws {
        // A 20 000-member object referenced 2^16 times, then a member looked up in each reference.
        let members = (0..<20_000).map { "\\\"k\($0)\\\":\($0)" }.joined(separator: ",")
        func policy(doublings: Int) throws -> AttestationPolicy {
            let doubling = Array(repeating: "[@, @] | []", count: doublings).joined(separator: " | ")
            return try AttestationPolicy(
                text: Self.header + "=> issue(type=\"x\", value=JmesPath(\"{\(members)}\", "
                    + "\"[@] | \(doubling) | [*].k19999 | length(@)\"));};")
        }
        // A few lookups are fine…
        #expect(try policy(doublings: 3).evaluate([]).issuedClaims.first?.value == .string("8"))
        // …but 65 536 of them exceed the budget instead of scanning 1.3 billion members.
        #expect {
            try policy(doublings: 16).evaluate([])
        } throws: { error in
            (error as? PolicyError)?.reason.contains("evaluation budget") == true
        }
    }

    @Test func pathologicalJSONAndQueries() throws {
        let deepJSON = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let deepQuery = String(repeating: "(", count: 10_000) + "a" + String(repeating: ")", count: 10_000)
        let longChain = Array(repeating: "a", count: 5000).joined(separator: ".")
        let longPipe = Array(repeating: "a", count: 5000).joined(separator: " | ")
        for call in [#"JmesPath("\#(deepJSON)", "a")"#, #"JmesPath("{}", "\#(deepQuery)")"#,
                     #"JmesPath("{}", "\#(longChain)")"#, #"JmesPath("{}", "\#(longPipe)")"#,
                     #"JsonToClaimValue("\#(deepJSON)")"#] {
            let policy = try AttestationPolicy(text: Self.header + "=> issue(type=\"x\", value=\(call));};")
            #expect(throws: PolicyError.evaluation) { try policy.evaluate([]) }
        }
    }
}
