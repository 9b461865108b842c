import MAAPolicy
import Testing

@Suite struct ParserTests {
    @Test func parsesTheSharedDefaultWithPositions() throws {
        let text = #"version= 1.0;authorizationrules{=> permit();};issuancerules{c:[type=="x-ms-sgx-svn"] => issue(type="svn", value=c.value);};"#
        let document = try PolicyParser().parse(text)
        #expect(document.version == .v1_0)
        #expect(document.configurationRules == nil)
        #expect(document.authorizationRules.rules.count == 1)
        let rule = try #require(document.issuanceRules?.rules.first)
        #expect(rule.position == SourcePosition(line: 1, column: 61, offset: 60))
        #expect(rule.conditions.first?.identifier == "c")
        #expect(rule.conditions.first?.properties.first?.property == .type)
        guard case .emit(.issue, .typed(let type, .reference("c", .value, _))) = rule.action else {
            Issue.record("unexpected action \(rule.action)")
            return
        }
        #expect(type == "svn")
        let ruleText = String(decoding: Array(text.utf8)[rule.textRange], as: UTF8.self)
        #expect(ruleText == #"c:[type=="x-ms-sgx-svn"] => issue(type="svn", value=c.value);"#)
    }

    @Test func stringEscapes() throws {
        let document = try PolicyParser().parse(
            #"version=1.0; authorizationrules{[type=="a\"b\\c\d"] => permit();};"#)
        let property = try #require(document.authorizationRules.rules.first?.conditions.first?.properties.first)
        guard case .literal(.string(let value), _) = property.value else {
            Issue.record("not a string literal")
            return
        }
        #expect(value == #"a"b\c\d"#)
    }

    @Test func literalsOfEachType() throws {
        let document = try PolicyParser().parse(
            #"version=1.0; authorizationrules{[value==-5] && [value==true] && [value=="s"] && [] => permit();};"#)
        let values = document.authorizationRules.rules[0].conditions.compactMap { condition -> ClaimValue? in
            guard case .literal(let value, _)? = condition.properties.first?.value else { return nil }
            return value
        }
        #expect(values == [.integer(-5), .boolean(true), .string("s")])
        #expect(document.authorizationRules.rules[0].conditions[3].properties.isEmpty)
    }

    @Test func version12Syntax() throws {
        let document = try PolicyParser().parse("""
            version=1.2;
            configurationrules{ => issueproperty(type="required_pcr_mask", value=15); };
            authorizationrules{ ![type=="x"] => permit(); // comment
            };
            issuancerules{ c:[type=="e"] => add(type="r", value=JsonToClaimValue(JmesPath(c.value, "a"))); };
            """)
        #expect(document.version == .v1_2)
        #expect(document.configurationRules?.rules.count == 1)
        #expect(document.authorizationRules.rules[0].conditions[0].isNegated)
        guard case .emit(.add, .typed(_, .call(.jsonToClaimValue, let arguments, _))) =
            document.issuanceRules?.rules[0].action
        else {
            Issue.record("function call not parsed")
            return
        }
        guard case .call(.jmesPath, _, let position) = arguments.first else {
            Issue.record("nested call not parsed")
            return
        }
        #expect(position.line == 5)
    }

    @Test func claimCopyAndJoins() throws {
        let document = try PolicyParser().parse(
            #"version=1.0; authorizationrules{=> permit();}; issuancerules{F1:[type=="a"] && C2:[type=="b", value==F1.value, issuer!=F1.issuer] => issue(claim=C2); c:[type=="t"] => add(claim=c);};"#)
        let rules = try #require(document.issuanceRules?.rules)
        guard case .emit(.issue, .claim("C2")) = rules[0].action, case .emit(.add, .claim("c")) = rules[1].action else {
            Issue.record("claim copies not parsed")
            return
        }
        #expect(rules[0].conditions[1].properties.count == 3)
    }
}
