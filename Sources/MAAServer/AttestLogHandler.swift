#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Logging

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
import MAAWire
import Synchronization

/// The server's log handler: one line per record, as text (`2026-11-29T16:34:40.123Z info attest: key=value
/// [source] message`, the shape of swift-log's `StreamLogHandler`) or as one JSON object per line.
///
/// Metadata is stored as set and rendered only when a record is written. `StreamLogHandler` renders it on every
/// change, and Hummingbird sets a request id on every request's logger, so each request paid for a rendering
/// that is almost never printed.
public struct AttestLogHandler: LogHandler {
    /// How records are written.
    public enum Format: String, Sendable, CaseIterable {
        /// `TIME LEVEL LABEL: key=value … [SOURCE] MESSAGE`.
        case text
        /// `{"time":…,"level":…,"label":…,"source":…,"message":…,"metadata":{…}}`.
        case json
    }

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let format: Format
    private let sink: LogSink

    public init(label: String, format: Format = .text, sink: LogSink = .standardOutput) {
        self.label = label
        self.format = format
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit = event.metadata { all.merge(explicit) { _, new in new } }
        sink.write(
            Self.render(
                format: format, time: Self.timestamp(), level: event.level, label: label, source: event.source,
                message: event.message.description, metadata: all
            )
        )
    }

    /// One record as a line (with its newline).
    static func render(
        format: Format, time: String, level: Logger.Level, label: String, source: String, message: String,
        metadata: Logger.Metadata
    ) -> String {
        switch format {
        case .text:
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "\(time) \(level) \(label):\(pairs.isEmpty ? "" : " " + pairs) [\(source)] \(message)\n"
        case .json:
            var record: JSONObject = [
                "time": .string(time), "level": .string(level.rawValue), "label": .string(label),
                "source": .string(source), "message": .string(message),
            ]
            if !metadata.isEmpty { record["metadata"] = .object(JSONObject(metadata.map { (key: $0.key, value: json($0.value)) })) }
            return JSONValue.object(record).serialized(.maa) + "\n"
        }
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let values): .object(JSONObject(values.map { (key: $0.key, value: json($0.value)) }))
        }
    }

    /// UTC, ISO 8601 with milliseconds.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S", &parts)
        let base = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let milliseconds = Int(now.tv_nsec / 1_000_000)
        return base + "." + String(repeating: "0", count: milliseconds < 10 ? 2 : milliseconds < 100 ? 1 : 0)
            + String(milliseconds) + "Z"
    }
}

/// Where log lines go: a whole line per write, serialised, flushed (so a pipe or file sees each line at once).
public final class LogSink: Sendable {
    private let lock = Mutex<Void>(())
    private let writeLine: @Sendable (String) -> Void

    /// A sink calling `write` with each line, one at a time.
    public init(_ write: @escaping @Sendable (String) -> Void) {
        writeLine = write
    }

    public static let standardOutput = LogSink { line in writeAll(line, to: 1) }
    public static let standardError = LogSink { line in writeAll(line, to: 2) }

    /// Writes the whole line to a file descriptor (unbuffered: each line leaves the process at once).
    private static func writeAll(_ line: String, to descriptor: Int32) {
        var line = line
        line.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = systemWrite(descriptor, base + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }

    func write(_ line: String) {
        lock.withLock { _ in writeLine(line) }
    }
}
