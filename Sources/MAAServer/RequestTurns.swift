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

/// Starts requests first come, first served, one per I/O poll on each event loop, on whichever loop is free.
///
/// Why: request handlers run on event loops (``ConnectionExecutor``), and NIO runs every task queued on a loop before
/// it polls for I/O again, so each poll's requests are served in the order epoll reports them. For level-triggered
/// sockets epoll keeps reporting connections in the order it reported them last time, and a request that arrives
/// just after a poll is reported after all of them: the client whose response was written last in one batch missed
/// the next batch and was served last again, persistently waiting two batches (measured under load: a few
/// connections at twice the median latency). And a connection stays on the loop that accepted it, so a loop that
/// shares its core with another busy process served its connections more slowly than the other loop.
///
/// How: a request calls ``turn(for:)`` before it is handled. It starts at once on its own loop if that loop is free,
/// else on another free loop, else it waits in one FIFO shared by all loops. A loop is free once it has polled since
/// it last started a request: each start writes a byte to a pipe the loop watches, and when the loop reads it, the
/// loop takes the oldest waiter, whichever loop read its request. The next start on a loop thus happens on the poll
/// after its current request finished or suspended, so a request that waits for I/O does not hold up the others.
final class RequestTurns: Sendable {
    private struct Waiter {
        let continuation: UnsafeContinuation<Void, Never>
        let executor: ConnectionExecutor
    }

    private struct State {
        var markers: [ObjectIdentifier: LoopMarker] = [:]
        var waiters = CircularBuffer<Waiter>()
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    init() {}

    /// Returns when the request whose task prefers `executor` may start; the task then runs on the loop that
    /// started it (usually the connection's own). Tasks not running on an event loop start at once.
    func turn(for executor: ConnectionExecutor) async {
        guard let here = MultiThreadedEventLoopGroup.currentEventLoop else { return }
        enum Decision {
            case now  // no turns (stopped, or no marker pipe for this loop)
            case start(LoopMarker)
            case queue
        }
        // Fast path: nothing waits and this loop is free.
        let (fast, created): (Decision, LoopMarker?) = state.withLockedValue { state in
            guard !state.closed else { return (.now, nil) }
            let (marker, created) = marker(for: here, in: &state)
            guard let marker else { return (.now, nil) }
            return (state.waiters.isEmpty && marker.claim() ? .start(marker) : .queue, created)
        }
        created?.register(with: self)  // outside the lock: a failed registration stops the turns
        switch fast {
        case .now:
            return
        case .start(let marker):
            marker.start(executor)
            return
        case .queue:
            break
        }
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            enum Queued {
                case closed
                case start(Waiter, on: LoopMarker)
                case wait
            }
            // Queue this request; if some loop is free, the oldest waiter (this request when none was queued) starts
            // there. A loop can be free while others wait: a loop's marker is made free when its first request
            // comes, and requests of other loops may be queued by then. Checking on every arrival keeps "no loop
            // free while requests wait" true, so a loop never stays idle behind the queue.
            let queued: Queued = state.withLockedValue { state in
                if state.closed { return .closed }
                state.waiters.append(Waiter(continuation: continuation, executor: executor))
                guard let free = state.markers.values.first(where: { $0.claim() }), let oldest = state.waiters.popFirst()
                else { return .wait }
                return .start(oldest, on: free)
            }
            switch queued {
            case .closed:
                continuation.resume()
            case .start(let waiter, let marker):
                marker.start(waiter.executor)
                // Resumed from the free loop: a resumption inside this closure would let this task carry on here
                // instead of moving (the check after the suspension covers a resumption that still comes too early).
                marker.eventLoop.execute { waiter.continuation.resume() }
            case .wait:
                break  // `polled(_:)`, a later arrival or `stop()` resumes it
            }
        }
        // A resumption from another thread can come before this task has finished suspending; the task then carries
        // on where it was instead of moving. It hops to its executor's loop then (and again if the hop's own
        // resumption comes too early).
        while MultiThreadedEventLoopGroup.currentEventLoop !== executor.loop {
            let loop = executor.loop
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                loop.execute { continuation.resume() }
            }
        }
    }

    /// The loop of `marker` polled and read its start marker: it starts the oldest waiter, if any.
    fileprivate func polled(_ marker: LoopMarker) {
        let next: Waiter? = state.withLockedValue { state in
            marker.release()
            guard !state.closed, let next = state.waiters.popFirst() else { return nil }
            _ = marker.claim()
            return next
        }
        guard let next else { return }
        marker.start(next.executor)
        next.continuation.resume()
    }

    /// The marker of `eventLoop` (`nil` when no pipe can be opened), and whether it was made now: the caller then
    /// registers it, after releasing the lock.
    private func marker(for eventLoop: any EventLoop, in state: inout State) -> (LoopMarker?, created: LoopMarker?) {
        let id = ObjectIdentifier(eventLoop)
        if let marker = state.markers[id] { return (marker, nil) }
        guard let marker = LoopMarker(on: eventLoop) else { return (nil, nil) }
        state.markers[id] = marker
        return (marker, marker)
    }

    /// Whether `eventLoop` has polled since its last start (`nil` if it never had one). For tests.
    func isFree(_ eventLoop: any EventLoop) -> Bool? {
        state.withLockedValue { $0.markers[ObjectIdentifier(eventLoop)].map { !$0.isClaimed } }
    }

    /// Stops taking turns: every waiter starts now, and later requests start as they come.
    func stop() {
        let (waiters, markers) = state.withLockedValue { state in
            state.closed = true
            defer {
                state.waiters.removeAll()
                state.markers = [:]
            }
            return (Array(state.waiters), Array(state.markers.values))
        }
        for waiter in waiters { waiter.continuation.resume() }
        for marker in markers { marker.closeChannel() }
    }

    /// `responder`, started in turn.
    func inTurn(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        { request, writer, channel in
            guard let executor = ConnectionExecutor.current else {
                return try await responder(request, writer, channel)
            }
            await self.turn(for: executor)
            defer { executor.returnHome() }
            try await responder(request, writer, channel)
        }
    }
}

