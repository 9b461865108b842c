import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The task executor of one connection: its jobs run on the connection's event loop, or on another loop while a
/// request started there (``RequestTurns`` moves a waiting request to whichever loop is free).
///
/// Swift concurrency runs request handlers on its global pool by default, so every request crosses threads twice
/// (event loop → pool to handle it, pool → event loop to write the answer), each crossing a futex wake-up and a
/// context switch. With this executor preferred for a connection's task, the handler, the service code it awaits
/// and the channel I/O all run on an event loop thread, normally the connection's own.
final class ConnectionExecutor: TaskExecutor {
    /// The executor of the connection whose task is running (set by ``EventLoopPinnedChannel``).
    @TaskLocal static var current: ConnectionExecutor?

    let home: any EventLoop
    private let target: NIOLockedValueBox<any EventLoop>

    init(_ home: any EventLoop) {
        self.home = home
        self.target = NIOLockedValueBox(home)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        target.withLockedValue { $0 }.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }

    /// The loop the task's next jobs run on.
    var loop: any EventLoop { target.withLockedValue { $0 } }

    /// Runs the task's next jobs on `eventLoop`.
    func run(on eventLoop: any EventLoop) {
        target.withLockedValue { $0 = eventLoop }
    }

    /// Runs the task's next jobs on the connection's own loop again (the request is answered).
    func returnHome() {
        run(on: home)
    }
}

/// Wraps a server child channel so that each connection's task prefers its channel's event loop as task executor
/// (see ``ConnectionExecutor``). The base channel's pipeline and handling are unchanged.
struct EventLoopPinnedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base

    init(_ base: Base) {
        self.base = base
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        let executor = ConnectionExecutor(value.channel.eventLoop)
        await ConnectionExecutor.$current.withValue(executor) {
            await withTaskExecutorPreference(executor) {
                await base.handle(value: value, logger: logger)
            }
        }
    }
}
