import MAAWire

/// Evaluates compiled JMESPath expressions, with a step budget (``JMESPath/maxSteps``).
struct QueryInterpreter {
    typealias Expression = JMESPath.Expression
    private var steps = 0

    private func fail(_ reason: String) -> JMESPath.Failure { JMESPath.Failure(reason: reason) }

    /// Charges `cost` steps against the budget (member lookups and merges cost the members they may scan).
    private mutating func charge(_ cost: Int) throws(JMESPath.Failure) {
        steps += cost
        guard steps <= JMESPath.maxSteps else { throw fail("query exceeded the evaluation budget") }
    }

    mutating func visit(_ expression: Expression, _ value: JSONValue) throws(JMESPath.Failure) -> JSONValue {
        steps += 1
        guard steps <= JMESPath.maxSteps else { throw fail("query exceeded the evaluation budget") }
        switch expression {
        case .current:
            return value
        case .field(let name):
            guard case .object(let object) = value else { return .null }
            try charge(object.count)
            return object[name] ?? .null
        case .literal(let literal):
            return literal
        case .subexpression(let left, let right):
            return try visit(right, try visit(left, value))
        case .indexExpression(let left, let right):
            return try visit(right, try visit(left, value))
        case .index(let index):
            guard case .array(let elements) = value else { return .null }
            let resolved = index < 0 ? elements.count + index : index
            return elements.indices.contains(resolved) ? elements[resolved] : .null
        case .slice(let start, let stop, let step):
            guard case .array(let elements) = value else { return .null }
            return .array(Self.slice(elements, start, stop, step ?? 1))
        case .projection(let left, let right):
            guard case .array(let elements) = try visit(left, value) else { return .null }
            return try project(elements, right)
        case .valueProjection(let left, let right):
            guard case .object(let object) = try visit(left, value) else { return .null }
            return try project(object.members.map(\.value), right)
        case .filterProjection(let left, let right, let condition):
            guard case .array(let elements) = try visit(left, value) else { return .null }
            var kept: [JSONValue] = []
            for element in elements where try visit(condition, element).isTruthy {
                kept.append(element)
            }
            return try project(kept, right)
        case .flatten(let inner):
            guard case .array(let elements) = try visit(inner, value) else { return .null }
            var flat: [JSONValue] = []
            for element in elements {
                if case .array(let nested) = element { flat.append(contentsOf: nested) } else { flat.append(element) }
            }
            return .array(flat)
        case .comparator(let comparator, let left, let right):
            return Self.compare(comparator, try visit(left, value), try visit(right, value))
        case .or(let left, let right):
            let lhs = try visit(left, value)
            return lhs.isTruthy ? lhs : try visit(right, value)
        case .and(let left, let right):
            let lhs = try visit(left, value)
            return lhs.isTruthy ? try visit(right, value) : lhs
        case .not(let inner):
            return .bool(!(try visit(inner, value).isTruthy))
        case .pipe(let left, let right):
            return try visit(right, try visit(left, value))
        case .multiSelectList(let elements):
            if case .null = value { return .null }
            var out: [JSONValue] = []
            for element in elements { out.append(try visit(element, value)) }
            return .array(out)
        case .multiSelectHash(let pairs):
            if case .null = value { return .null }
            var out = JSONObject()
            for (key, element) in pairs {
                let result = try visit(element, value)
                try charge(out.count)
                out[key] = result
            }
            return .object(out)
        case .function(let name, let arguments):
            return try callFunction(name, arguments, value)
        case .expressionReference:
            throw fail("an expression reference is only allowed as a function argument")
        }
    }

    private mutating func project(_ elements: [JSONValue], _ right: Expression) throws(JMESPath.Failure) -> JSONValue {
        var out: [JSONValue] = []
        for element in elements {
            let result = try visit(right, element)
            if case .null = result { continue }
            out.append(result)
        }
        return .array(out)
    }

    static func slice(_ elements: [JSONValue], _ start: Int?, _ stop: Int?, _ step: Int) -> [JSONValue] {
        let count = elements.count
        func clamp(_ value: Int?, _ defaultValue: Int) -> Int {
            guard let value else { return defaultValue }
            if value < 0 {
                let adjusted = value + count
                return adjusted < 0 ? (step < 0 ? -1 : 0) : adjusted
            }
            return value >= count ? (step < 0 ? count - 1 : count) : value
        }
        var index = clamp(start, step < 0 ? count - 1 : 0)
        let end = clamp(stop, step < 0 ? -1 : count)
        var out: [JSONValue] = []
        while step > 0 ? index < end : index > end {
            if elements.indices.contains(index) { out.append(elements[index]) }
            let (next, overflow) = index.addingReportingOverflow(step)
            if overflow { break }
            index = next
        }
        return out
    }

