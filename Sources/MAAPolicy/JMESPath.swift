import MAAWire

/// A JMESPath (https://jmespath.org/specification.html) implementation for the policy function `JmesPath`,
/// with the non-standard function `equals_ignore_case(string, string)` that Microsoft's TPM samples use.
///
/// Queries are compiled once into an ``Expression`` tree and evaluated against a ``JSONValue``. Parsing depth and
/// evaluation work are bounded, so no query or document can make evaluation unbounded.
enum JMESPath {
    struct Failure: Error, Sendable {
        let reason: String
    }

    /// The deepest query tree (nesting and chained operators together).
    static let maxDepth = 128
    static let maxQueryBytes = 16 * 1024
    /// The most nodes one evaluation may visit.
    static let maxSteps = 1_000_000

    /// A compiled query.
    indirect enum Expression: Sendable {
        case current
        case field(String)
        case literal(JSONValue)
        case subexpression(Expression, Expression)
        case indexExpression(Expression, Expression)
        case index(Int)
        case slice(Int?, Int?, Int?)
        case projection(Expression, Expression)
        case valueProjection(Expression, Expression)
        case filterProjection(Expression, Expression, Expression)
        case flatten(Expression)
        case comparator(Comparator, Expression, Expression)
        case or(Expression, Expression)
        case and(Expression, Expression)
        case not(Expression)
        case pipe(Expression, Expression)
        case multiSelectList([Expression])
        case multiSelectHash([(String, Expression)])
        case function(String, [Expression])
        case expressionReference(Expression)
    }

    enum Comparator: Sendable {
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
    }

    /// Compiles query text.
    static func compile(_ text: String) throws(Failure) -> Expression {
        let bytes = Array(text.utf8)
        guard bytes.count <= maxQueryBytes else { throw Failure(reason: "query longer than \(maxQueryBytes) bytes") }
        var lexer = QueryLexer(bytes: bytes)
        let tokens = try lexer.tokenize()
        var parser = QueryParser(tokens: tokens)
        let expression = try parser.expression(0, depth: 0)
        guard parser.current.kind == .eof else {
            throw Failure(reason: "unexpected token at offset \(parser.current.offset)")
        }
        return expression
    }

    /// Evaluates a compiled query.
    static func evaluate(_ expression: Expression, on document: JSONValue) throws(Failure) -> JSONValue {
        var interpreter = QueryInterpreter()
        return try interpreter.visit(expression, document)
    }
}

// MARK: - Lexer

struct QueryToken: Sendable {
    enum Kind: Sendable, Equatable {
        case eof, identifier, quotedIdentifier, number, literal, rawString
        case dot, star, lbracket, rbracket, flatten, filter, lbrace, rbrace, lparen, rparen, comma, colon
        case pipe, or, and, expref, not, current
        case eq, ne, lt, lte, gt, gte
    }

    var kind: Kind
    var text: String = ""
    var number: Int = 0
    var json: JSONValue = .null
    var offset: Int
}

struct QueryLexer {
    let bytes: [UInt8]
    var index = 0

    private func peek(_ ahead: Int = 0) -> UInt8? { index + ahead < bytes.count ? bytes[index + ahead] : nil }

    private func fail(_ reason: String) -> JMESPath.Failure {
        JMESPath.Failure(reason: "\(reason) at offset \(index)")
    }

