import MAAWire

/// Applies a version 1.2 function to evaluated arguments (specification 2.6).
///
/// A parameter that takes a single value is applied to each element of a multi-valued argument, and with several
/// such parameters to every combination; an empty argument gives an empty result. Set parameters
/// (`IsSubsetOf`'s two, `ContainsOnlyValue`'s first) take the whole argument.
struct FunctionCall {
    let function: PolicyFunction
    let position: SourcePosition
    let limits: EvaluationLimits
    let query: Result<JMESPath.Expression, JMESPath.Failure>?

    private func failure(_ reason: String) -> PolicyError {
        PolicyError(.evaluationError, "\(function.rawValue): \(reason)", at: position)
    }

    /// Whether parameter `index` takes the whole set.
    private func takesSet(_ index: Int) -> Bool {
        switch function {
        case .isSubsetOf: true
        case .containsOnlyValue: index == 0
        default: false
        }
    }

    func apply(_ arguments: [[Item]]) throws(PolicyError) -> [Item] {
        guard arguments.count == function.arity else { throw failure("wrong number of arguments") }
        // Count the combinations before computing any of them.
        var combinations = 1
        for (index, argument) in arguments.enumerated() where !takesSet(index) {
            let (product, overflow) = combinations.multipliedReportingOverflow(by: argument.count)
            guard !overflow, product <= limits.maxValues else { throw failure("too many argument combinations") }
            combinations = product
        }
        guard combinations > 0 else { return [] }
        var results: [Item] = []
        var counters = [Int](repeating: 0, count: arguments.count)
        for _ in 0..<combinations {
            var singles: [Item] = []
            var sets: [[Item]] = []
            for (index, argument) in arguments.enumerated() {
                if takesSet(index) {
                    sets.append(argument)
                } else {
                    singles.append(argument[counters[index]])
                }
            }
            results.append(contentsOf: try call(singles: singles, sets: sets))
            guard results.count <= limits.maxValues else { throw failure("too many result values") }
            // Advance the odometer over the single-valued parameters.
            for index in (0..<arguments.count).reversed() where !takesSet(index) {
                counters[index] += 1
                if counters[index] < arguments[index].count { break }
                counters[index] = 0
            }
        }
        return results
    }

    private func string(_ item: Item) throws(PolicyError) -> String {
        guard case .string(let text) = item.value else {
            throw failure("expects a string, got \(item.value.valueType.rawValue)")
        }
        return text
    }

    private func call(singles: [Item], sets: [[Item]]) throws(PolicyError) -> [Item] {
        switch function {
        case .jmesPath:
            let json = try string(singles[0])
            let queryText = try string(singles[1])
            guard !json.isEmpty, !queryText.isEmpty else { throw failure("arguments must not be empty") }
            let document: JSONValue
            do {
                document = try JSONValue.parsePolicyJSON(json)
            } catch {
                throw failure("invalid JSON: \(error.reason)")
            }
            let expression: JMESPath.Expression
            do {
                expression = try (query ?? Result { () throws(JMESPath.Failure) in try JMESPath.compile(queryText) })
                    .get()
            } catch {
                throw failure("invalid query: \(error.reason)")
            }
            let result: JSONValue
            do {
                result = try JMESPath.evaluate(expression, on: document)
            } catch {
                throw failure("query failed: \(error.reason)")
            }
            guard let text = result.compactSortedText(limit: limits.maxStringBytes) else {
                throw failure("result too long")
            }
            return [Item(value: .string(text), isReadOnly: singles[0].isReadOnly || singles[1].isReadOnly)]
        case .jsonToClaimValue:
            let readOnly = singles[0].isReadOnly
            let text = try string(singles[0])
            let parsed: JSONValue
            do {
                parsed = try JSONValue.parsePolicyJSON(text)
            } catch {
                throw failure("invalid JSON: \(error.reason)")
            }
            switch parsed {
            case .null:
                return []
            case .array(let elements):
                var out: [Item] = []
                for element in elements {
                    if case .null = element { continue }
                    out.append(Item(value: try primitive(element), isReadOnly: readOnly))
                }
                return out
            default:
                return [Item(value: try primitive(parsed), isReadOnly: readOnly)]
            }
        case .isSubsetOf:
            let superset = sets[1]
            let result = sets[0].allSatisfy { item in superset.contains { $0.value == item.value } }
            return [Item(value: .boolean(result), isReadOnly: false)]
        case .appendString:
            let joined = try string(singles[0]) + string(singles[1])
            guard joined.utf8.count <= limits.maxStringBytes else { throw failure("result too long") }
            return [Item(value: .string(joined), isReadOnly: singles[0].isReadOnly || singles[1].isReadOnly)]
        case .negateBool:
            guard case .boolean(let flag) = singles[0].value else {
                throw failure("expects a boolean, got \(singles[0].value.valueType.rawValue)")
            }
            return [Item(value: .boolean(!flag), isReadOnly: singles[0].isReadOnly)]
        case .containsOnlyValue:
            let set = sets[0]
            let expected = singles[0].value
            let result = !set.isEmpty && set.allSatisfy { $0.value == expected }
            return [Item(value: .boolean(result), isReadOnly: false)]
        }
    }

    /// A JSON primitive as a claim value: integers, booleans and strings; anything else is an error.
    private func primitive(_ value: JSONValue) throws(PolicyError) -> ClaimValue {
        switch value {
        case .integer(let number): return .integer(number)
        case .bool(let flag): return .boolean(flag)
        case .string(let text): return .string(text)
        case .double: throw failure("a fraction is not a claim value")
        case .object: throw failure("an object is not a claim value")
        case .array: throw failure("a nested array is not a claim value")
        case .null: throw failure("null is not a claim value")
        }
    }
}
