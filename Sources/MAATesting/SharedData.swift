import Foundation

/// Locates the project's shared test data, which lives at `../shared/` beside the package root.
public enum SharedData {
    /// The package root, derived from this file's location (`Sources/MAATesting/SharedData.swift`).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` relative to the package root.
    public static let root: URL = packageRoot.appendingPathComponent("../shared").standardizedFileURL

    /// The URL of a file below `../shared/`, e.g. `url("maa-data/sgx/sgx_quote_v3.bin")`.
    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// The bytes of a file below `../shared/`.
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(relativePath)))
    }

    /// The UTF-8 text of a file below `../shared/`.
    public static func text(_ relativePath: String) throws -> String {
        try String(decoding: Data(contentsOf: url(relativePath)), as: UTF8.self)
    }

    /// The names of the files in a directory below `../shared/`, sorted.
    public static func files(in relativeDirectory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url(relativeDirectory).path).sorted()
    }
}
