/// A parsed, checked and compiled attestation policy, ready to evaluate many times.
///
/// ```swift
/// let policy = try AttestationPolicy(text: DefaultPolicies.sharedInstance)
/// let result = try policy.evaluate(claims)
/// if result.isPermitted { /* put result.issuedClaims in the token */ }
/// ```
///
/// Evaluation is pure: the policy is an immutable `Sendable` value and can be shared between tasks.
public struct AttestationPolicy: Sendable {
    /// The exact policy text.
    public let text: String
    /// The parsed document, with source positions.
    public let document: PolicyDocument
    /// `x-ms-policy-hash` of ``text``.
    public let hash: String
    /// The properties set by `configurationrules` (P₀ of the specification, §3.3): known before any evidence is
    /// checked, e.g. ``PolicyProperties/sgxTCBIdentifier`` or ``PolicyProperties/requireValidAIKCertificate``.
    /// Configuration rules are unconditional `issueproperty` rules with literal values, so this needs no claims.
    public let configuration: PolicyProperties
    let program: Program
    private let source: [UInt8]

    /// Parses, checks and compiles policy text. Throws a `PolicyParsingError` with line and column.
    public init(text: String, parser: PolicyParser = PolicyParser()) throws(PolicyError) {
        self.text = text
        document = try parser.parse(text)
        program = Program(document: document)
        var configuration = PolicyProperties()
        for rule in document.configurationRules?.rules ?? [] {
            if case .emit(.issueProperty, .typed(let type, .literal(let value, _))) = rule.action {
                configuration.set(type, value)
            }
        }
        self.configuration = configuration
        source = Array(text.utf8)
        hash = PolicyHash.compute(text)
    }

    /// The policy language version.
    public var version: PolicyVersion { document.version }

    /// Evaluates the policy against an incoming claim set.
    ///
    /// A refusal (deny, or no permit) is a result, not an error: check ``PolicyEvaluation/isPermitted``.
    /// Throws `PolicyEvaluationError` when evaluation itself fails (a bad function argument, issuing a read-only
    /// value, or a limit reached).
    public func evaluate(_ claims: [Claim], limits: EvaluationLimits = EvaluationLimits()) throws(PolicyError)
        -> PolicyEvaluation
    {
        var evaluator = Evaluator(program: program, source: source, claims: claims, limits: limits, explain: false)
        return try evaluator.run()
    }

    /// Evaluates the policy and records every rule tried, the claims each condition matched, and each effect.
    public func explain(_ claims: [Claim], limits: EvaluationLimits = EvaluationLimits()) -> PolicyExplanation {
        var evaluator = Evaluator(program: program, source: source, claims: claims, limits: limits, explain: true)
        let result: Result<PolicyEvaluation, PolicyError>
        do {
            result = .success(try evaluator.run())
        } catch {
            result = .failure(error)
        }
        return PolicyExplanation(trace: evaluator.trace ?? PolicyTrace(), result: result)
    }
}