/// One event loop's start marker: a pipe whose read end the loop watches. "Claimed" from a start until the loop has
/// read the byte that start wrote (guarded by the ``RequestTurns`` lock).
final class LoopMarker: @unchecked Sendable {
    let eventLoop: any EventLoop
    private var claimed = false  // guarded by the RequestTurns lock
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)

    private let readEnd: CInt
    private let writeEnd: CInt

    /// Opens the pipe (`nil` if it cannot be opened); ``register(with:)`` hands its read end to `eventLoop`.
    init?(on eventLoop: any EventLoop) {
        var fds: [CInt] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        guard fcntl(fds[1], F_SETFL, O_NONBLOCK) == 0 else {
            close(fds[0])
            close(fds[1])
            return nil
        }
        self.eventLoop = eventLoop
        (readEnd, writeEnd) = (fds[0], fds[1])
    }

    /// Registers the read end on the loop, with a handler that reports each read to `turns`.
    func register(with turns: RequestTurns) {
        NIOPipeBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LoopMarkerHandler(turns: turns, marker: self))
                }
            }
            .takingOwnershipOfDescriptor(input: readEnd)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    self.channel.withLockedValue { $0 = channel }
                case .failure:
                    // No loop will read this marker, so requests could wait forever: stop taking turns altogether.
                    // The read end stays open until the marker goes (a write into a pipe without reader would
                    // raise SIGPIPE).
                    self.unregisteredReadEnd.withLockedValue { $0 = self.readEnd }
                    turns.stop()
                }
            }
    }

    /// The pipe's read end when no channel took it over (registration failed).
    fileprivate let unregisteredReadEnd = NIOLockedValueBox<CInt?>(nil)

    deinit {
        close(writeEnd)
        if let readEnd = unregisteredReadEnd.withLockedValue({ $0 }) { close(readEnd) }
    }

    /// Claims the loop for one start if it is free (call with the RequestTurns lock held).
    func claim() -> Bool {
        if claimed { return false }
        claimed = true
        return true
    }

    var isClaimed: Bool { claimed }  // read with the RequestTurns lock held

    /// The loop has polled (call with the RequestTurns lock held).
    func release() {
        claimed = false
    }

    /// Starts a claimed turn on this loop: the task of `executor` runs its next jobs here, and the marker byte makes
    /// the loop poll and then report back.
    func start(_ executor: ConnectionExecutor) {
        executor.run(on: eventLoop)
        signal()
    }

    /// Writes the byte that makes the loop poll and then report back. (A full pipe cannot happen: one byte per
    /// claim, read before the next claim; if the write fails anyway, the next start waits for another start's byte.)
    private func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    func closeChannel() {
        let channel = channel.withLockedValue { channel in
            defer { channel = nil }
            return channel
        }
        channel?.close(promise: nil)
    }
}

/// Reads a loop's start markers; once a read burst is over, the loop takes the next waiter.
private final class LoopMarkerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let turns: RequestTurns
    let marker: LoopMarker

    init(turns: RequestTurns, marker: LoopMarker) {
        self.turns = turns
        self.marker = marker
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func channelReadComplete(context: ChannelHandlerContext) {
        turns.polled(marker)
    }
}

/// Releases the turns when the application shuts down.
struct RequestTurnsService: Service {
    let turns: RequestTurns

    func run() async throws {
        try? await gracefulShutdown()
        turns.stop()
    }
}
