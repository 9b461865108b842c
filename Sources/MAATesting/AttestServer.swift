import Foundation
import Synchronization

/// An `attest serve` child process for end-to-end tests: started with the given arguments, ready once it prints
/// `attest: listening on HOST:PORT`, stopped (SIGTERM, then waited for) by ``stop()``.
public final class AttestServer: Sendable {
    /// Everything the process wrote (stdout and stderr), appended as it arrives.
    public final class Output: Sendable {
        private let text = Mutex<String>("")
        func append(_ more: String) { text.withLock { $0 += more } }
        public var all: String { text.withLock { $0 } }
    }

    /// The process did not print its listening line (it exited, or 60 s passed); carries what it printed.
    public struct StartFailure: Error, CustomStringConvertible {
        public let output: String
        public var description: String { "attest serve did not start listening:\n\(output)" }
    }

    let process: Process
    public let output = Output()
    /// The port it listens on, from its listening line.
    public let port: Int

    public init(arguments: [String]) throws {
        let process = Process()
        process.executableURL = AttestProcess.executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        self.process = process
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            output.append(String(decoding: handle.availableData, as: UTF8.self))
        }
        try process.run()
        var bound: Int?
        for _ in 0..<600 where bound == nil {
            if let line = output.all.split(separator: "\n").first(where: { $0.hasPrefix("attest: listening on") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
            {
                bound = port
            } else if !process.isRunning {
                break
            } else {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        guard let bound else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            throw StartFailure(output: output.all)
        }
        port = bound
    }

    public var isRunning: Bool { process.isRunning }

    public func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        (process.standardOutput as? Pipe)?.fileHandleForReading.readabilityHandler = nil
    }
}
