/// The policy lexer: a hand-written scanner over UTF-8 bytes.
///
/// Skips whitespace and `//` line comments, rejects `/* */` block comments, and reports errors with the line and
/// column of the offending character. Never traps on any input.
struct Lexer {
    let bytes: [UInt8]
    private(set) var index = 0
    private var line = 1
    private var column = 1

    init(bytes: [UInt8]) { self.bytes = bytes }

    private static let keywords: [String: Keyword] = Dictionary(
        uniqueKeysWithValues: Keyword.allCases.map { ($0.rawValue, $0) })
    private static let functions: [String: PolicyFunction] = Dictionary(
        uniqueKeysWithValues: PolicyFunction.allCases.map { ($0.rawValue, $0) })

    var position: SourcePosition { SourcePosition(line: line, column: column, offset: index) }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        let at = index + ahead
        return at < bytes.count ? bytes[at] : nil
    }

    /// Advances one byte, keeping line and column (columns count Unicode scalars, not continuation bytes).
    private mutating func advance() {
        guard index < bytes.count else { return }
        let byte = bytes[index]
        index += 1
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// The text of the character at the current position, for error messages.
    private func currentCharacter() -> String {
        guard index < bytes.count else { return "<EOF>" }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80, end - index < 4 { end += 1 }
        return String(decoding: bytes[index..<end], as: UTF8.self)
    }

    private func error(_ reason: String, at position: SourcePosition, symbol: String) -> PolicyError {
        PolicyError(.parsingError, reason, at: position, offendingSymbol: symbol, rulePath: nil)
    }

    /// Scans the next token.
    mutating func next() throws(PolicyError) -> Token {
        try skipTrivia()
        let start = index
        let position = self.position
        guard let byte = peek() else { return Token(kind: .eof, start: start, end: start, position: position) }

        func single(_ kind: Token.Kind, _ lexer: inout Lexer) -> Token {
            lexer.advance()
            return Token(kind: kind, start: start, end: lexer.index, position: position)
        }
        func double(_ kind: Token.Kind, _ lexer: inout Lexer) -> Token {
            lexer.advance()
            lexer.advance()
            return Token(kind: kind, start: start, end: lexer.index, position: position)
        }

        switch byte {
        case UInt8(ascii: "{"): return single(.leftBrace, &self)
        case UInt8(ascii: "}"): return single(.rightBrace, &self)
        case UInt8(ascii: "["): return single(.leftBracket, &self)
        case UInt8(ascii: "]"): return single(.rightBracket, &self)
        case UInt8(ascii: "("): return single(.leftParen, &self)
        case UInt8(ascii: ")"): return single(.rightParen, &self)
        case UInt8(ascii: ";"): return single(.semicolon, &self)
        case UInt8(ascii: ","): return single(.comma, &self)
        case UInt8(ascii: ":"): return single(.colon, &self)
        case UInt8(ascii: "."): return single(.dot, &self)
        case UInt8(ascii: "="):
            switch peek(1) {
            case UInt8(ascii: ">"): return double(.arrow, &self)
            case UInt8(ascii: "="): return double(.equal, &self)
            default: return single(.assign, &self)
            }
        case UInt8(ascii: "!"):
            return peek(1) == UInt8(ascii: "=") ? double(.notEqual, &self) : single(.bang, &self)
        case UInt8(ascii: "<"):
            return peek(1) == UInt8(ascii: "=") ? double(.lessOrEqual, &self) : single(.less, &self)
        case UInt8(ascii: ">"):
            return peek(1) == UInt8(ascii: "=") ? double(.greaterOrEqual, &self) : single(.greater, &self)
        case UInt8(ascii: "&"):
            guard peek(1) == UInt8(ascii: "&") else {
                throw error("token recognition error at: '&'", at: position, symbol: "&")
            }
            return double(.and, &self)
        case UInt8(ascii: "\""):
            return try scanString(start: start, position: position)
        case UInt8(ascii: "-"):
            guard let next = peek(1), Self.isDigit(next) else {
                throw error("token recognition error at: '-'", at: position, symbol: "-")
            }
            advance()
            return try scanNumber(start: start, position: position)
        default:
            if Self.isDigit(byte) { return try scanNumber(start: start, position: position) }
            if Self.isIdentifierStart(byte) { return scanWord(start: start, position: position) }
            let symbol = currentCharacter()
            throw error("token recognition error at: '\(symbol)'", at: position, symbol: symbol)
        }
    }

    private mutating func skipTrivia() throws(PolicyError) {
        while let byte = peek() {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D:
                advance()
            case UInt8(ascii: "/"):
                if peek(1) == UInt8(ascii: "/") {
                    while let next = peek(), next != 0x0A, next != 0x0D { advance() }
                } else if peek(1) == UInt8(ascii: "*") {
                    throw error("block comments are not supported; use '//'", at: position, symbol: "/*")
                } else {
                    throw error("token recognition error at: '/'", at: position, symbol: "/")
                }
            default:
                return
            }
        }
    }

    private mutating func scanWord(start: Int, position: SourcePosition) -> Token {
        while let byte = peek(), Self.isIdentifierStart(byte) || Self.isDigit(byte) { advance() }
        let end = index
        // Words are ASCII by construction, so this cannot fail.
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        let kind: Token.Kind
        if let keyword = Self.keywords[text] {
            kind = .keyword(keyword)
        } else if let function = Self.functions[text] {
            kind = .function(function)
        } else {
            kind = .identifier
        }
        return Token(kind: kind, start: start, end: end, position: position)
    }

    private mutating func scanNumber(start: Int, position: SourcePosition) throws(PolicyError) -> Token {
        while let byte = peek(), Self.isDigit(byte) { advance() }
        var kind = Token.Kind.integer
        if peek() == UInt8(ascii: "."), let next = peek(1), Self.isDigit(next) {
            advance()
            while let byte = peek(), Self.isDigit(byte) { advance() }
            kind = .decimal
        }
        if let byte = peek(), Self.isIdentifierStart(byte) {
            // `0xFF`, `12abc`: not a number and not an identifier.
            let symbol = String(decoding: bytes[start...index], as: UTF8.self)
            throw error("token recognition error at: '\(symbol)'", at: position, symbol: symbol)
        }
        return Token(kind: kind, start: start, end: index, position: position)
    }

    private mutating func scanString(start: Int, position: SourcePosition) throws(PolicyError) -> Token {
        advance()
        while let byte = peek() {
            if byte == UInt8(ascii: "\"") {
                advance()
                return Token(kind: .string, start: start, end: index, position: position)
            }
            if byte == UInt8(ascii: "\\"), peek(1) != nil {
                advance()
            }
            advance()
        }
        throw error("unterminated string literal", at: position, symbol: "\"")
    }

    /// The value of a string token: the text between the quotes with `\"` → `"` and `\\` → `\`;
    /// any other backslash pair is kept verbatim.
    static func stringValue(of token: Token, in bytes: [UInt8]) -> String {
        let contentStart = token.start + 1
        let contentEnd = token.end - 1
        guard contentStart <= contentEnd, contentEnd <= bytes.count else { return "" }
        var out: [UInt8] = []
        out.reserveCapacity(contentEnd - contentStart)
        var index = contentStart
        while index < contentEnd {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < contentEnd {
                let next = bytes[index + 1]
                if next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\") {
                    out.append(next)
                    index += 2
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
