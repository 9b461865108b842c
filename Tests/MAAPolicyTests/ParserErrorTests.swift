import MAAPolicy
import Testing

/// Broken policies, each with a `⟪` marking where the error must be reported.
@Suite struct ParserErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let marked: String
        let reason: String

        var testDescription: String { name }

        /// The policy without the marker.
        var policy: String { marked.replacingOccurrences(of: "⟪", with: "") }

        /// The 1-based line and column of the marker, columns counted in Unicode scalars.
        var expected: (line: Int, column: Int) {
            let prefix = marked.prefix { $0 != "⟪" }
            let lines = prefix.split(separator: "\n", omittingEmptySubsequences: false)
            return (lines.count, (lines.last?.unicodeScalars.count ?? 0) + 1)
        }
    }

    static let cases: [Case] = [
        Case(name: "missing ; after a rule", marked: "version=1.0; authorizationrules{=> permit()⟪}; issuancerules{};",
             reason: "mismatched input '}' expecting ';'"),
        Case(name: "missing ; after the version", marked: "version=1.0\n⟪authorizationrules{=> permit();};\nissuancerules{};",
             reason: "mismatched input 'authorizationrules' expecting ';'"),
        Case(name: "unknown action", marked: "version=1.0; authorizationrules{=> ⟪allow();}; issuancerules{};",
             reason: "mismatched input 'allow' expecting {'permit', 'deny', 'issue', 'add', 'issueproperty'}"),
        Case(name: "unterminated string", marked: "version=1.0; authorizationrules{c:[type==⟪\"abc] => permit();};",
             reason: "unterminated string literal"),
        Case(name: "single = in a condition", marked: "version=1.0; authorizationrules{c:[type⟪=\"x\"] => permit();};",
             reason: "mismatched input '=' expecting {'==', '!=', '<', '<=', '>', '>='}"),
        Case(name: "configurationrules under 1.0",
             marked: "version=1.0; ⟪configurationrules{=> issueproperty(type=\"a\", value=1);}; authorizationrules{=> permit();};",
             reason: "configurationrules requires policy version 1.1 or later"),
        Case(name: "block comment", marked: "version=1.0; ⟪/* note */ authorizationrules{=> permit();};",
             reason: "block comments are not supported; use '//'"),
        Case(name: "unsupported version", marked: "version=⟪2.0; authorizationrules{=> permit();};",
             reason: "unsupported policy version '2.0'; expecting 1.0, 1.1 or 1.2"),
        Case(name: "capitalised keyword", marked: "⟪Version=1.0; authorizationrules{=> permit();};",
             reason: "mismatched input 'Version' expecting 'version'"),
        Case(name: "deny in issuancerules", marked: "version=1.0; authorizationrules{=> permit();}; issuancerules{=> ⟪deny();};",
             reason: "'deny' is only allowed in authorizationrules"),
        Case(name: "unbound identifier",
             marked: "version=1.0; authorizationrules{=> permit();};\nissuancerules{c:[type==\"x\"] => issue(type=\"a\", value=⟪d.value);};",
             reason: "identifier 'd' is not bound by an earlier condition of this rule"),
        Case(name: "relational operator with a string", marked: "version=1.0; authorizationrules{[type==\"x\", value > ⟪\"abc\"] => permit();};",
             reason: "'>' compares integers; a string literal supports only '==' and '!='"),
        Case(name: "function in 1.0", marked: "version=1.0; authorizationrules{=> permit();}; issuancerules{=> issue(type=\"x\", value=⟪AppendString(\"a\", \"b\"));};",
             reason: "function AppendString requires policy version 1.2"),
        Case(name: "not-condition in 1.1", marked: "version=1.1; authorizationrules{⟪![type==\"x\"] => permit();};",
             reason: "'!' conditions require policy version 1.2"),
        Case(name: "missing authorizationrules", marked: "version=1.0; ⟪issuancerules{};",
             reason: "mismatched input 'issuancerules' expecting 'authorizationrules'"),
        Case(name: "trailing text", marked: "version=1.0; authorizationrules{=> permit();}; issuancerules{}; ⟪extra",
             reason: "mismatched input 'extra' expecting <EOF>"),
        Case(name: "section without ;", marked: "version=1.0; authorizationrules{=> permit();}\n  ⟪issuancerules{};",
             reason: "mismatched input 'issuancerules' expecting ';'"),
        Case(name: "column counts characters, not bytes",
             marked: "version=1.2; authorizationrules{=> permit();};\nissuancerules{=> issue(type=\"é☃\", value=⟪1.5);};",
             reason: "fractional numbers are not claim values"),
        Case(name: "integer overflow", marked: "version=1.0; authorizationrules{[value==⟪9223372036854775808] => permit();};",
             reason: "integer literal does not fit in 64 bits"),
        Case(name: "issue without type=", marked: "version=1.0; authorizationrules{=> permit();}; issuancerules{=> issue(⟪\"P\", value=true);};",
             reason: "mismatched input '\"P\"' expecting {'claim', 'type'}"),
        Case(name: "hexadecimal literal", marked: "version=1.0; authorizationrules{[value==⟪0xFF] => permit();};",
             reason: "token recognition error at: '0x'"),
        Case(name: "wrong arity", marked: "version=1.2; authorizationrules{=> permit();}; issuancerules{=> issue(type=\"x\", value=NegateBool(true, ⟪false));};",
             reason: "NegateBool takes 1 argument(s)"),
        Case(name: "missing closing brace", marked: "version=1.0; authorizationrules{=> permit();⟪",
             reason: "mismatched input '<EOF>' expecting '}'"),
        Case(name: "identifier bound twice", marked: "version=1.0; authorizationrules{c:[type==\"a\"] && ⟪c:[type==\"b\"] => permit();};",
             reason: "identifier 'c' is already bound in this rule"),
        Case(name: "issueproperty in authorizationrules", marked: "version=1.0; authorizationrules{=> ⟪issueproperty(type=\"a\", value=1);};",
             reason: "'issueproperty' is not allowed in authorizationrules"),
        Case(name: "conditional configuration rule",
             marked: "version=1.1; configurationrules{⟪[type==\"a\"] => issueproperty(type=\"a\", value=1);}; authorizationrules{=> permit();};",
             reason: "configurationrules allows only unconditional rules"),
        Case(name: "type compared with an integer", marked: "version=1.0; authorizationrules{[type==⟪1] => permit();};",
             reason: "claim type is a string; compare it with a string literal"),
        Case(name: "valueType is not syntax", marked: "version=1.0; authorizationrules{[⟪valueType==\"x\"] => permit();};",
             reason: "mismatched input 'valueType' expecting {'type', 'value', 'issuer'}"),
    ]

    @Test(arguments: cases)
    func reportsPosition(_ testCase: Case) {
        do {
            _ = try PolicyParser().parse(testCase.policy)
            Issue.record("parsed: \(testCase.policy)")
        } catch {
            #expect(error.code == .parsingError)
            #expect(error.position?.line == testCase.expected.line)
            #expect(error.position?.column == testCase.expected.column)
            #expect(error.reason == testCase.reason)
            #expect(error.message.contains("Line: '\(testCase.expected.line)', Column: '\(testCase.expected.column)'"))
        }
    }

    @Test func versionErrorNamesTheFailingRule() {
        #expect {
            _ = try PolicyParser().parse("version=1.0\n[")
        } throws: { error in
            guard let error = error as? PolicyError else { return false }
            return error.message == "Policy Parser Exception Thrown: Offending symbol: '[' Line: '2', Column: '1' "
                + "Failure message: 'mismatched input '[' expecting ';'' Failing rule: 'policy > versionInfo'"
        }
    }

    @Test func errorsCompareOnTheCode() {
        #expect(throws: PolicyError.parsing) { try AttestationPolicy(text: "version=1.0;") }
    }
}
