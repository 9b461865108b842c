/// A policy language version.
public enum PolicyVersion: String, Sendable, Hashable, Comparable, CaseIterable {
    case v1_0 = "1.0"
    case v1_1 = "1.1"
    case v1_2 = "1.2"

    public static func < (lhs: PolicyVersion, rhs: PolicyVersion) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The parsed form of a policy: the version and its sections, with source positions.
public struct PolicyDocument: Sendable {
    public var version: PolicyVersion
    /// Present only in version 1.1 and later.
    public var configurationRules: RuleSection?
    public var authorizationRules: RuleSection
    public var issuanceRules: RuleSection?

    /// The sections present, in evaluation order.
    public var sections: [RuleSection] {
        [configurationRules, authorizationRules, issuanceRules].compactMap { $0 }
    }
}

/// One of the three rule sections.
public struct RuleSection: Sendable {
    public enum Kind: String, Sendable, Hashable {
        case configuration = "configurationrules"
        case authorization = "authorizationrules"
        case issuance = "issuancerules"
    }

    public var kind: Kind
    /// The position of the section keyword.
    public var position: SourcePosition
    public var rules: [Rule]
}

/// `[conditions] => action;`
public struct Rule: Sendable {
    public var conditions: [Condition]
    public var action: Action
    /// The position of the rule's first token.
    public var position: SourcePosition
    /// The UTF-8 byte range of the rule's text (up to and including its `;`).
    public var textRange: Range<Int>
}

/// `c:[...]`, `[...]` or `![...]`.
public struct Condition: Sendable {
    /// The identifier bound to the matching claims, if any.
    public var identifier: String?
    /// `![...]` (version 1.2): true when no claim matches.
    public var isNegated: Bool
    public var properties: [PropertyCondition]
    public var position: SourcePosition
}

/// The three properties of a claim that conditions and references can name.
public enum ClaimProperty: String, Sendable, Hashable {
    case type, value, issuer
}

/// A comparison operator in a property condition.
public enum ComparisonOperator: String, Sendable, Hashable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    var isRelational: Bool { self != .equal && self != .notEqual }
}

/// `property op value`, e.g. `type=="x-ms-sgx-svn"` or `value>=c.value`.
public struct PropertyCondition: Sendable {
    public var property: ClaimProperty
    public var comparison: ComparisonOperator
    public var value: ValueExpression
    public var position: SourcePosition
}

/// The version 1.2 functions.
public enum PolicyFunction: String, Sendable, Hashable, CaseIterable {
    case jmesPath = "JmesPath"
    case jsonToClaimValue = "JsonToClaimValue"
    case isSubsetOf = "IsSubsetOf"
    case appendString = "AppendString"
    case negateBool = "NegateBool"
    case containsOnlyValue = "ContainsOnlyValue"

    /// The number of arguments the function takes.
    public var arity: Int {
        switch self {
        case .jmesPath, .isSubsetOf, .appendString, .containsOnlyValue: 2
        case .jsonToClaimValue, .negateBool: 1
        }
    }
}

/// A value expression: a literal, a reference to bound claims, or a function call.
public indirect enum ValueExpression: Sendable {
    case literal(ClaimValue, SourcePosition)
    /// `c.value`, `c.type` or `c.issuer`.
    case reference(identifier: String, property: ClaimProperty, SourcePosition)
    case call(PolicyFunction, [ValueExpression], SourcePosition)

    /// Whether this is a literal.
    public var isLiteral: Bool {
        if case .literal = self { true } else { false }
    }

    public var position: SourcePosition {
        switch self {
        case .literal(_, let position), .reference(_, _, let position), .call(_, _, let position): position
        }
    }
}

/// A rule's action.
public enum Action: Sendable {
    case permit
    case deny
    /// `add(...)`, `issue(...)` or `issueproperty(...)`.
    case emit(ActionVerb, ActionTarget)
}

/// The claim-producing verbs.
public enum ActionVerb: String, Sendable, Hashable {
    case add
    case issue
    case issueProperty = "issueproperty"
}

/// What a claim-producing action emits.
public enum ActionTarget: Sendable {
    /// `claim=c`: copies of the claims bound to `c`.
    case claim(identifier: String)
    /// `type="T", value=V`.
    case typed(type: String, value: ValueExpression)
}
