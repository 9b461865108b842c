/// A recursive-descent parser for policy versions 1.0, 1.1 and 1.2, with the static checks of the specification.
///
/// Every failure is a ``PolicyError`` with code `PolicyParsingError`, the line and column of the offending token,
/// an ANTLR-style "mismatched input ... expecting ..." reason and the failing grammar rule path.
/// Input size, rule count, condition count and expression nesting are bounded (``Limits``), so parsing takes
/// time linear in the input and never recurses deeply.
public struct PolicyParser: Sendable {
    /// Bounds on what the parser accepts.
    public struct Limits: Sendable, Hashable {
        /// The largest policy text, in UTF-8 bytes. Default 1 MiB.
        public var maxBytes: Int = 1 << 20
        /// The most rules in the whole policy. Default 10 000.
        public var maxRules: Int = 10_000
        /// The most conditions in one rule. Default 64.
        public var maxConditionsPerRule: Int = 64
        /// The most property conditions inside one `[...]`. Default 16.
        public var maxPropertiesPerCondition: Int = 16
        /// The deepest nesting of function calls. Default 16.
        public var maxExpressionDepth: Int = 16

        public init() {}
    }

    public var limits: Limits
    /// When set, the `x-ms-sgx-tcbidentifier` values a configuration rule may select (for example
    /// `["azuredefault"]` plus the TCB identifiers the collateral store knows); any other value is a
    /// `PolicyParsingError`. `nil` (the default) accepts any string.
    public var tcbIdentifiers: Set<String>?

    public init(limits: Limits = Limits(), tcbIdentifiers: Set<String>? = nil) {
        self.limits = limits
        self.tcbIdentifiers = tcbIdentifiers
    }

    /// Parses and statically checks policy text.
    public func parse(_ text: String) throws(PolicyError) -> PolicyDocument {
        let bytes = Array(text.utf8)
        guard bytes.count <= limits.maxBytes else {
            throw PolicyError(
                .parsingError, "policy text is \(bytes.count) bytes; the limit is \(limits.maxBytes)",
                at: SourcePosition(line: 1, column: 1, offset: 0), offendingSymbol: "", rulePath: "policy")
        }
        var state = try ParserState(bytes: bytes, limits: limits)
        state.tcbIdentifiers = tcbIdentifiers
        return try state.parsePolicy()
    }
}

/// The mutable state of one parse.
private struct ParserState {
    var lexer: Lexer
    var token: Token
    let bytes: [UInt8]
    let limits: PolicyParser.Limits
    var tcbIdentifiers: Set<String>?
    var rulePath: [String] = ["policy"]
    var version: PolicyVersion = .v1_0
    var section: RuleSection.Kind = .authorization
    var bound: [String] = []
    var ruleCount = 0
    var lastEnd = 0

    init(bytes: [UInt8], limits: PolicyParser.Limits) throws(PolicyError) {
        self.bytes = bytes
        self.limits = limits
        lexer = Lexer(bytes: bytes)
        do {
            token = try lexer.next()
        } catch {
            throw PolicyError(
                .parsingError, error.reason, at: error.position, offendingSymbol: error.offendingSymbol,
                rulePath: "policy")
        }
    }

    // MARK: Tokens and errors

    func text(of token: Token) -> String {
        token.kind == .eof ? "<EOF>" : String(decoding: bytes[token.start..<token.end], as: UTF8.self)
    }

    func error(_ reason: String, at token: Token) -> PolicyError {
        PolicyError(
            .parsingError, reason, at: token.position, offendingSymbol: text(of: token),
            rulePath: rulePath.joined(separator: " > "))
    }

    func mismatched(_ expected: [Token.Kind]) -> PolicyError {
        let list = expected.count == 1 ? expected[0].display : "{" + expected.map(\.display).joined(separator: ", ") + "}"
        return error("mismatched input '\(text(of: token))' expecting \(list)", at: token)
    }

    mutating func advance() throws(PolicyError) {
        lastEnd = token.end
        do {
            token = try lexer.next()
        } catch {
            throw PolicyError(
                .parsingError, error.reason, at: error.position, offendingSymbol: error.offendingSymbol,
                rulePath: rulePath.joined(separator: " > "))
        }
    }

