import Foundation
import Testing
@testable import MAAService

/// A gate a load waits on, and a count of loads.
final class LoadProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var continuations: [CheckedContinuation<Void, Never>] = []
    private var open = false

    var loads: Int { lock.withLock { count } }

    func load(_ value: Int) async -> Int {
        lock.withLock { count += 1 }
        await withCheckedContinuation { continuation in
            let proceed = lock.withLock { () -> Bool in
                if open { return true }
                continuations.append(continuation)
                return false
            }
            if proceed { continuation.resume() }
        }
        return value
    }

    func release() {
        let waiting = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            open = true
            defer { continuations = [] }
            return continuations
        }
        for continuation in waiting { continuation.resume() }
    }

    func waitForLoads(_ n: Int) async {
        while loads < n { await Task.yield() }
    }
}

@Suite("TTL cache: shared loads, stale-while-revalidate, invalidation")
struct TTLCacheTests {
    @Test func concurrentMissesShareOneLoad() async throws {
        let cache = TTLCache<String, Int>(timeToLive: 5)
        let probe = LoadProbe()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { try await cache.value(for: "k", now: 100) { await probe.load(7) } } }
            await probe.waitForLoads(1)
            probe.release()
            for try await value in group { #expect(value == 7) }
        }
        #expect(probe.loads == 1)
    }

    @Test func anExpiredEntryIsServedWhileOneLoadRefreshesIt() async throws {
        let cache = TTLCache<String, Int>(timeToLive: 5)
        #expect(try await cache.value(for: "k", now: 100) { 1 } == 1)
        let probe = LoadProbe()
        // Expired but within the staleness bound: the old value comes back at once, and one refresh starts.
        #expect(try await cache.value(for: "k", now: 106) { await probe.load(2) } == 1)
        #expect(try await cache.value(for: "k", now: 107) { await probe.load(3) } == 1)
        await probe.waitForLoads(1)
        probe.release()
        // The refreshed value arrives (stored as of the refresh's start time, 106).
        var seen = 1
        for _ in 0..<1000 where seen == 1 {
            seen = try await cache.value(for: "k", now: 108) { 99 }
            await Task.yield()
        }
        #expect(seen == 2)
        #expect(probe.loads == 1)
    }

    @Test func tooOldEntriesAreNotServed() async throws {
        let cache = TTLCache<String, Int>(timeToLive: 5)
        _ = try await cache.value(for: "k", now: 100) { 1 }
        #expect(cache.maximumStaleness == 20)
        #expect(try await cache.value(for: "k", now: 121) { 2 } == 2)
    }

    @Test func removalDiscardsALoadThatWasInFlight() async throws {
        let cache = TTLCache<String, Int>(timeToLive: 5)
        let probe = LoadProbe()
        let early = Task { try await cache.value(for: "k", now: 100) { await probe.load(1) } }
        await probe.waitForLoads(1)
        cache.remove("k")  // e.g. the policy changed while the old one was being read
        #expect(try await cache.value(for: "k", now: 100) { 2 } == 2)
        probe.release()
        #expect(try await early.value == 1)
        #expect(try await cache.value(for: "k", now: 101) { 3 } == 2)  // the early result was not stored
    }

    struct Boom: Error {}

    @Test func failedLoadsReachTheirWaitersAndAreNotCached() async throws {
        let cache = TTLCache<String, Int>(timeToLive: 5)
        await #expect(throws: Boom.self) { try await cache.value(for: "k", now: 100) { throw Boom() } }
        #expect(try await cache.value(for: "k", now: 100) { 4 } == 4)
        // A failed refresh leaves the stale value in service.
        #expect(try await cache.value(for: "k", now: 106) { throw Boom() } == 4)
    }
}

@Suite("Secure random bytes")
struct SecureRandomTests {
    @Test(arguments: [0, 1, 7, 8, 9, 16, 32, 33])
    func lengthsAreExact(count: Int) {
        #expect(SecureRandom.bytes(count).count == count)
    }

    @Test func drawsDiffer() {
        let draws = Set((0..<64).map { _ in SecureRandom.bytes(16) })
        #expect(draws.count == 64)
        // Every byte position takes many values over the draws (not a fixed pattern from word slicing).
        for index in 0..<16 { #expect(Set(draws.map { $0[index] }).count > 16) }
    }
}
