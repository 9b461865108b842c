import Foundation
import MAAPolicy
import MAAWire
import Testing

/// The `attest policy eval --json` shapes and the `--claims` file format are contracts: pin them exactly.
@Suite struct EvaluationReportTests {
    @Test func permittedObject() throws {
        let policy = try AttestationPolicy(text: """
            version=1.0; authorizationrules{=> permit();};
            issuancerules{c:[type=="x-ms-sgx-svn"] => issue(type="svn", value=c.value); => issue(type="s", value="a\\"b");
            => issueproperty(type="omit_x5c", value=true);};
            """)
        let result = try policy.evaluate(IncomingClaims.sgx(debuggable: false))
        #expect(EvaluationReport.json(result, policyHash: policy.hash) == """
            {"permitted":true,"claims":[{"type":"svn","value":1},{"type":"s","value":"a\\"b"}],\
            "properties":{"omit_x5c":true},"policyHash":"\(policy.hash)"}
            """)
        let withTrace = try JSONValue(parsing: EvaluationReport.json(result, policyHash: "h", trace: policy.explain([]).trace))
        #expect(withTrace.objectValue?.keys == ["permitted", "claims", "properties", "policyHash", "trace"])
    }

    @Test func notPermittedObject() throws {
        let policy = try AttestationPolicy(text: DefaultPolicies.minimalPermitAll.replacingOccurrences(of: "permit", with: "deny"))
        let result = try policy.evaluate([])
        #expect(EvaluationReport.json(result, policyHash: "h") == #"{"permitted":false,"claims":[],"properties":{},"policyHash":"h"}"#)
    }

    @Test func errorObjects() {
        let parse = PolicyError(.parsingError, "bad", at: SourcePosition(line: 2, column: 5, offset: 9), offendingSymbol: "x")
        let json = EvaluationReport.json(parse)
        #expect(json.hasPrefix(#"{"error":{"code":"PolicyParsingError","message":"Policy Parser Exception Thrown: "#))
        #expect(json.hasSuffix(#"","line":2,"column":5}}"#))
        #expect(EvaluationReport.json(PolicyError(.evaluationError, "oops")) == """
            {"error":{"code":"PolicyEvaluationError","message":"Policy Engine Exception: oops","line":0,"column":0}}
            """)
    }

    @Test func claimsFile() throws {
        let claims = try Claim.array(fromJSON: Array("""
            [{"type":"a","value":"s"},{"type":"b","value":-3,"issuer":"CustomClaim"},{"type":"c","value":true}]
            """.utf8))
        #expect(claims == [
            Claim(type: "a", value: .string("s")),
            Claim(type: "b", value: .integer(-3), issuer: .customClaim),
            Claim(type: "c", value: .boolean(true)),
        ])
    }

    @Test(arguments: [
        #"{"type":"a","value":1}"#, #"[{"type":"a"}]"#, #"[{"type":"a","value":1.5}]"#, #"[{"type":"a","value":null}]"#,
        #"[{"type":"a","value":[1]}]"#, #"[{"type":1,"value":1}]"#, #"[{"type":"a","value":1,"Issuer":"x"}]"#,
        #"[{"type":"a","value":1,"issuer":7}]"#, #"[{"type":"a","value":1,"type":"b"}]"#, "[", "",
    ])
    func rejectsBadClaimsFiles(_ text: String) {
        #expect(throws: WireError.self) { try Claim.array(fromJSON: Array(text.utf8)) }
    }
}
