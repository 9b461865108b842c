/// A value produced by a value expression, with the read-only mark it inherits from its sources.
struct Item: Sendable {
    var value: ClaimValue
    var isReadOnly: Bool
}

/// Evaluates a compiled program against a claim set. One instance per evaluation; not shared.
struct Evaluator {
    let program: Program
    let source: [UInt8]
    let limits: EvaluationLimits
    var claims: [Claim]
    var issued: [Claim] = []
    var properties = PolicyProperties()
    var permits = 0
    var deniedAt: SourcePosition?
    var trace: PolicyTrace?
    private var claimTests = 0
    /// Matched claim indices of the current rule, and each slot's range within it.
    private var matches: [Int] = []
    private var slotRanges: [Range<Int>] = []

    init(program: Program, source: [UInt8], claims: [Claim], limits: EvaluationLimits, explain: Bool) {
        self.program = program
        self.source = source
        self.limits = limits
        self.claims = claims
        // One allocation each for the usual case of single-valued actions.
        self.claims.reserveCapacity(claims.count + program.emittingRules)
        issued.reserveCapacity(program.emittingRules)
        matches.reserveCapacity(8)
        slotRanges.reserveCapacity(4)
        trace = explain ? PolicyTrace() : nil
    }

    mutating func run() throws(PolicyError) -> PolicyEvaluation {
        guard claims.count <= limits.maxClaims else {
            throw PolicyError(.evaluationError, "the incoming claim set has more than \(limits.maxClaims) claims")
        }
        for section in program.sections {
            switch section.kind {
            case .configuration:
                // Configuration runs before the evidence claims exist; its claims go to the front of the set. (The
                // evidence array is the only owner of its buffer here, so the insertion moves its claims rather than
                // copying them.)
                var evidence = claims
                claims = []
                try runSection(section)
                evidence.insert(contentsOf: claims, at: 0)
                claims = evidence
            case .authorization:
                try runSection(section)
                if permits == 0 || deniedAt != nil {
                    trace?.notes.append(
                        deniedAt != nil ? "authorization stopped: a deny() ran; issuancerules not evaluated"
                            : "no permit() ran; issuancerules not evaluated")
                    return finish()
                }
            case .issuance:
                try runSection(section)
            }
        }
        return finish()
    }

    private func finish() -> PolicyEvaluation {
        let decision: PolicyEvaluation.Decision
        if let deniedAt {
            decision = .denied(at: deniedAt)
        } else {
            decision = permits > 0 ? .permitted : .noPermit
        }
        return PolicyEvaluation(
            decision: decision, issuedClaims: decision == .permitted ? issued : [], properties: properties,
            claims: claims)
    }

    private mutating func runSection(_ section: CompiledSection) throws(PolicyError) {
        for rule in section.rules {
            try runRule(rule, section: section.kind)
            if deniedAt != nil {
                return
            }
        }
    }

    // MARK: Rules

    private mutating func runRule(_ rule: CompiledRule, section: RuleSection.Kind) throws(PolicyError) {
        matches.removeAll(keepingCapacity: true)
        slotRanges.removeAll(keepingCapacity: true)
        for _ in 0..<rule.slotCount { slotRanges.append(0..<0) }
        var step: PolicyTrace.RuleStep?
        if trace != nil {
            let range = rule.textRange.clamped(to: 0..<source.count)
            step = PolicyTrace.RuleStep(
                section: section, index: rule.index, position: rule.position,
                text: String(decoding: source[range], as: UTF8.self), conditions: [], fired: false, effects: [])
        }
        var holds = true
        for condition in rule.conditions {
            let start = matches.count
            try match(condition)
            let matched = matches.count - start
            let satisfied = condition.isNegated ? matched == 0 : matched > 0
            if step != nil {
                step?.conditions.append(
                    PolicyTrace.ConditionStep(
                        position: condition.position, identifier: condition.identifier,
                        isNegated: condition.isNegated, matchedClaims: matches[start...].map { claims[$0] },
                        isSatisfied: satisfied))
            }
            if condition.slot >= 0, condition.slot < slotRanges.count {
                slotRanges[condition.slot] = start..<matches.count
            } else {
                matches.removeSubrange(start...)
            }
            if !satisfied {
                holds = false
                break
            }
        }
        if holds {
            step?.fired = true
            try execute(rule.action, section: section, rulePosition: rule.position, step: &step)
        }
        if let step { trace?.rules.append(step) }
    }