    mutating func tokenize() throws(JMESPath.Failure) -> [QueryToken] {
        var tokens: [QueryToken] = []
        while let byte = peek() {
            let start = index
            func simple(_ kind: QueryToken.Kind, _ length: Int, _ lexer: inout QueryLexer) -> QueryToken {
                lexer.index += length
                return QueryToken(kind: kind, offset: start)
            }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D:
                index += 1
                continue
            case UInt8(ascii: "."): tokens.append(simple(.dot, 1, &self))
            case UInt8(ascii: "*"): tokens.append(simple(.star, 1, &self))
            case UInt8(ascii: "]"): tokens.append(simple(.rbracket, 1, &self))
            case UInt8(ascii: "{"): tokens.append(simple(.lbrace, 1, &self))
            case UInt8(ascii: "}"): tokens.append(simple(.rbrace, 1, &self))
            case UInt8(ascii: "("): tokens.append(simple(.lparen, 1, &self))
            case UInt8(ascii: ")"): tokens.append(simple(.rparen, 1, &self))
            case UInt8(ascii: ","): tokens.append(simple(.comma, 1, &self))
            case UInt8(ascii: ":"): tokens.append(simple(.colon, 1, &self))
            case UInt8(ascii: "@"): tokens.append(simple(.current, 1, &self))
            case UInt8(ascii: "["):
                if peek(1) == UInt8(ascii: "]") {
                    tokens.append(simple(.flatten, 2, &self))
                } else if peek(1) == UInt8(ascii: "?") {
                    tokens.append(simple(.filter, 2, &self))
                } else {
                    tokens.append(simple(.lbracket, 1, &self))
                }
            case UInt8(ascii: "|"):
                tokens.append(peek(1) == UInt8(ascii: "|") ? simple(.or, 2, &self) : simple(.pipe, 1, &self))
            case UInt8(ascii: "&"):
                tokens.append(peek(1) == UInt8(ascii: "&") ? simple(.and, 2, &self) : simple(.expref, 1, &self))
            case UInt8(ascii: "!"):
                tokens.append(peek(1) == UInt8(ascii: "=") ? simple(.ne, 2, &self) : simple(.not, 1, &self))
            case UInt8(ascii: "<"):
                tokens.append(peek(1) == UInt8(ascii: "=") ? simple(.lte, 2, &self) : simple(.lt, 1, &self))
            case UInt8(ascii: ">"):
                tokens.append(peek(1) == UInt8(ascii: "=") ? simple(.gte, 2, &self) : simple(.gt, 1, &self))
            case UInt8(ascii: "="):
                guard peek(1) == UInt8(ascii: "=") else { throw fail("expected '=='") }
                tokens.append(simple(.eq, 2, &self))
            case UInt8(ascii: "\""):
                let text = try delimited(UInt8(ascii: "\""))
                guard case .string(let name) = try parseJSON("\"" + text + "\"") else {
                    throw fail("invalid quoted identifier")
                }
                tokens.append(QueryToken(kind: .quotedIdentifier, text: name, offset: start))
            case UInt8(ascii: "'"):
                let raw = try delimited(UInt8(ascii: "'"))
                tokens.append(QueryToken(kind: .rawString, text: raw.replacingOccurrences("\\'", with: "'"), offset: start))
            case UInt8(ascii: "`"):
                let raw = try delimited(UInt8(ascii: "`")).replacingOccurrences("\\`", with: "`")
                tokens.append(QueryToken(kind: .literal, json: try parseJSON(raw), offset: start))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                index += 1
                while let digit = peek(), digit >= 0x30, digit <= 0x39 { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                guard let number = Int(text) else { throw fail("invalid number") }
                tokens.append(QueryToken(kind: .number, number: number, offset: start))
            default:
                guard Self.isIdentifierStart(byte) else { throw fail("unexpected character") }
                while let next = peek(), Self.isIdentifierStart(next) || (next >= 0x30 && next <= 0x39) { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                tokens.append(QueryToken(kind: .identifier, text: text, offset: start))
            }
        }
        tokens.append(QueryToken(kind: .eof, offset: index))
        return tokens
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }

    /// The text between a delimiter and its unescaped closing twin (escapes left in place).
    private mutating func delimited(_ delimiter: UInt8) throws(JMESPath.Failure) -> String {
        index += 1
        let start = index
        while let byte = peek() {
            if byte == UInt8(ascii: "\\"), peek(1) != nil {
                index += 2
                continue
            }
            if byte == delimiter {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return text
            }
            index += 1
        }
        throw fail("unterminated quoted text")
    }

    private func parseJSON(_ text: String) throws(JMESPath.Failure) -> JSONValue {
        do {
            return try JSONValue(parsing: text, options: JSONValue.policyParsingOptions)
        } catch {
            throw fail("invalid JSON literal (\(error.reason))")
        }
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation needed).
    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        out += rest
        return out
    }
}

// MARK: - Parser (top-down operator precedence, as the specification's reference implementation)

struct QueryParser {
    typealias Expression = JMESPath.Expression
    let tokens: [QueryToken]
    var position = 0

    init(tokens: [QueryToken]) { self.tokens = tokens }

