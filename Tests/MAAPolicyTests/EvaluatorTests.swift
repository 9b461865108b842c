import MAAPolicy
import Testing

@Suite struct EvaluatorTests {
    static func evaluate(_ text: String, _ claims: [Claim] = IncomingClaims.sgx(debuggable: false)) throws
        -> PolicyEvaluation
    {
        try AttestationPolicy(text: text).evaluate(claims)
    }

    @Test func readOnlyValuesCanBeAddedButNotIssued() throws {
        let pcrs = Claim(type: "pcrs", value: .string(#"{"PCRs":[]}"#), isReadOnly: true)
        let added = try Self.evaluate(
            #"version=1.2; authorizationrules{=> permit();}; issuancerules{c:[type=="pcrs"] => add(type="copy", value=c.value); c:[type=="copy"] => add(type="copy2", value=JmesPath(c.value, "PCRs"));};"#,
            [pcrs])
        #expect(added.claims.last?.isReadOnly == true)
        #expect(added.claims.last?.value == .string("[]"))
        #expect(throws: PolicyError.evaluation) {
            try Self.evaluate(
                #"version=1.0; authorizationrules{=> permit();}; issuancerules{c:[type=="pcrs"] => issue(type="x", value=c.value);};"#,
                [pcrs])
        }
        #expect(throws: PolicyError.evaluation) {
            try Self.evaluate(
                #"version=1.0; authorizationrules{=> permit();}; issuancerules{c:[type=="pcrs"] => issue(claim=c);};"#,
                [pcrs])
        }
    }

