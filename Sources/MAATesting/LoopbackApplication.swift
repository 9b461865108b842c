public import Hummingbird
import Logging

/// Runs a Hummingbird application on a loopback port for a test: `makeApplication` builds it with the callback it
/// must pass as its `onServerRunning` (given the bound port), and `body` runs once it listens; the application is
/// stopped when `body` returns or throws.
///
/// An application that stops before it listens (a port in use, a bad TLS file) throws its error here. Waiting for
/// the port alone would wait forever: the callback is never called.
public func withLoopbackApplication<App: ApplicationProtocol, Result: Sendable>(
    _ makeApplication: (_ onServerRunning: @escaping @Sendable (Int) async -> Void) throws -> App,
    _ body: (Int) async throws -> Result
) async throws -> Result {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = try makeApplication { port in continuation.yield(port) }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { continuation.finish() }
            try await app.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.next()
            throw LoopbackApplicationStopped()
        }
        defer { group.cancelAll() }
        return try await body(port)
    }
}

/// Runs `responder` in an application on a loopback port (port 0, logs discarded) while `body` works with the port.
public func withLoopbackApplication<Responder: HTTPResponder, Result: Sendable>(
    responder: Responder, label: String, _ body: (Int) async throws -> Result
) async throws -> Result where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    try await withLoopbackApplication({ onServerRunning in
        Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() }))
    }, body)
}

/// The application returned before it listened, without an error.
public struct LoopbackApplicationStopped: Error, CustomStringConvertible {
    public var description: String { "the application stopped before it listened" }
}
