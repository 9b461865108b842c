import MAAPolicy
import Testing

@Suite struct ExplainTests {
    @Test func traceShowsRulesTriedMatchedAndEffects() throws {
        let policy = try AttestationPolicy(text: """
            version=1.0;
            authorizationrules{ c:[type=="$is-debuggable"] && [value==true] => deny(); => permit(); };
            issuancerules{ c:[type=="x-ms-sgx-svn"] => issue(type="svn", value=c.value); [type=="none"] => add(type="x", value=1); };
            """)
        let explanation = policy.explain(IncomingClaims.sgx(debuggable: false))
        let result = try explanation.result.get()
        #expect(result.isPermitted)
        let rules = explanation.trace.rules
        #expect(rules.map(\.section) == [.authorization, .authorization, .issuance, .issuance])
        #expect(rules.map(\.fired) == [false, true, true, false])
        // The deny rule: the first condition matched one claim, the second (value==true) none.
        #expect(rules[0].conditions.map(\.matchedClaims.count) == [1, 0])
        #expect(rules[0].conditions.map(\.isSatisfied) == [true, false])
        #expect(rules[0].position == SourcePosition(line: 2, column: 21, offset: 33))
        #expect(rules[1].effects == [.permit])
        #expect(rules[2].effects == [.issued(Claim(type: "svn", value: .integer(1), issuer: .attestationPolicy))])
        #expect(rules[2].text == #"c:[type=="x-ms-sgx-svn"] => issue(type="svn", value=c.value);"#)
        #expect(explanation.trace.report.contains("fired → issued svn=1"))
    }

    @Test func traceStopsAtDeny() throws {
        let policy = try AttestationPolicy(text: """
            version=1.0; authorizationrules{ [type=="$is-debuggable", value==true] => deny(); => permit(); };
            issuancerules{ => issue(type="x", value=1); };
            """)
        let explanation = policy.explain(IncomingClaims.sgx(debuggable: true))
        let result = try explanation.result.get()
        #expect(result.decision == .denied(at: SourcePosition(line: 1, column: 34, offset: 33)))
        #expect(explanation.trace.rules.count == 1)
        #expect(explanation.trace.notes == ["authorization stopped: a deny() ran; issuancerules not evaluated"])
    }

    @Test func explainReportsEvaluationErrors() throws {
        let policy = try AttestationPolicy(text: """
            version=1.2; authorizationrules{ => permit(); };
            issuancerules{ => issue(type="n", value=NegateBool("yes")); };
            """)
        let explanation = policy.explain([])
        #expect(throws: PolicyError.evaluation) { try explanation.result.get() }
        #expect(throws: PolicyError.evaluation) { try policy.evaluate([]) }
        if case .failure(let error) = explanation.result {
            #expect(error.position == SourcePosition(line: 2, column: 41, offset: 89))
        }
        #expect(explanation.trace.rules.count == 1)
    }
}
