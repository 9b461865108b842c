import Foundation
public import MAAWire
import Subprocess
import Synchronization

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The built `attest` executable, run as a child process by the command-line and end-to-end tests.
///
/// Every wait here suspends instead of blocking a thread (swift-subprocess: posix_spawn with every other descriptor
/// closed in the child, the exit reported by a pidfd monitor thread). Foundation's `Process` waits by blocking the
/// caller (`waitUntilExit`, pipe reads); from an async test that is a thread of the cooperative pool, which has two
/// threads on a 2-core machine, so two such waits at once leave no thread for any other test's tasks. Its children can
/// also inherit pipe and exit-report descriptors that another thread opened while they were spawned, which delays
/// that other child's end-of-output and exit until this child exits.
public enum AttestProcess {
    /// What one run printed and how it exited.
    public struct Run: Sendable {
        /// The exit code, or 128 + the signal number if a signal ended it (as a shell reports it).
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// Standard output parsed as one JSON value (`--json` output), if it is one.
        public var json: JSONValue? { try? JSONValue(parsing: stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// How a process ended.
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)

        init(_ status: TerminationStatus) {
            switch status {
            case .exited(let code): self = .exited(code)
            case .signaled(let signal): self = .signaled(signal)
            }
        }

        /// The shell's number for it: the exit code, or 128 + the signal.
        public var shellStatus: Int32 {
            switch self {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        }
    }

    /// The executable beside the test bundle, else `.build/debug/attest` in the package.
    public static let executable: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("attest")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return SharedData.packageRoot.appendingPathComponent(".build/debug/attest")
    }()

    /// Output beyond this fails the run (a runaway child must not exhaust memory).
    static let outputLimit = 64 << 20

    static func environment(_ changes: [String: String?]) -> Environment {
        var overrides: [Environment.Key: String?] = [:]
        for (name, value) in changes {
            if let key = Environment.Key(rawValue: name) { overrides[key] = value }
        }
        return .inherit.updating(overrides)
    }

    /// Runs `attest arguments` to completion, with this process's environment changed by `environment` (a `nil`
    /// value removes the variable) and `stdin` as standard input (empty when `nil`).
    public static func run(_ arguments: [String], environment: [String: String?] = [:], stdin: String? = nil) async throws
        -> Run
    {
        let result = try await Subprocess.run(
            .path(FilePath(executable.path)),
            arguments: Arguments(arguments),
            environment: Self.environment(environment),
            input: .string(stdin ?? ""),
            output: .string(limit: outputLimit),
            error: .string(limit: outputLimit)
        )
        return Run(
            status: Termination(result.terminationStatus).shellStatus,
            stdout: result.standardOutput,
            stderr: result.standardError
        )
    }

    /// Runs `attest arguments` while `body` works with it, collecting standard output and error together into
    /// ``Running/output``. When `body` returns or throws, the process gets SIGTERM if it has not closed its output;
    /// this returns once it has exited.
    public static func withRunning<Result: Sendable>(
        _ arguments: [String],
        environment: [String: String?] = [:],
        _ body: (Running) async throws -> Result
    ) async throws -> (result: Result, termination: Termination) {
        let output = Output()
        let execution = try await Subprocess.run(
            .path(FilePath(executable.path)),
            arguments: Arguments(arguments),
            environment: Self.environment(environment),
            input: .none,
            output: .sequence,
            error: .combinedWithOutput
        ) { execution in
            let running = Running(output: output, signal: { try? execution.send(signal: Signal(rawValue: $0)) })
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { output.finish() }
                    for try await buffer in execution.standardOutput {
                        output.append(buffer.withUnsafeBytes { String(decoding: $0, as: UTF8.self) })
                    }
                }
                let result: Result
                do {
                    result = try await body(running)
                } catch {
                    if !output.isFinished { running.kill() }
                    try? await group.waitForAll()
                    throw error
                }
                if !output.isFinished { running.terminate() }
                try await group.waitForAll()
                return result
            }
        }
        return (execution.closureResult, Termination(execution.terminationStatus))
    }

    /// A process started by ``withRunning(_:environment:_:)``; valid only inside its body.
    public struct Running: Sendable {
        /// Everything it wrote to standard output and standard error so far.
        public let output: Output
        let signal: @Sendable (CInt) -> Void

        /// Sends SIGTERM (a graceful stop).
        public func terminate() { signal(SIGTERM) }
        /// Sends SIGKILL.
        public func kill() { signal(SIGKILL) }
    }

    /// A child's standard output and error, appended as they arrive.
    public final class Output: Sendable {
        private struct State {
            var text = ""
            var finished = false
        }
        private let state = Mutex(State())

        func append(_ more: String) { state.withLock { $0.text += more } }
        func finish() { state.withLock { $0.finished = true } }

        /// The text so far.
        public var all: String { state.withLock { $0.text } }
        /// Whether the process closed its output (it has exited, as these children never close it earlier).
        public var isFinished: Bool { state.withLock { $0.finished } }

        /// The first line that starts with `prefix`, once it has been written; `nil` if the output ends or
        /// `timeout` passes first.
        public func line(startingWith prefix: String, timeout: Duration = .seconds(60)) async throws -> String? {
            let deadline = ContinuousClock.now + timeout
            while true {
                let (text, finished) = state.withLock { ($0.text, $0.finished) }
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
                if finished || ContinuousClock.now >= deadline { return nil }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }
}