    /// Appends to `matches` the indices of the claims that satisfy every property condition.
    private mutating func match(_ condition: CompiledCondition) throws(PolicyError) {
        claimTests += claims.count
        guard claimTests <= limits.maxClaimTests else {
            throw PolicyError(
                .evaluationError, "evaluation exceeded \(limits.maxClaimTests) claim tests", at: condition.position)
        }
        let properties = condition.properties
        // Operands are evaluated once per condition: they do not depend on the candidate claim.
        var operands: [[Item]] = []
        if properties.contains(where: { $0.hasExpression }) {
            for property in properties {
                if case .expression(let expression) = property.operand {
                    operands.append(try evaluate(expression))
                } else {
                    operands.append([])
                }
            }
        }
        // Claims are tested in place (borrowed from the buffer), not copied out one by one with their strings.
        let found = claims.withUnsafeBufferPointer { claims in
            claims.indices.filter { index in
                for (offset, property) in properties.enumerated() {
                    let holds: Bool
                    switch property.operand {
                    case .constant(let constant):
                        holds = Self.test(claims[index], property.property, property.comparison, constant)
                    case .expression:
                        holds = operands[offset].contains {
                            Self.test(claims[index], property.property, property.comparison, $0.value)
                        }
                    }
                    if !holds { return false }
                }
                return true
            }
        }
        matches.append(contentsOf: found)
    }

    private static func test(
        _ claim: Claim, _ property: ClaimProperty, _ comparison: ComparisonOperator, _ operand: ClaimValue
    ) -> Bool {
        switch property {
        case .type:
            guard case .string(let text) = operand else { return false }
            return compareStrings(claim.type, comparison, text)
        case .issuer:
            guard case .string(let text) = operand else { return false }
            return compareStrings(claim.issuer.rawValue, comparison, text)
        case .value:
            return compare(claim.value, comparison, operand)
        }
    }

    private static func compareStrings(_ lhs: String, _ comparison: ComparisonOperator, _ rhs: String) -> Bool {
        switch comparison {
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        default: false
        }
    }

