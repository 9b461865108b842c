public import Hummingbird

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
        do {
            let result = try await body(port)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// The application returned before it listened, without an error.
public struct LoopbackApplicationStopped: Error, CustomStringConvertible {
    public var description: String { "the application stopped before it listened" }
}
