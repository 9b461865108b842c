#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import MAAServer

@Suite("Event-loop turns: requests start one per I/O poll, first come first served")
struct EventLoopTurnsTests {
    /// Appends events in the order they happen (all on the loop thread; the lock is for the test's reads).
    final class Journal: Sendable {
        private let events = NIOLockedValueBox<[String]>([])
        func record(_ event: String) { events.withLockedValue { $0.append(event) } }
        var all: [String] { events.withLockedValue { $0 } }
    }

    /// Reads a pipe on the loop and journals each read burst: an I/O event the loop handles when it polls.
    final class IOProbe: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let journal: Journal
        init(journal: Journal) { self.journal = journal }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
        func channelReadComplete(context: ChannelHandlerContext) { journal.record("io") }
    }

    /// Starts a request-like task that prefers `loop` as its executor, takes its turn, then runs `body`.
    static func request(
        on loop: any EventLoop, turns: EventLoopTurns, body: @escaping @Sendable () -> Void
    ) -> Task<Void, Never> {
        Task(executorPreference: EventLoopTaskExecutor(loop)) {
            await turns.turn()
            body()
        }
    }

    @Test("a waiting request starts only after the loop has polled I/O, and waiters start in arrival order")
    func startsAfterPollInOrder() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let journal = Journal()
        var fds: [CInt] = [-1, -1]
        #expect(pipe(&fds) == 0)
        let probe = try await NIOPipeBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(IOProbe(journal: journal)) }
            }
            .takingOwnershipOfDescriptor(input: fds[0]).get()
        let probeWriteEnd = fds[1]
        let turns = try #require(await loop.submit { EventLoopTurns.make(on: loop) }.get())

        // Three requests queued in one tick. The first writes to the probe pipe while it runs: with turns, the loop
        // handles that I/O before the second request starts; without them the second would run in the same tick.
        let tasks = try await loop.submit {
            [
                Self.request(on: loop, turns: turns) {
                    var byte: UInt8 = 1
                    _ = write(probeWriteEnd, &byte, 1)
                    journal.record("A")
                },
                Self.request(on: loop, turns: turns) { journal.record("B") },
                Self.request(on: loop, turns: turns) { journal.record("C") },
            ]
        }.get()
        for task in tasks { await task.value }

        #expect(journal.all == ["A", "io", "B", "C"])
        try await loop.submit { turns.stop() }.get()
        try await probe.close()
        close(probeWriteEnd)
        try await group.shutdownGracefully()
    }

    @Test("stop() starts every waiter and later requests start at once")
    func stopReleasesWaiters() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let journal = Journal()
        let table = EventLoopTurnsTable()
        let turns = try #require(table.turns(for: loop))
        let tasks = try await loop.submit {
            (0..<5).map { index in Self.request(on: loop, turns: turns) { journal.record("\(index)") } }
        }.get()
        table.stop()
        for task in tasks { await task.value }
        #expect(journal.all.sorted() == ["0", "1", "2", "3", "4"])
        #expect(table.turns(for: loop) == nil)
        await Self.request(on: loop, turns: turns) { journal.record("after") }.value
        #expect(journal.all.last == "after")
        try await group.shutdownGracefully()
    }

    @Test("a caller that is not on the loop starts at once")
    func offLoopCallerStartsAtOnce() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let turns = try #require(await loop.submit { EventLoopTurns.make(on: loop) }.get())
        await turns.turn()  // this test's task runs on the global executor, not on `loop`
        await turns.turn()
        try await loop.submit { turns.stop() }.get()
        try await group.shutdownGracefully()
    }
}
