import ArgumentParser
import Foundation
import MAAWire

/// Helpers shared by the `attest` subcommands.
enum CLI {
    /// Reads a file, or standard input when `path` is `-`.
    static func readBytes(_ path: String) throws -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        return Array(data)
    }

    /// Reads a text file (or standard input for `-`), trimming surrounding whitespace.
    static func readText(_ path: String) throws -> String {
        String(decoding: try readBytes(path), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A token given inline, as a file path, or `-` for standard input.
    static func readToken(_ argument: String) throws -> String {
        if argument == "-" { return try readText("-") }
        if argument.split(separator: ".", omittingEmptySubsequences: false).count == 3, !FileManager.default.fileExists(atPath: argument) {
            return argument
        }
        return try readText(argument)
    }

    /// Writes one compact JSON object and a newline to standard output.
    static func printJSON(_ value: JSONValue) {
        print(value.serialized(.maa))
    }

    /// Writes a line to standard error.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// A Unix time as ISO 8601 UTC.
    static func humanTime(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