    static func compare(_ comparator: JMESPath.Comparator, _ lhs: JSONValue, _ rhs: JSONValue) -> JSONValue {
        switch comparator {
        case .equal: return .bool(lhs.jmesEquals(rhs))
        case .notEqual: return .bool(!lhs.jmesEquals(rhs))
        default:
            guard let a = lhs.doubleValue, let b = rhs.doubleValue else { return .null }
            switch comparator {
            case .less: return .bool(a < b)
            case .lessOrEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            default: return .bool(a >= b)
            }
        }
    }

    // MARK: Functions

    private static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .integer, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    private static func number(_ value: Double) -> JSONValue {
        if value == value.rounded(), abs(value) < 9.0e15 { return .integer(Int64(value)) }
        return .double(value)
    }

    private mutating func callFunction(_ name: String, _ arguments: [Expression], _ current: JSONValue)
        throws(JMESPath.Failure) -> JSONValue
    {
        func arity(_ count: Int) throws(JMESPath.Failure) {
            guard arguments.count == count else { throw fail("\(name)() takes \(count) argument(s)") }
        }
        func expressionArgument(_ index: Int) throws(JMESPath.Failure) -> Expression {
            guard case .expressionReference(let inner) = arguments[index] else {
                throw fail("\(name)() expects an expression reference")
            }
            return inner
        }
        var values: [JSONValue] = []
        for argument in arguments {
            if case .expressionReference = argument {
                values.append(.null)
            } else {
                values.append(try visit(argument, current))
            }
        }
        func array(_ index: Int) throws(JMESPath.Failure) -> [JSONValue] {
            guard case .array(let elements) = values[index] else { throw fail("\(name)() expects an array") }
            return elements
        }
        func string(_ index: Int) throws(JMESPath.Failure) -> String {
            guard case .string(let text) = values[index] else { throw fail("\(name)() expects a string") }
            return text
        }
        func numberArgument(_ index: Int) throws(JMESPath.Failure) -> Double {
            guard let number = values[index].doubleValue else { throw fail("\(name)() expects a number") }
            return number
        }

        switch name {
        case "abs":
            try arity(1)
            if case .integer(let value) = values[0], value != .min { return .integer(abs(value)) }
            return Self.number(abs(try numberArgument(0)))
        case "avg", "sum":
            try arity(1)
            let elements = try array(0)
            var total = 0.0
            for element in elements {
                guard let number = element.doubleValue else { throw fail("\(name)() expects numbers") }
                total += number
            }
            if name == "sum" { return Self.number(total) }
            return elements.isEmpty ? .null : .double(total / Double(elements.count))
        case "ceil":
            try arity(1)
            return Self.number(try numberArgument(0).rounded(.up))
        case "floor":
            try arity(1)
            return Self.number(try numberArgument(0).rounded(.down))
        case "contains":
            try arity(2)
            switch values[0] {
            case .array(let elements): return .bool(elements.contains { $0.jmesEquals(values[1]) })
            case .string(let text):
                guard case .string(let needle) = values[1] else { return .bool(false) }
                return .bool(needle.isEmpty || text.contains(needle))
            default: throw fail("contains() expects an array or a string")
            }
        case "ends_with":
            try arity(2)
            return .bool(try string(0).unicodeScalars.reversed().starts(with: try string(1).unicodeScalars.reversed()))
        case "starts_with":
            try arity(2)
            return .bool(try string(0).unicodeScalars.starts(with: try string(1).unicodeScalars))
        case "equals_ignore_case":
            try arity(2)
            return .bool(try string(0).lowercased() == string(1).lowercased())
        case "join":
            try arity(2)
            let separator = try string(0)
            var parts: [String] = []
            for element in try array(1) {
                guard case .string(let text) = element else { throw fail("join() expects strings") }
                parts.append(text)
            }
            let joined = parts.joined(separator: separator)
            guard joined.utf8.count <= 1 << 20 else { throw fail("join() result too long") }
            return .string(joined)
        case "keys", "values":
            try arity(1)
            guard case .object(let object) = values[0] else { throw fail("\(name)() expects an object") }
            return .array(name == "keys" ? object.members.map { .string($0.key) } : object.members.map(\.value))
        case "length":
            try arity(1)
            switch values[0] {
            case .string(let text): return .integer(Int64(text.unicodeScalars.count))
            case .array(let elements): return .integer(Int64(elements.count))
            case .object(let object): return .integer(Int64(object.count))
            default: throw fail("length() expects a string, array or object")
            }
        case "map":
            try arity(2)
            let inner = try expressionArgument(0)
            var out: [JSONValue] = []
            for element in try array(1) { out.append(try visit(inner, element)) }
            return .array(out)
        case "max", "min":
            try arity(1)
            let elements = try array(0)
            guard let first = elements.first else { return .null }
            var best = first
            for element in elements.dropFirst() {
                guard Self.sameSortableType(best, element) else { throw fail("\(name)() expects numbers or strings") }
                if name == "max" ? Self.less(best, element) : Self.less(element, best) { best = element }
            }
            guard Self.sameSortableType(best, best) else { throw fail("\(name)() expects numbers or strings") }
            return best
        case "max_by", "min_by", "sort_by":
            try arity(2)
            let inner = try expressionArgument(1)
            var keyed: [(JSONValue, JSONValue)] = []
            for element in try array(0) {
                let key = try visit(inner, element)
                if let first = keyed.first, !Self.sameSortableType(first.0, key) {
                    throw fail("\(name)() keys must all be numbers or all strings")
                }
                guard Self.sameSortableType(key, key) else { throw fail("\(name)() keys must be numbers or strings") }
                keyed.append((key, element))
            }
            if name == "sort_by" {
                return .array(Self.stableSorted(keyed).map(\.1))
            }
            guard var best = keyed.first else { return .null }
            for pair in keyed.dropFirst() {
                if name == "max_by" ? Self.less(best.0, pair.0) : Self.less(pair.0, best.0) { best = pair }
            }
            return best.1
        case "merge":
            var out = JSONObject()
            for value in values {
                guard case .object(let object) = value else { throw fail("merge() expects objects") }
                for member in object.members {
                    try charge(out.count)
                    out[member.key] = member.value
                }
            }
            return .object(out)
        case "not_null":
            guard !values.isEmpty else { throw fail("not_null() takes at least one argument") }
            return values.first { if case .null = $0 { false } else { true } } ?? .null
        case "reverse":
            try arity(1)
            switch values[0] {
            case .array(let elements): return .array(elements.reversed())
            case .string(let text): return .string(String(String.UnicodeScalarView(text.unicodeScalars.reversed())))
            default: throw fail("reverse() expects an array or a string")
            }
        case "sort":
            try arity(1)
            let elements = try array(0)
            for element in elements where !Self.sameSortableType(elements[0], element) {
                throw fail("sort() expects numbers or strings")
            }
            if let first = elements.first, !Self.sameSortableType(first, first) {
                throw fail("sort() expects numbers or strings")
            }
            return .array(Self.stableSorted(elements.map { ($0, $0) }).map(\.1))
        case "to_array":
            try arity(1)
            if case .array = values[0] { return values[0] }
            return .array([values[0]])
        case "to_string":
            try arity(1)
            if case .string = values[0] { return values[0] }
            guard let text = values[0].compactSortedText() else { throw fail("to_string() result too long") }
            return .string(text)
        case "to_number":
            try arity(1)
            switch values[0] {
            case .integer, .double: return values[0]
            case .string(let text):
                // JMESPath: a string that is not a number converts to null.
                guard let parsed = try? JSONValue.parsePolicyJSON(text), parsed.isNumber else { return .null }
                return parsed
            default: return .null
            }
        case "type":
            try arity(1)
            return .string(Self.typeName(values[0]))
        default:
            throw fail("unknown function \(name)()")
        }
    }

    private static func sameSortableType(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.string, .string): true
        default: a.isNumber && b.isNumber
        }
    }

    private static func less(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if case .string(let x) = a, case .string(let y) = b {
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        }
        return (a.doubleValue ?? 0) < (b.doubleValue ?? 0)
    }

    private static func stableSorted(_ pairs: [(JSONValue, JSONValue)]) -> [(JSONValue, JSONValue)] {
        pairs.enumerated().sorted { lhs, rhs in
            if less(lhs.element.0, rhs.element.0) { return true }
            if less(rhs.element.0, lhs.element.0) { return false }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
