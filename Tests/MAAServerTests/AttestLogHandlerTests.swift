import Logging
@testable import MAAServer
import MAAWire
import Synchronization
import Testing

@Suite("Log handler (text and JSON lines)")
struct AttestLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        var sink: LogSink { LogSink { line in self.lines.withLock { $0.append(line) } } }
    }

    @Test func textLinesHaveStreamLogHandlersShape() {
        let line = AttestLogHandler.render(
            format: .text, time: "2026-11-29T16:00:00.007Z", level: .info, label: "attest", source: "MAAServer",
            message: "request", metadata: ["route": "attest", "http.status": .stringConvertible(200)]
        )
        #expect(line == "2026-11-29T16:00:00.007Z info attest: http.status=200 route=attest [MAAServer] request\n")
        let bare = AttestLogHandler.render(
            format: .text, time: "T", level: .error, label: "l", source: "s", message: "m", metadata: [:]
        )
        #expect(bare == "T error l: [s] m\n")
    }

    @Test func jsonLinesAreOneValidObjectEach() throws {
        let line = AttestLogHandler.render(
            format: .json, time: "T", level: .warning, label: "attest", source: "MAAServer",
            message: "a \"quoted\"\nmessage/é",
            metadata: ["request.id": "abc", "list": ["x", .stringConvertible(1)], "nested": ["k": "v"]]
        )
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false)
        let object = try JSONValue(parsing: Array(line.utf8.dropLast()))
        #expect(object["level"] == "warning")
        #expect(object["message"]?.stringValue == "a \"quoted\"\nmessage/é")
        #expect(object["metadata"]?["request.id"] == "abc")
        #expect(object["metadata"]?["list"] == ["x", "1"])
        #expect(object["metadata"]?["nested"]?["k"] == "v")
        #expect(object["time"] == "T")
    }

    @Test func recordMetadataOverridesLoggerMetadataWhichOverridesNothing() throws {
        let lines = Lines()
        let sink = lines.sink
        var logger = Logger(label: "test") { label in AttestLogHandler(label: label, format: .json, sink: sink) }
        logger[metadataKey: "request.id"] = "r1"
        logger[metadataKey: "shared"] = "logger"
        logger.info("hello", metadata: ["shared": "record"])
        logger.debug("below the level")
        let all = lines.all
        #expect(all.count == 1)
        let object = try JSONValue(parsing: Array(all[0].utf8.dropLast()))
        #expect(object["metadata"]?["request.id"] == "r1")
        #expect(object["metadata"]?["shared"] == "record")
        #expect(object["label"] == "test")
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        let time = AttestLogHandler.timestamp()
        #expect(time.count == 24)
        #expect(time.hasSuffix("Z"))
        #expect(time.dropFirst(19).first == ".")
    }
}