    /// The comparison of the specification (3.5): same-type only, exact strings, no coercion.
    static func compare(_ lhs: ClaimValue, _ comparison: ComparisonOperator, _ rhs: ClaimValue) -> Bool {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)):
            switch comparison {
            case .equal: return a == b
            case .notEqual: return a != b
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            }
        case (.string(let a), .string(let b)):
            return compareStrings(a, comparison, b)
        case (.boolean(let a), .boolean(let b)):
            switch comparison {
            case .equal: return a == b
            case .notEqual: return a != b
            default: return false
            }
        default:
            return false
        }
    }

    // MARK: Actions

    private mutating func execute(
        _ action: CompiledAction, section: RuleSection.Kind, rulePosition: SourcePosition,
        step: inout PolicyTrace.RuleStep?
    ) throws(PolicyError) {
        switch action {
        case .permit:
            permits += 1
            step?.effects.append(.permit)
        case .deny:
            deniedAt = rulePosition
            step?.effects.append(.deny)
        case .emitClaims(let verb, let slot, let position):
            guard slot >= 0, slot < slotRanges.count else { return }
            let copies = matches[slotRanges[slot]].map { claims[$0] }
            try emit(verb, copies, section: section, at: position, step: &step)
        case .emitTyped(let verb, let type, .reference(let slot, let property), let position)
        where verb != .issueProperty && slot >= 0 && slot < slotRanges.count:
            // The common `issue(type="t", value=c.value)`: no intermediate arrays.
            let range = slotRanges[slot]
            guard claims.count + range.count <= limits.maxClaims else {
                throw PolicyError(.evaluationError, "the claim set would exceed \(limits.maxClaims) claims", at: position)
            }
            for index in matches[range] {
                let source = claims[index]
                let value: ClaimValue
                switch property {
                case .value: value = source.value
                case .type: value = .string(source.type)
                case .issuer: value = .string(source.issuer.rawValue)
                }
                let claim = Claim(
                    type: type, value: value, issuer: .attestationPolicy,
                    isReadOnly: property == .value && source.isReadOnly)
                try emitOne(verb, claim, section: section, at: position, step: &step)
            }
        case .emitTyped(let verb, let type, let expression, let position):
            let items = try evaluate(expression)
            let made = items.map {
                Claim(type: type, value: $0.value, issuer: .attestationPolicy, isReadOnly: $0.isReadOnly)
            }
            try emit(verb, made, section: section, at: position, step: &step)
        }
    }

    /// `add` or `issue` of one claim (the caller has checked the claim limit). In `authorizationrules`, `issue`
    /// acts as `add`: no token effect.
    private mutating func emitOne(
        _ verb: ActionVerb, _ claim: Claim, section: RuleSection.Kind, at position: SourcePosition,
        step: inout PolicyTrace.RuleStep?
    ) throws(PolicyError) {
        claims.append(claim)
        guard verb == .issue, section == .issuance else {
            if step != nil { step?.effects.append(.added(claim)) }
            return
        }
        if claim.isReadOnly {
            throw PolicyError(.evaluationError, "a read-only value cannot be issued; use add", at: position)
        }
        issued.append(claim)
        if step != nil { step?.effects.append(.issued(claim)) }
    }

    private mutating func emit(
        _ verb: ActionVerb, _ made: [Claim], section: RuleSection.Kind, at position: SourcePosition,
        step: inout PolicyTrace.RuleStep?
    ) throws(PolicyError) {
        guard claims.count + made.count <= limits.maxClaims else {
            throw PolicyError(.evaluationError, "the claim set would exceed \(limits.maxClaims) claims", at: position)
        }
        switch verb {
        case .add, .issue:
            for claim in made {
                try emitOne(verb, claim, section: section, at: position, step: &step)
            }
        case .issueProperty:
            guard made.count <= 1 else {
                throw PolicyError(
                    .evaluationError, "issueproperty needs a single value, got \(made.count)", at: position)
            }
            guard let claim = made.first else { return }
            if claim.isReadOnly {
                throw PolicyError(.evaluationError, "a read-only value cannot be issued as a property", at: position)
            }
            claims.append(claim)
            properties.set(claim.type, claim.value)
            step?.effects.append(.property(claim))
        }
    }

    // MARK: Values

    /// Evaluates a value expression to a list of values.
    private func evaluate(_ expression: CompiledExpression) throws(PolicyError) -> [Item] {
        switch expression {
        case .literal(let value):
            return [Item(value: value, isReadOnly: false)]
        case .reference(let slot, let property):
            guard slot >= 0, slot < slotRanges.count else { return [] }
            return matches[slotRanges[slot]].map { index in
                let claim = claims[index]
                switch property {
                case .value: return Item(value: claim.value, isReadOnly: claim.isReadOnly)
                case .type: return Item(value: .string(claim.type), isReadOnly: false)
                case .issuer: return Item(value: .string(claim.issuer.rawValue), isReadOnly: false)
                }
            }
        case .call(let function, let arguments, let query, let position):
            var values: [[Item]] = []
            for argument in arguments { values.append(try evaluate(argument)) }
            return try FunctionCall(function: function, position: position, limits: limits, query: query)
                .apply(values)
        }
    }
}