    var current: QueryToken { tokens[min(position, tokens.count - 1)] }
    func lookahead(_ ahead: Int) -> QueryToken { tokens[min(position + ahead, tokens.count - 1)] }

    mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    func fail(_ reason: String) -> JMESPath.Failure {
        JMESPath.Failure(reason: "\(reason) at offset \(current.offset)")
    }

    mutating func expect(_ kind: QueryToken.Kind) throws(JMESPath.Failure) {
        guard current.kind == kind else { throw fail("unexpected token") }
        advance()
    }

    static func bindingPower(_ kind: QueryToken.Kind) -> Int {
        switch kind {
        case .pipe: 1
        case .or: 2
        case .and: 3
        case .eq, .ne, .lt, .lte, .gt, .gte: 5
        case .flatten: 9
        case .star: 20
        case .filter: 21
        case .dot: 40
        case .not: 45
        case .lbrace: 50
        case .lbracket: 55
        case .lparen: 60
        default: 0
        }
    }

    mutating func expression(_ rightBindingPower: Int, depth: Int) throws(JMESPath.Failure) -> Expression {
        guard depth < JMESPath.maxDepth else { throw fail("query nested too deeply") }
        let token = current
        advance()
        var left = try nud(token, depth: depth + 1)
        // Each `led` wraps `left` in a new node, so a chain (`a.b.c…`, `a | b | …`) deepens the tree: count it
        // against the depth limit, as evaluation recurses once per level.
        var chainDepth = depth + 1
        while rightBindingPower < Self.bindingPower(current.kind) {
            chainDepth += 1
            guard chainDepth < JMESPath.maxDepth else { throw fail("query nested too deeply") }
            let next = current
            advance()
            left = try led(next, left, depth: chainDepth)
        }
        return left
    }

    mutating func nud(_ token: QueryToken, depth: Int) throws(JMESPath.Failure) -> Expression {
        switch token.kind {
        case .literal: return .literal(token.json)
        case .rawString: return .literal(.string(token.text))
        case .identifier, .quotedIdentifier:
            if token.kind == .quotedIdentifier, current.kind == .lparen { throw fail("quoted function name") }
            return .field(token.text)
        case .star:
            let right: Expression = current.kind == .rbracket ? .current : try projectionRHS(20, depth: depth)
            return .valueProjection(.current, right)
        case .filter:
            return try filter(.current, depth: depth)
        case .lbrace:
            return try multiSelectHash(depth: depth)
        case .flatten:
            let right = try projectionRHS(9, depth: depth)
            return .projection(.flatten(.current), right)
        case .lbracket:
            if current.kind == .number || current.kind == .colon {
                let index = try indexOrSlice()
                return try projectIfSlice(.current, index, depth: depth)
            }
            if current.kind == .star, lookahead(1).kind == .rbracket {
                advance()
                advance()
                let right = try projectionRHS(20, depth: depth)
                return .projection(.current, right)
            }
            return try multiSelectList(depth: depth)
        case .current: return .current
        case .expref: return .expressionReference(try expression(0, depth: depth))
        case .not: return .not(try expression(45, depth: depth))
        case .lparen:
            let inner = try expression(0, depth: depth)
            try expect(.rparen)
            return inner
        default:
            throw JMESPath.Failure(reason: "unexpected token at offset \(token.offset)")
        }
    }

