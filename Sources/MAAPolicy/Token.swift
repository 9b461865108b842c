/// Keywords of the policy language. Case-sensitive.
enum Keyword: String, Sendable, CaseIterable {
    case version, configurationrules, authorizationrules, issuancerules
    case type, value, issuer, claim
    case permit, deny, issue, add, issueproperty
    case `true`, `false`
}

/// A lexical token: a kind and the byte range and position of its text.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case eof
        case identifier
        case keyword(Keyword)
        case function(PolicyFunction)
        case string
        case integer
        case decimal
        case leftBrace, rightBrace, leftBracket, rightBracket, leftParen, rightParen
        case semicolon, comma, colon, dot
        case assign, arrow, and
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
        case bang
    }

    var kind: Kind
    /// Byte range of the token's text in the policy.
    var start: Int
    var end: Int
    var position: SourcePosition
}

extension Token.Kind {
    /// How the kind is named in "expecting ..." messages.
    var display: String {
        switch self {
        case .eof: "<EOF>"
        case .identifier: "IDENTIFIER"
        case .keyword(let keyword): "'\(keyword.rawValue)'"
        case .function(let function): "'\(function.rawValue)'"
        case .string: "STRING"
        case .integer: "INTEGER"
        case .decimal: "DECIMAL"
        case .leftBrace: "'{'"
        case .rightBrace: "'}'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .semicolon: "';'"
        case .comma: "','"
        case .colon: "':'"
        case .dot: "'.'"
        case .assign: "'='"
        case .arrow: "'=>'"
        case .and: "'&&'"
        case .equal: "'=='"
        case .notEqual: "'!='"
        case .less: "'<'"
        case .lessOrEqual: "'<='"
        case .greater: "'>'"
        case .greaterOrEqual: "'>='"
        case .bang: "'!'"
        }
    }
}
