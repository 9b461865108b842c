import HummingbirdCore
import Logging
import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// Swift concurrency runs request handlers on its global pool by default, so every request crosses threads twice
/// (event loop → pool to handle it, pool → event loop to write the answer), each crossing a futex wake-up and a
/// context switch. With this executor preferred for a connection's task, the handler, the service code it awaits
/// and the channel I/O all run on the connection's own event loop thread.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

/// Wraps a server child channel so that each connection's task prefers its channel's event loop as task executor
/// (see ``EventLoopTaskExecutor``). The base channel's pipeline and handling are unchanged.
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
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}
