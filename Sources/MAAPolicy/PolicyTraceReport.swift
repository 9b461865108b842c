extension PolicyTrace {
    /// A human-readable account of the evaluation: each rule tried, what each condition matched, and the effects.
    public var report: String {
        var lines: [String] = []
        for rule in rules {
            let header = "\(rule.section.rawValue) rule \(rule.index + 1) (line \(rule.position.line), "
                + "column \(rule.position.column)): \(Self.singleLine(rule.text))"
            lines.append(header)
            for condition in rule.conditions {
                let name = condition.isNegated ? "![...]" : (condition.identifier.map { "\($0):[...]" } ?? "[...]")
                let count = condition.matchedClaims.count
                var line = "  condition \(name) at \(condition.position): matched \(count) claim\(count == 1 ? "" : "s")"
                if count > 0 {
                    let shown = condition.matchedClaims.prefix(4).map { "\($0.type)=\($0.value)" }
                    line += " (" + shown.joined(separator: ", ") + (count > 4 ? ", …" : "") + ")"
                }
                line += condition.isSatisfied ? " → holds" : " → does not hold"
                lines.append(line)
            }
            guard rule.fired else {
                lines.append("  not fired")
                continue
            }
            if rule.effects.isEmpty {
                lines.append("  fired, no effect (the value was empty)")
            }
            for effect in rule.effects {
                switch effect {
                case .permit: lines.append("  fired → permit")
                case .deny: lines.append("  fired → deny")
                case .added(let claim): lines.append("  fired → added \(claim.type)=\(claim.value) (incoming set only)")
                case .issued(let claim): lines.append("  fired → issued \(claim.type)=\(claim.value)")
                case .property(let claim): lines.append("  fired → property \(claim.type)=\(claim.value)")
                }
            }
        }
        lines.append(contentsOf: notes)
        return lines.joined(separator: "\n")
    }

    private static func singleLine(_ text: String) -> String {
        var out = ""
        var lastWasSpace = false
        for character in text {
            if character.isWhitespace {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(character)
                lastWasSpace = false
            }
        }
        return out
    }
}
