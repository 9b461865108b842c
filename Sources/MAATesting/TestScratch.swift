import Foundation

/// Files and directories that tests write, all under one directory per test process, which is removed when the
/// process exits (so a failing or interrupted test leaves nothing behind in the system's temporary directory).
public enum TestScratch {
    /// The process's scratch directory, made on first use.
    public static let root: String = {
        let path = NSTemporaryDirectory() + "attest-tests-\(getpid())-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestScratch.root) }
        return path
    }()

    /// A new path under ``root`` that nothing uses yet (not created): `prefix`, a UUID, then `suffix`.
    public static func path(_ prefix: String, suffix: String = "") -> String {
        root + "/" + prefix + "-" + UUID().uuidString + suffix
    }

    /// Writes `contents` to a new file under ``root`` and returns its path.
    public static func file(_ contents: some Collection<UInt8>, prefix: String = "file", suffix: String = "") throws -> String {
        let path = path(prefix, suffix: suffix)
        try Data(contents).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes `text` (UTF-8) to a new file under ``root`` and returns its path.
    public static func file(_ text: String, prefix: String = "file", suffix: String = "") throws -> String {
        try file(Array(text.utf8), prefix: prefix, suffix: suffix)
    }
}