    @discardableResult
    mutating func expect(_ kind: Token.Kind) throws(PolicyError) -> Token {
        guard token.kind == kind else { throw mismatched([kind]) }
        let current = token
        try advance()
        return current
    }

    mutating func enter(_ rule: String) { rulePath.append(rule) }
    mutating func leave() { rulePath.removeLast() }

    // MARK: Document

    mutating func parsePolicy() throws(PolicyError) -> PolicyDocument {
        try parseVersion()
        var configuration: RuleSection?
        if token.kind == .keyword(.configurationrules) {
            guard version >= .v1_1 else {
                throw error("configurationrules requires policy version 1.1 or later", at: token)
            }
            configuration = try parseSection(.configuration, name: "configurationRules")
        }
        guard token.kind == .keyword(.authorizationrules) else {
            var expected: [Token.Kind] = [.keyword(.authorizationrules)]
            if configuration == nil, version >= .v1_1 { expected.insert(.keyword(.configurationrules), at: 0) }
            throw mismatched(expected)
        }
        let authorization = try parseSection(.authorization, name: "authorizationRules")
        var issuance: RuleSection?
        if token.kind == .keyword(.issuancerules) {
            issuance = try parseSection(.issuance, name: "issuanceRules")
        }
        guard token.kind == .eof else {
            throw mismatched(issuance == nil ? [.keyword(.issuancerules), .eof] : [.eof])
        }
        return PolicyDocument(
            version: version, configurationRules: configuration, authorizationRules: authorization,
            issuanceRules: issuance)
    }

    mutating func parseVersion() throws(PolicyError) {
        enter("versionInfo")
        try expect(.keyword(.version))
        try expect(.assign)
        guard token.kind == .decimal else { throw mismatched([.decimal]) }
        let versionText = text(of: token)
        guard let parsed = PolicyVersion(rawValue: versionText) else {
            throw error("unsupported policy version '\(versionText)'; expecting 1.0, 1.1 or 1.2", at: token)
        }
        version = parsed
        try advance()
        try expect(.semicolon)
        leave()
    }

    mutating func parseSection(_ kind: RuleSection.Kind, name: String) throws(PolicyError) -> RuleSection {
        enter(name)
        section = kind
        let position = token.position
        try advance()
        try expect(.leftBrace)
        var rules: [Rule] = []
        while token.kind != .rightBrace {
            guard token.kind != .eof else { throw mismatched([.rightBrace]) }
            rules.append(try parseRule())
        }
        try advance()
        try expect(.semicolon)
        leave()
        return RuleSection(kind: kind, position: position, rules: rules)
    }

    // MARK: Rules

    mutating func parseRule() throws(PolicyError) -> Rule {
        enter("rule")
        ruleCount += 1
        guard ruleCount <= limits.maxRules else {
            throw error("the policy has more than \(limits.maxRules) rules", at: token)
        }
        let start = token
        bound.removeAll(keepingCapacity: true)
        var conditions: [Condition] = []
        if token.kind != .arrow {
            while true {
                guard conditions.count < limits.maxConditionsPerRule else {
                    throw error("a rule has more than \(limits.maxConditionsPerRule) conditions", at: token)
                }
                conditions.append(try parseCondition(isFirst: conditions.isEmpty))
                guard token.kind == .and else { break }
                try advance()
            }
        }
        try expect(.arrow)
        let action = try parseAction(conditions: conditions, ruleStart: start)
        try expect(.semicolon)
        leave()
        return Rule(conditions: conditions, action: action, position: start.position, textRange: start.start..<lastEnd)
    }

