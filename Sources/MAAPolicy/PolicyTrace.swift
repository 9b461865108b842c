/// What happened while evaluating a policy, rule by rule: the explain mode.
public struct PolicyTrace: Sendable {
    /// One evaluated condition.
    public struct ConditionStep: Sendable {
        public var position: SourcePosition
        public var identifier: String?
        public var isNegated: Bool
        /// The claims that matched the condition's property conditions.
        public var matchedClaims: [Claim]
        /// Whether the condition held (a negated condition holds when nothing matched).
        public var isSatisfied: Bool
    }

    /// What a fired rule did.
    public enum Effect: Sendable, Hashable {
        case permit
        case deny
        /// Appended to the incoming set only.
        case added(Claim)
        /// Appended to the incoming set and to the outgoing set.
        case issued(Claim)
        /// Appended to the incoming set and set as a property.
        case property(Claim)
    }

    /// One rule that was tried.
    public struct RuleStep: Sendable {
        public var section: RuleSection.Kind
        /// The rule's 0-based index within its section.
        public var index: Int
        public var position: SourcePosition
        /// The rule's source text.
        public var text: String
        /// The conditions evaluated, left to right, up to the first one that did not hold.
        public var conditions: [ConditionStep]
        /// Whether every condition held, so the action ran.
        public var fired: Bool
        public var effects: [Effect]
    }

    /// The rules tried, in evaluation order.
    public var rules: [RuleStep] = []
    /// Sections (or the rest of a section) not evaluated, with the reason.
    public var notes: [String] = []
}

/// The result of explaining a policy: the trace, and either the evaluation or the error that stopped it.
public struct PolicyExplanation: Sendable {
    public var trace: PolicyTrace
    public var result: Result<PolicyEvaluation, PolicyError>
}