    @Test func typeMismatchIsFalseForEveryOperator() throws {
        for comparison in ["==", "!="] {
            let result = try Self.evaluate(
                #"version=1.0; authorizationrules{[type=="x-ms-sgx-svn", value\#(comparison)"1"] => permit();};"#)
            #expect(result.decision == .noPermit)
        }
        let integer = try Self.evaluate(#"version=1.0; authorizationrules{[type=="x-ms-sgx-svn", value!=2] => permit();};"#)
        #expect(integer.isPermitted)
    }

    @Test func stringComparisonIsCaseSensitive() throws {
        let upper = IncomingClaims.mrsigner.uppercased()
        let result = try Self.evaluate(
            #"version=1.0; authorizationrules{[type=="x-ms-sgx-mrsigner", value=="\#(upper)"] => permit();};"#)
        #expect(result.decision == .noPermit)
    }

    @Test func denyWinsInEitherOrder() throws {
        let result = try Self.evaluate(#"version=1.0; authorizationrules{=> permit(); => deny();};"#)
        guard case .denied = result.decision else {
            Issue.record("not denied")
            return
        }
    }

    @Test func issuerConditionsAndCopiesKeepTheIssuer() throws {
        let custom = Claim(type: "aas-ehd", value: .string("data"), issuer: .customClaim)
        let result = try Self.evaluate(
            #"version=1.0; authorizationrules{=> permit();}; issuancerules{c:[type=="aas-ehd", issuer=="CustomClaim"] => issue(claim=c); c:[type=="aas-ehd", issuer=="AttestationService"] => issue(type="wrong", value=true);};"#,
            [custom])
        #expect(result.issuedClaims == [custom])
    }

    @Test func propertiesOverwriteAndTypedAccessorsClamp() throws {
        let result = try Self.evaluate(
            #"version=1.0; authorizationrules{=> permit();}; issuancerules{=> issueproperty(type="report_validity_in_minutes", value=10); => issueproperty(type="report_validity_in_minutes", value=999999999);};"#)
        #expect(result.properties.entries.count == 1)
        #expect(result.properties["report_validity_in_minutes"] == .integer(999_999_999))
        #expect(result.properties.reportValidityInMinutes == 525_600)
        #expect(result.properties.omitX5c == false)
        #expect(result.properties.requireValidAIKCertificate == true)
        #expect(result.properties.requiredPCRMask == 0xFF_FFFF)
        #expect(result.properties.sgxTCBIdentifier == "azuredefault")
    }

    @Test func configurationClaimsComeFirst() throws {
        let result = try Self.evaluate(
            #"version=1.1; configurationrules{=> issueproperty(type="require_valid_aik_cert", value=false);}; authorizationrules{c:[type=="require_valid_aik_cert", issuer=="AttestationPolicy", value==false] => permit();};"#)
        #expect(result.isPermitted)
        #expect(result.claims.first?.type == "require_valid_aik_cert")
        #expect(result.properties.requireValidAIKCertificate == false)
    }

    @Test func jmesPathQueries() throws {
        let events = #"{"Events":[{"EventType":"EV_SEPARATOR","PcrIndex":0},{"EventType":"EV_EFI_ACTION","PcrIndex":1,"Name":"\\windows\\wdboot.sys"},{"EventType":"ev_separator","PcrIndex":7}]}"#
        let claim = Claim(type: "events", value: .string(events))
        let cases: [(String, String)] = [
            ("Events[0].PcrIndex", "0"),
            ("Events[?EventType == 'EV_SEPARATOR'].PcrIndex", "[0]"),
            ("Events[?equals_ignore_case(EventType, 'EV_SEPARATOR')] | length(@)", "2"),
            ("Events[*].PcrIndex | max(@)", "7"),
            ("Events[-1].EventType", #""ev_separator""#),
            ("Events[1:].PcrIndex", "[1,7]"),
            ("Events[?PcrIndex > `0`].{i: PcrIndex, t: type(EventType)}", #"[{"i":1,"t":"string"},{"i":7,"t":"string"}]"#),
            ("missing", "null"),
            ("Events[?contains(Name || '', 'wdboot')].Name | [0]", #""\\windows\\wdboot.sys""#),
            ("sort_by(Events, &PcrIndex)[-1].PcrIndex", "7"),
            ("Events[0]", #"{"EventType":"EV_SEPARATOR","PcrIndex":0}"#),
            ("Events[1::9223372036854775807].PcrIndex", "[1]"),
            ("Events[::-9223372036854775807].PcrIndex", "[7]"),
            ("Events[::-1].PcrIndex", "[7,1,0]"),
            ("Events[-9223372036854775807:].PcrIndex", "[0,1,7]"),
            ("`1` == `1.0`", "true"),
            (#"`{\"a\":1,\"b\":2}` == `{\"b\":2,\"a\":1}`"#, "true"),
            ("contains(Events[*].PcrIndex, `7.0`)", "true"),
            ("avg(Events[*].PcrIndex)", "2.6666666666666665"),
            (#"{z: Events[0].PcrIndex, a: 'x\"y'}"#, #"{"a":"x\"y","z":0}"#),
        ]
        for (query, expected) in cases {
            let result = try Self.evaluate(
                #"version=1.2; authorizationrules{=> permit();}; issuancerules{c:[type=="events"] => issue(type="r", value=JmesPath(c.value, "\#(query)"));};"#,
                [claim])
            #expect(result.issuedClaims.first?.value == .string(expected), "\(query)")
        }
    }

    @Test(arguments: [
        #"JmesPath("{", "a")"#, #"JmesPath("{}", "a[")"#, #"JmesPath("", "a")"#, #"JmesPath(1, "a")"#,
        #"JsonToClaimValue("{\"a\":1}")"#, #"JsonToClaimValue("[[1]]")"#, #"JsonToClaimValue("[1.5]")"#,
        #"AppendString("a", 1)"#, #"NegateBool(1)"#, #"JsonToClaimValue("not json")"#,
    ])
    func functionArgumentErrors(_ call: String) {
        #expect(throws: PolicyError.evaluation) {
            try Self.evaluate(
                #"version=1.2; authorizationrules{=> permit();}; issuancerules{=> issue(type="x", value=\#(call));};"#)
        }
    }

    @Test func jmesPathOutputIsBoundedWithoutBuildingIt() throws {
        // Each level doubles the result, which shares storage: 2^30 copies of a 1 KB string must be refused quickly.
        let query = Array(repeating: "{a: @, b: @}", count: 30).joined(separator: " | ")
        let big = Claim(type: "big", value: .string("\"" + String(repeating: "x", count: 1000) + "\""))
        #expect(throws: PolicyError.evaluation) {
            try Self.evaluate(
                #"version=1.2; authorizationrules{=> permit();}; issuancerules{c:[type=="big"] => issue(type="r", value=JmesPath(c.value, "\#(query)"));};"#,
                [big])
        }
    }

    @Test func negatedConditionWithJoin() throws {
        let result = try Self.evaluate(
            #"version=1.2; authorizationrules{c:[type=="x-ms-sgx-svn"] && ![type=="x-ms-sgx-product-id", value!=c.value] => permit();};"#)
        #expect(result.isPermitted)
    }
}

@Suite struct ConcurrencyTests {
    /// One compiled policy evaluated from many tasks at once gives the same result every time.
    @Test func sharedPolicyEvaluatesConcurrently() async throws {
        let policy = try AttestationPolicy(text: DefaultPolicies.sgxDocumented)
        let expected = try policy.evaluate(IncomingClaims.sgx(debuggable: false)).issuedClaims
        let results = try await withThrowingTaskGroup(of: [Claim].self) { group in
            for index in 0..<64 {
                group.addTask {
                    try policy.evaluate(IncomingClaims.sgx(debuggable: index % 2 == 1)).issuedClaims
                }
            }
            var all: [[Claim]] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 64)
        #expect(results.filter { $0 == expected }.count == 32)
        #expect(results.allSatisfy { $0.count == 6 })
    }
}