    mutating func parseCondition(isFirst: Bool) throws(PolicyError) -> Condition {
        enter("condition")
        let start = token
        var identifier: String?
        var negated = false
        switch token.kind {
        case .bang:
            guard version >= .v1_2 else { throw error("'!' conditions require policy version 1.2", at: token) }
            negated = true
            try advance()
        case .identifier:
            let name = text(of: token)
            guard !bound.contains(name) else {
                throw error("identifier '\(name)' is already bound in this rule", at: token)
            }
            identifier = name
            try advance()
            try expect(.colon)
        case .leftBracket:
            break
        default:
            var expected: [Token.Kind] = [.identifier, .leftBracket]
            if version >= .v1_2 { expected.append(.bang) }
            if isFirst { expected.append(.arrow) }
            throw mismatched(expected)
        }
        try expect(.leftBracket)
        var properties: [PropertyCondition] = []
        if token.kind != .rightBracket {
            while true {
                guard properties.count < limits.maxPropertiesPerCondition else {
                    throw error("a condition has more than \(limits.maxPropertiesPerCondition) properties", at: token)
                }
                properties.append(try parsePropertyCondition())
                guard token.kind == .comma else { break }
                try advance()
            }
        }
        guard token.kind == .rightBracket else {
            throw mismatched(properties.isEmpty ? [.keyword(.type), .keyword(.value), .keyword(.issuer), .rightBracket]
                : [.comma, .rightBracket])
        }
        try advance()
        if let identifier { bound.append(identifier) }
        leave()
        return Condition(identifier: identifier, isNegated: negated, properties: properties, position: start.position)
    }

    mutating func parseClaimProperty() throws(PolicyError) -> ClaimProperty {
        switch token.kind {
        case .keyword(.type): try advance(); return .type
        case .keyword(.value): try advance(); return .value
        case .keyword(.issuer): try advance(); return .issuer
        default: throw mismatched([.keyword(.type), .keyword(.value), .keyword(.issuer)])
        }
    }

    mutating func parsePropertyCondition() throws(PolicyError) -> PropertyCondition {
        enter("propertyCondition")
        let start = token
        let property = try parseClaimProperty()
        let operatorToken = token
        let comparison: ComparisonOperator
        switch token.kind {
        case .equal: comparison = .equal
        case .notEqual: comparison = .notEqual
        case .less: comparison = .less
        case .lessOrEqual: comparison = .lessOrEqual
        case .greater: comparison = .greater
        case .greaterOrEqual: comparison = .greaterOrEqual
        default: throw mismatched([.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual])
        }
        try advance()
        let valueToken = token
        let value = try parseValueExpression(depth: 0)
        if property != .value {
            guard !comparison.isRelational else {
                throw error("claim \(property.rawValue) is a string; only '==' and '!=' compare it", at: operatorToken)
            }
            if case .literal(let literal, _) = value, literal.valueType != .string {
                throw error("claim \(property.rawValue) is a string; compare it with a string literal", at: valueToken)
            }
        } else if comparison.isRelational, case .literal(let literal, _) = value, literal.valueType != .integer {
            throw error(
                "'\(comparison.rawValue)' compares integers; a \(literal.valueType.rawValue.lowercased()) literal "
                    + "supports only '==' and '!='", at: valueToken)
        }
        leave()
        return PropertyCondition(property: property, comparison: comparison, value: value, position: start.position)
    }

    // MARK: Values

