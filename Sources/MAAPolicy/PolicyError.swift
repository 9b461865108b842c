/// An error from parsing or evaluating a policy.
///
/// Compare on ``code`` (`#expect(throws: PolicyError.parsing)` style via ``Code``); the other members are for
/// humans. ``message`` keeps the key phrases of MAA's own messages so that clients that look for them still work.
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The MAA error code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The MAA error code string, e.g. `PolicyParsingError`.
        public let name: String
        public var description: String { name }

        /// The policy text failed to parse or failed a static check.
        public static let parsingError = Code(name: "PolicyParsingError")
        /// Evaluation failed at run time (bad function argument, issue of a read-only value).
        public static let evaluationError = Code(name: "PolicyEvaluationError")
    }

    public let code: Code
    /// A short explanation, e.g. `mismatched input 'authorizationrules' expecting ';'`.
    public let reason: String
    /// Where the problem is, when known.
    public let position: SourcePosition?
    /// The offending token's text, for parse errors.
    public let offendingSymbol: String?
    /// The grammar rule path, e.g. `policy > versionInfo`, for parse errors.
    public let rulePath: String?

    public init(
        _ code: Code, _ reason: String, at position: SourcePosition? = nil,
        offendingSymbol: String? = nil, rulePath: String? = nil
    ) {
        self.code = code
        self.reason = reason
        self.position = position
        self.offendingSymbol = offendingSymbol
        self.rulePath = rulePath
    }

    /// A bare error with a code, for `#expect(throws:)`.
    public static let parsing = PolicyError(.parsingError, "")
    /// A bare error with a code, for `#expect(throws:)`.
    public static let evaluation = PolicyError(.evaluationError, "")

    /// The message in MAA's format.
    public var message: String {
        switch code {
        case .parsingError:
            let symbol = offendingSymbol ?? ""
            let line = position.map { String($0.line) } ?? "0"
            let column = position.map { String($0.column) } ?? "0"
            return "Policy Parser Exception Thrown: Offending symbol: '\(symbol)' Line: '\(line)', Column: '\(column)' "
                + "Failure message: '\(reason)' Failing rule: '\(rulePath ?? "policy")'"
        default:
            let location = position.map { " (line \($0.line), column \($0.column))" } ?? ""
            return "Policy Engine Exception: \(reason)\(location)"
        }
    }

    public var description: String { "\(code): \(message)" }

    public static func == (lhs: PolicyError, rhs: PolicyError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