    mutating func led(_ token: QueryToken, _ left: Expression, depth: Int) throws(JMESPath.Failure) -> Expression {
        switch token.kind {
        case .dot:
            if current.kind == .star {
                advance()
                return .valueProjection(left, try projectionRHS(40, depth: depth))
            }
            return .subexpression(left, try dotRHS(40, depth: depth))
        case .pipe: return .pipe(left, try expression(1, depth: depth))
        case .or: return .or(left, try expression(2, depth: depth))
        case .and: return .and(left, try expression(3, depth: depth))
        case .lparen:
            guard case .field(let name) = left else { throw fail("invalid function call") }
            var arguments: [Expression] = []
            while current.kind != .rparen {
                arguments.append(try expression(0, depth: depth))
                if current.kind == .comma {
                    advance()
                } else if current.kind != .rparen {
                    throw fail("expected ',' or ')'")
                }
            }
            advance()
            return .function(name, arguments)
        case .filter:
            return try filter(left, depth: depth)
        case .flatten:
            return .projection(.flatten(left), try projectionRHS(9, depth: depth))
        case .eq: return .comparator(.equal, left, try expression(5, depth: depth))
        case .ne: return .comparator(.notEqual, left, try expression(5, depth: depth))
        case .lt: return .comparator(.less, left, try expression(5, depth: depth))
        case .lte: return .comparator(.lessOrEqual, left, try expression(5, depth: depth))
        case .gt: return .comparator(.greater, left, try expression(5, depth: depth))
        case .gte: return .comparator(.greaterOrEqual, left, try expression(5, depth: depth))
        case .lbracket:
            if current.kind == .number || current.kind == .colon {
                let index = try indexOrSlice()
                return try projectIfSlice(left, index, depth: depth)
            }
            try expect(.star)
            try expect(.rbracket)
            return .projection(left, try projectionRHS(20, depth: depth))
        default:
            throw JMESPath.Failure(reason: "unexpected token at offset \(token.offset)")
        }
    }

    mutating func filter(_ left: Expression, depth: Int) throws(JMESPath.Failure) -> Expression {
        let condition = try expression(0, depth: depth)
        try expect(.rbracket)
        let right: Expression = current.kind == .flatten ? .current : try projectionRHS(21, depth: depth)
        return .filterProjection(left, right, condition)
    }

    /// After `[`: an index `n]` or a slice `a:b:c]`.
    mutating func indexOrSlice() throws(JMESPath.Failure) -> Expression {
        var parts: [Int?] = [nil, nil, nil]
        var part = 0
        while current.kind != .rbracket {
            switch current.kind {
            case .colon:
                part += 1
                guard part < 3 else { throw fail("too many ':' in slice") }
                advance()
            case .number:
                parts[part] = current.number
                advance()
            default:
                throw fail("expected a number, ':' or ']'")
            }
        }
        advance()
        if part == 0 {
            guard let index = parts[0] else { throw fail("empty index") }
            return .index(index)
        }
        if parts[2] == 0 { throw fail("slice step cannot be 0") }
        return .slice(parts[0], parts[1], parts[2])
    }

    mutating func projectIfSlice(_ left: Expression, _ index: Expression, depth: Int) throws(JMESPath.Failure)
        -> Expression
    {
        let indexed = Expression.indexExpression(left, index)
        if case .slice = index { return .projection(indexed, try projectionRHS(20, depth: depth)) }
        return indexed
    }

    mutating func multiSelectList(depth: Int) throws(JMESPath.Failure) -> Expression {
        var elements: [Expression] = []
        while true {
            elements.append(try expression(0, depth: depth))
            if current.kind == .rbracket { break }
            try expect(.comma)
        }
        advance()
        return .multiSelectList(elements)
    }

    mutating func multiSelectHash(depth: Int) throws(JMESPath.Failure) -> Expression {
        var pairs: [(String, Expression)] = []
        while true {
            guard current.kind == .identifier || current.kind == .quotedIdentifier else { throw fail("expected a key") }
            let key = current.text
            advance()
            try expect(.colon)
            pairs.append((key, try expression(0, depth: depth)))
            if current.kind == .rbrace { break }
            try expect(.comma)
        }
        advance()
        return .multiSelectHash(pairs)
    }

    mutating func projectionRHS(_ bindingPower: Int, depth: Int) throws(JMESPath.Failure) -> Expression {
        if Self.bindingPower(current.kind) < 10 { return .current }
        switch current.kind {
        case .lbracket, .filter: return try expression(bindingPower, depth: depth)
        case .dot:
            advance()
            return try dotRHS(bindingPower, depth: depth)
        default: throw fail("syntax error after projection")
        }
    }

    mutating func dotRHS(_ bindingPower: Int, depth: Int) throws(JMESPath.Failure) -> Expression {
        switch current.kind {
        case .identifier, .quotedIdentifier, .star: return try expression(bindingPower, depth: depth)
        case .lbracket:
            advance()
            return try multiSelectList(depth: depth)
        case .lbrace:
            advance()
            return try multiSelectHash(depth: depth)
        default: throw fail("expected an identifier, '[', '{' or '*' after '.'")
        }
    }
}
