#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HummingbirdCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Starts requests on an event loop one per I/O poll, in the order they were read: first come, first served.
///
/// Why: request handlers run on their connection's event loop (``EventLoopPinnedChannel``), and NIO runs every task
/// queued on a loop before it polls for I/O again, so each poll's requests are served in the order epoll reports
/// them. For level-triggered sockets epoll keeps reporting connections in the order it reported them last time, and
/// a request that arrives just after a poll is reported after all of them. The client whose response is written
/// last in one batch sends its next request just after the next poll, is served last again, and so waits two
/// batches instead of one, persistently (measured under load: a few connections at twice the median latency, which
/// set the p99). With one start per poll, a request read in a poll waits only for the requests read before it.
///
/// How: a request calls ``turn()`` before it is handled. The first request of an idle loop starts at once; later ones
/// wait in a FIFO. Each start writes one byte to a pipe that the loop watches, so the loop polls (and reads what
/// has arrived) before the next waiter starts: the next start happens on the poll after the current request has
/// finished or suspended, so a request that waits for I/O does not hold up the others.
final class EventLoopTurns: @unchecked Sendable {
    // Everything below is touched only on `eventLoop` (checked in `turn()` and by the pipe handler's loop).
    let eventLoop: any EventLoop
    private var waiters = CircularBuffer<UnsafeContinuation<Void, Never>>()
    private var startPending = false  // a start marker is in the pipe: the next start waits for its poll
    private var closed = false
    private let markerFD: CInt  // the pipe's write end; its read end belongs to `signalChannel`
    private var signalChannel: (any Channel)?

    /// Opens the pipe and registers its read end on `eventLoop`. Returns `nil` when no pipe can be opened (then
    /// requests start as they come, as without turns).
    static func make(on eventLoop: any EventLoop) -> EventLoopTurns? {
        var fds: [CInt] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        guard fcntl(fds[1], F_SETFL, O_NONBLOCK) == 0 else {
            close(fds[0])
            close(fds[1])
            return nil
        }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let turns = EventLoopTurns(eventLoop: eventLoop, markerFD: writeEnd)
        NIOPipeBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TurnMarkerHandler(turns: turns))
                }
            }
            .takingOwnershipOfDescriptor(input: readEnd)
            .whenComplete { result in
                switch result {
                case .success(let channel): turns.registered(channel)
                case .failure:
                    close(readEnd)
                    turns.stop()
                }
            }
        return turns
    }

    private init(eventLoop: any EventLoop, markerFD: CInt) {
        self.eventLoop = eventLoop
        self.markerFD = markerFD
    }

    deinit {
        close(markerFD)
    }

    /// Returns when this request may start. Callers off the loop (or after ``stop()``) start at once.
    func turn() async {
        guard eventLoop.inEventLoop, !closed else { return }
        if !startPending && waiters.isEmpty {
            startNext()
            return
        }
        await withUnsafeContinuation { waiters.append($0) }
    }

    /// Marks a start: the next waiter starts when the loop has read the marker, i.e. on its next poll.
    private func startNext() {
        var byte: UInt8 = 1
        if write(markerFD, &byte, 1) == 1 {
            startPending = true
        } else {
            // The pipe is full or broken: no start can wait for a poll, so everyone starts now.
            stop()
        }
    }

    /// The loop polled and read the marker(s): start the oldest waiter.
    fileprivate func polled() {
        startPending = false
        guard !closed, let next = waiters.popFirst() else { return }
        startNext()
        next.resume()
    }

    private func registered(_ channel: any Channel) {
        if closed {
            channel.close(promise: nil)
        } else {
            signalChannel = channel
        }
    }

    /// Stops taking turns: every waiter starts now, and later requests start as they come.
    func stop() {
        guard eventLoop.inEventLoop else {
            eventLoop.execute { self.stop() }
            return
        }
        closed = true
        while let waiter = waiters.popFirst() { waiter.resume() }
        signalChannel?.close(promise: nil)
        signalChannel = nil
    }
}

/// Reads the start markers from the pipe; once a read burst is over, lets the next request start.
private final class TurnMarkerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let turns: EventLoopTurns

    init(turns: EventLoopTurns) {
        self.turns = turns
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func channelReadComplete(context: ChannelHandlerContext) {
        turns.polled()
    }
}

/// One ``EventLoopTurns`` per event loop, made on first use; ``stop()`` releases them when the server stops.
final class EventLoopTurnsTable: Sendable {
    private let table = NIOLockedValueBox<(closed: Bool, turns: [ObjectIdentifier: EventLoopTurns])>((false, [:]))

    init() {}

    /// The turns of `eventLoop` (`nil` once closed, or when the loop's pipe cannot be opened).
    func turns(for eventLoop: any EventLoop) -> EventLoopTurns? {
        let id = ObjectIdentifier(eventLoop)
        return table.withLockedValue { state in
            if state.closed { return nil }
            if let turns = state.turns[id] { return turns }
            guard let turns = EventLoopTurns.make(on: eventLoop) else { return nil }
            state.turns[id] = turns
            return turns
        }
    }

    func stop() {
        let all = table.withLockedValue { state in
            state.closed = true
            defer { state.turns = [:] }
            return Array(state.turns.values)
        }
        for turns in all { turns.stop() }
    }

    /// `responder`, started in turn on its connection's event loop.
    func inTurn(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        { request, writer, channel in
            await self.turns(for: channel.eventLoop)?.turn()
            try await responder(request, writer, channel)
        }
    }
}

/// Releases the event loops' turns when the application shuts down.
struct EventLoopTurnsService: Service {
    let table: EventLoopTurnsTable

    func run() async throws {
        try? await gracefulShutdown()
        table.stop()
    }
}
