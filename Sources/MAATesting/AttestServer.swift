import Foundation

/// An `attest serve` child process for end-to-end tests, ready once it prints `attest: listening on HOST:PORT`.
public struct AttestServer: Sendable {
    /// The process did not print its listening line (it exited, or 60 s passed); carries what it printed.
    public struct StartFailure: Error, CustomStringConvertible {
        public let output: String
        public var description: String { "attest serve did not start listening:\n\(output)" }
    }

    /// Everything the process wrote (stdout and stderr), appended as it arrives.
    public let output: AttestProcess.Output
    /// The port it listens on, from its listening line.
    public let port: Int

    /// Whether it is still running (it has not closed its output).
    public var isRunning: Bool { !output.isFinished }

    /// Starts `attest arguments`, waits until it listens, runs `body`, then stops it (SIGTERM) and waits for it.
    public static func with<Result: Sendable>(
        arguments: [String],
        _ body: (AttestServer) async throws -> Result
    ) async throws -> Result {
        try await AttestProcess.withRunning(arguments) { running in
            guard let line = try await running.output.line(startingWith: "attest: listening on"),
                let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
            else {
                running.kill()
                throw StartFailure(output: running.output.all)
            }
            return try await body(AttestServer(output: running.output, port: port))
        }.result
    }
}
