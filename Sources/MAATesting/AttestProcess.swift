import Foundation
public import MAAWire

/// The built `attest` executable, run as a child process by the command-line contract tests.
public enum AttestProcess {
    /// What one run printed and how it exited.
    public struct Run: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// Standard output parsed as one JSON value (`--json` output), if it is one.
        public var json: JSONValue? { try? JSONValue(parsing: stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The executable beside the test bundle, else `.build/debug/attest` in the package.
    public static let executable: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("attest")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return SharedData.packageRoot.appendingPathComponent(".build/debug/attest")
    }()

    /// Runs `attest arguments` to completion (blocking), with this process's environment changed by `environment`
    /// (a `nil` value removes the variable) and `stdin` as standard input (empty when `nil`).
    public static func run(_ arguments: [String], environment: [String: String?] = [:], stdin: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        process.environment = variables
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self)
        )
    }
}
