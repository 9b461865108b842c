/// The compiled form of a policy: identifiers resolved to slots, literal operands unwrapped, and JMESPath queries
/// with literal text compiled once. Built by ``AttestationPolicy/init(text:parser:)``, evaluated many times.
struct Program: Sendable {
    var sections: [CompiledSection]
    /// The number of rules whose action emits claims (a capacity hint for evaluation).
    var emittingRules: Int
}

struct CompiledSection: Sendable {
    var kind: RuleSection.Kind
    var rules: [CompiledRule]
}

struct CompiledRule: Sendable {
    var index: Int
    var position: SourcePosition
    var textRange: Range<Int>
    var slotCount: Int
    var conditions: [CompiledCondition]
    var action: CompiledAction
}

struct CompiledCondition: Sendable {
    /// The slot the matching claims are bound to, or -1.
    var slot: Int
    var identifier: String?
    var isNegated: Bool
    var properties: [CompiledProperty]
    var position: SourcePosition
}

struct CompiledProperty: Sendable {
    var property: ClaimProperty
    var comparison: ComparisonOperator
    var operand: Operand
    var position: SourcePosition

    var hasExpression: Bool {
        if case .expression = operand { true } else { false }
    }
}

/// The right side of a property condition.
enum Operand: Sendable {
    /// A literal: compared directly, no allocation at evaluation time.
    case constant(ClaimValue)
    case expression(CompiledExpression)
}

indirect enum CompiledExpression: Sendable {
    case literal(ClaimValue)
    case reference(slot: Int, property: ClaimProperty)
    case call(PolicyFunction, [CompiledExpression], query: Result<JMESPath.Expression, JMESPath.Failure>?, SourcePosition)
}

enum CompiledAction: Sendable {
    case permit
    case deny
    case emitClaims(ActionVerb, slot: Int, SourcePosition)
    case emitTyped(ActionVerb, type: String, value: CompiledExpression, SourcePosition)

    var emitsClaims: Bool {
        switch self {
        case .permit, .deny: false
        case .emitClaims, .emitTyped: true
        }
    }
}

extension Program {
    /// Compiles a checked document. The parser has already verified that every reference is bound.
    init(document: PolicyDocument) {
        sections = document.sections.map { section in
            CompiledSection(
                kind: section.kind,
                rules: section.rules.enumerated().map { index, rule in Program.compile(rule, index: index) })
        }
        emittingRules = sections.reduce(0) { total, section in
            total + section.rules.filter(\.action.emitsClaims).count
        }
    }

    private static func compile(_ rule: Rule, index: Int) -> CompiledRule {
        var slots: [String: Int] = [:]
        for condition in rule.conditions {
            if let identifier = condition.identifier { slots[identifier] = slots.count }
        }
        let conditions = rule.conditions.map { condition in
            CompiledCondition(
                slot: condition.identifier.flatMap { slots[$0] } ?? -1,
                identifier: condition.identifier,
                isNegated: condition.isNegated,
                properties: condition.properties.map { property in
                    let operand: Operand
                    if case .literal(let value, _) = property.value {
                        operand = .constant(value)
                    } else {
                        operand = .expression(compile(property.value, slots: slots))
                    }
                    return CompiledProperty(
                        property: property.property, comparison: property.comparison, operand: operand,
                        position: property.position)
                },
                position: condition.position)
        }
        let action: CompiledAction
        switch rule.action {
        case .permit: action = .permit
        case .deny: action = .deny
        case .emit(let verb, .claim(let identifier)):
            action = .emitClaims(verb, slot: slots[identifier] ?? -1, rule.position)
        case .emit(let verb, .typed(let type, let value)):
            action = .emitTyped(verb, type: type, value: compile(value, slots: slots), value.position)
        }
        return CompiledRule(
            index: index, position: rule.position, textRange: rule.textRange, slotCount: slots.count,
            conditions: conditions, action: action)
    }

    private static func compile(_ expression: ValueExpression, slots: [String: Int]) -> CompiledExpression {
        switch expression {
        case .literal(let value, _):
            return .literal(value)
        case .reference(let identifier, let property, _):
            return .reference(slot: slots[identifier] ?? -1, property: property)
        case .call(let function, let arguments, let position):
            var query: Result<JMESPath.Expression, JMESPath.Failure>?
            if function == .jmesPath, arguments.count == 2, case .literal(.string(let text), _) = arguments[1] {
                // A bad literal query is reported when the call is evaluated, as a non-literal one would be.
                query = Result { () throws(JMESPath.Failure) in try JMESPath.compile(text) }
            }
            return .call(function, arguments.map { compile($0, slots: slots) }, query: query, position)
        }
    }
}