    mutating func parseValueExpression(depth: Int) throws(PolicyError) -> ValueExpression {
        guard depth < limits.maxExpressionDepth else {
            throw error("function calls nested deeper than \(limits.maxExpressionDepth)", at: token)
        }
        let start = token
        switch token.kind {
        case .string:
            try advance()
            return .literal(.string(Lexer.stringValue(of: start, in: bytes)), start.position)
        case .integer:
            guard let value = Int64(text(of: start)) else {
                throw error("integer literal does not fit in 64 bits", at: start)
            }
            try advance()
            return .literal(.integer(value), start.position)
        case .keyword(.true):
            try advance()
            return .literal(.boolean(true), start.position)
        case .keyword(.false):
            try advance()
            return .literal(.boolean(false), start.position)
        case .decimal:
            throw error("fractional numbers are not claim values", at: start)
        case .identifier:
            let name = text(of: start)
            guard bound.contains(name) else {
                throw error("identifier '\(name)' is not bound by an earlier condition of this rule", at: start)
            }
            try advance()
            try expect(.dot)
            let property = try parseClaimProperty()
            return .reference(identifier: name, property: property, start.position)
        case .function(let function):
            guard version >= .v1_2 else {
                throw error("function \(function.rawValue) requires policy version 1.2", at: start)
            }
            try advance()
            try expect(.leftParen)
            var arguments: [ValueExpression] = []
            if token.kind != .rightParen {
                while true {
                    guard arguments.count < function.arity else {
                        throw error("\(function.rawValue) takes \(function.arity) argument(s)", at: token)
                    }
                    arguments.append(try parseValueExpression(depth: depth + 1))
                    guard token.kind == .comma else { break }
                    try advance()
                }
            }
            guard token.kind == .rightParen else { throw mismatched([.comma, .rightParen]) }
            guard arguments.count == function.arity else {
                throw error(
                    "\(function.rawValue) takes \(function.arity) argument(s), not \(arguments.count)", at: start)
            }
            try advance()
            return .call(function, arguments, start.position)
        default:
            throw mismatched([.string, .integer, .keyword(.true), .keyword(.false), .identifier])
        }
    }

    // MARK: Actions

    mutating func parseAction(conditions: [Condition], ruleStart: Token) throws(PolicyError) -> Action {
        enter("action")
        let verbToken = token
        let verb: ActionVerb
        switch token.kind {
        case .keyword(.permit), .keyword(.deny):
            guard section == .authorization else {
                throw error("'\(text(of: token))' is only allowed in authorizationrules", at: token)
            }
            let isPermit = token.kind == .keyword(.permit)
            try advance()
            try expect(.leftParen)
            try expect(.rightParen)
            leave()
            return isPermit ? .permit : .deny
        case .keyword(.issue): verb = .issue
        case .keyword(.add): verb = .add
        case .keyword(.issueproperty): verb = .issueProperty
        default:
            throw mismatched([
                .keyword(.permit), .keyword(.deny), .keyword(.issue), .keyword(.add), .keyword(.issueproperty),
            ])
        }
        if section == .authorization, verb == .issueProperty {
            throw error("'issueproperty' is not allowed in authorizationrules", at: verbToken)
        }
        if section == .configuration {
            guard verb == .issueProperty else {
                throw error("configurationrules allows only 'issueproperty'", at: verbToken)
            }
            guard conditions.isEmpty else {
                throw error("configurationrules allows only unconditional rules", at: ruleStart)
            }
        }
        try advance()
        try expect(.leftParen)
        let target: ActionTarget
        switch token.kind {
        case .keyword(.claim):
            try advance()
            try expect(.assign)
            let nameToken = token
            try expect(.identifier)
            let name = text(of: nameToken)
            guard bound.contains(name) else {
                throw error("identifier '\(name)' is not bound by a condition of this rule", at: nameToken)
            }
            if section == .configuration {
                throw error("configurationrules needs type= and a literal value=", at: nameToken)
            }
            target = .claim(identifier: name)
        case .keyword(.type):
            try advance()
            try expect(.assign)
            let typeToken = try expect(.string)
            try expect(.comma)
            try expect(.keyword(.value))
            try expect(.assign)
            let valueToken = token
            let value = try parseValueExpression(depth: 0)
            if section == .configuration, !value.isLiteral {
                throw error("configurationrules needs a literal value", at: valueToken)
            }
            let type = Lexer.stringValue(of: typeToken, in: bytes)
            if section == .configuration, type == "x-ms-sgx-tcbidentifier", let allowed = tcbIdentifiers {
                guard case .literal(.string(let identifier), _) = value, allowed.contains(identifier) else {
                    throw error(
                        "unknown x-ms-sgx-tcbidentifier \(text(of: valueToken)); expecting one of "
                            + allowed.sorted().map { "'\($0)'" }.joined(separator: ", "), at: valueToken)
                }
            }
            target = .typed(type: type, value: value)
        default:
            throw mismatched([.keyword(.claim), .keyword(.type)])
        }
        try expect(.rightParen)
        leave()
        return .emit(verb, target)
    }
}
