import ArgumentParser
import Foundation
import MAAPolicy

/// `attest policy …`: local policy tools (`check`, `eval`). Remote operations join this group as subcommands.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check and evaluate MAA attestation policies.",
        subcommands: [Check.self, Eval.self, PolicyGetCommand.self, PolicySetCommand.self, PolicyResetCommand.self]
    )

    /// The largest policy or claims file read (policies are further limited by the parser).
    static let maxFileBytes = 16 << 20

    /// Exit codes shared by the subcommands.
    enum Exit {
        static let permitted: Int32 = 0
        static let notPermitted: Int32 = 1
        static let error: Int32 = 2
    }

    /// Reads a file without reading more than `maxFileBytes + 1` bytes.
    static func readFile(_ path: String) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ValidationError("cannot open \(path)")
        }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: maxFileBytes + 1) ?? Data()
        guard data.count <= maxFileBytes else { throw ValidationError("\(path) is larger than \(maxFileBytes) bytes") }
        return data
    }

    /// Reads a policy file as UTF-8 text, exactly as stored (the hash covers every byte).
    static func readPolicy(_ path: String) throws -> String {
        let data = try readFile(path)
        guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(path) is not UTF-8") }
        return text
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// `file:line:column: error: reason`, the source line, and a caret under the column.
    static func describe(_ error: PolicyError, in text: String, file: String) -> String {
        guard let position = error.position else { return "\(file): error: \(error.code): \(error.reason)" }
        var out = "\(file):\(position.line):\(position.column): error: \(error.code): \(error.reason)"
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if position.line >= 1, position.line <= lines.count {
            let line = String(lines[position.line - 1]).replacingOccurrences(of: "\r", with: "")
            out += "\n" + line + "\n"
            // Keep tabs so the caret lines up under the same column.
            for scalar in line.unicodeScalars.prefix(max(position.column - 1, 0)) {
                out += scalar == "\t" ? "\t" : " "
            }
            out += "^"
        }
        return out
    }

}

extension PolicyCommand {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse a policy and report errors.",
            discussion: "Exit status: 0 if the policy is valid, 2 otherwise."
        )

        @Argument(help: "The policy text file.")
        var file: String

        func run() async throws {
            let text: String
            do {
                text = try PolicyCommand.readPolicy(file)
            } catch {
                PolicyCommand.writeError("\(file): error: \(error)")
                throw ExitCode(PolicyCommand.Exit.error)
            }
            do {
                let policy = try AttestationPolicy(text: text)
                let count = policy.document.sections.reduce(0) { $0 + $1.rules.count }
                print("\(file): ok (version \(policy.version.rawValue), \(count) rules, x-ms-policy-hash \(policy.hash))")
            } catch {
                PolicyCommand.writeError(PolicyCommand.describe(error, in: text, file: file))
                throw ExitCode(PolicyCommand.Exit.error)
            }
        }
    }

    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a policy against a claim set.",
            discussion: """
                CLAIMS.json is an array of {"type": …, "value": …, "issuer": …}; values are strings, integers or \
                booleans, and the issuer defaults to AttestationService.
                With --json, prints one object: {"permitted", "claims", "properties", "policyHash"} (plus "trace" \
                with --explain), or {"error": {"code", "message", "line", "column"}}; line and column are 0 when \
                unknown.
                Exit status: 0 permitted, 1 not permitted, 2 error.
                """
        )

        @Argument(help: "The policy text file.")
        var file: String

        @Option(name: .long, help: "The incoming claims (a JSON array).")
        var claims: String

        @Flag(help: "Show the rules tried, what they matched, and their effects.")
        var explain = false

        @Flag(help: "Print one JSON object.")
        var json = false

        func fail(_ error: PolicyError, text: String?) throws -> Never {
            if json {
                print(EvaluationReport.json(error))
            } else if let text {
                PolicyCommand.writeError(PolicyCommand.describe(error, in: text, file: file))
            } else {
                PolicyCommand.writeError("error: \(error.code): \(error.reason)")
            }
            throw ExitCode(PolicyCommand.Exit.error)
        }

        func run() async throws {
            let text: String
            do {
                text = try PolicyCommand.readPolicy(file)
            } catch {
                try fail(PolicyError(.parsingError, "\(file): \(error)"), text: nil)
            }
            let incoming: [Claim]
            do {
                incoming = try Claim.array(fromJSON: Array(PolicyCommand.readFile(claims)))
            } catch {
                try fail(PolicyError(.evaluationError, "invalid claims file \(claims): \(error)"), text: nil)
            }
            let policy: AttestationPolicy
            do {
                policy = try AttestationPolicy(text: text)
            } catch {
                try fail(error, text: text)
            }
            let explanation: PolicyExplanation? = explain ? policy.explain(incoming) : nil
            let result: PolicyEvaluation
            do {
                if let explanation {
                    result = try explanation.result.get()
                } else {
                    result = try policy.evaluate(incoming)
                }
            } catch {
                if let explanation, !json { print(explanation.trace.report) }
                try fail(error, text: text)
            }
            if json {
                print(EvaluationReport.json(result, policyHash: policy.hash, trace: explanation?.trace))
            } else {
                if let explanation { print(explanation.trace.report + "\n") }
                print(result.isPermitted ? "permitted" : "not permitted: \(result.refusalMessage ?? "")")
                for claim in result.issuedClaims { print("  \(claim.type) = \(claim.value)") }
                for (name, value) in result.properties.entries { print("  property \(name) = \(value)") }
                print("x-ms-policy-hash: \(policy.hash)")
            }
            if !result.isPermitted { throw ExitCode(PolicyCommand.Exit.notPermitted) }
        }
    }
}
