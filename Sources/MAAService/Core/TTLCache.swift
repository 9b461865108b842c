import Foundation
import MAAModels
import MAAPolicy

/// A small thread-safe cache whose entries expire after a number of seconds of the service clock, for values
/// read on every request (instances, active keys, API tokens, compiled policies). Changes made through this
/// process invalidate entries at once; changes made by another process (the offline CLI) are seen within
/// the time to live.
///
/// Under load an expiring entry must not turn into a burst of identical storage reads, so:
/// - concurrent misses of one key share a single load (the others await it);
/// - an expired entry younger than ``maximumStaleness`` is served while one load refreshes it in the background.
/// A `remove` discards the result of any load that was in flight when it happened.
final class TTLCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private struct Entry {
        var value: Value
        var storedAt: Int64
    }

    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]  // guarded by `lock`
    /// Loads in flight by key, each with an id; a load stores its result only if it is still the key's current
    /// load (a `remove` forgets the current load, so a result read before the removal is never cached).
    private var loads: [Key: (id: UInt64, task: Task<Value, any Error>)] = [:]  // guarded by `lock`
    private var nextLoadID: UInt64 = 0  // guarded by `lock`
    private let timeToLive: Int64
    /// How old an expired entry may be and still be served while it is refreshed.
    let maximumStaleness: Int64
    private let capacity: Int

    init(timeToLive: Int64, capacity: Int = 1024) {
        self.timeToLive = timeToLive
        self.maximumStaleness = timeToLive > Int64.max / 4 ? timeToLive : timeToLive * 4
        self.capacity = capacity
    }

    private enum Lookup {
        case value(Value)
        case wait(Task<Value, any Error>)
    }

    /// The cached value if fresh at `now`; otherwise a shared load (see the type's notes).
    func value(for key: Key, now: Int64, load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let lookup: Lookup = lock.withLock {
            let entry = entries[key]
            if let entry, now >= entry.storedAt, now - entry.storedAt < timeToLive { return .value(entry.value) }
            let usable = entry.flatMap { now >= $0.storedAt && now - $0.storedAt < maximumStaleness ? $0.value : nil }
            let task: Task<Value, any Error>
            if let running = loads[key] {
                task = running.task
            } else {
                let id = nextLoadID
                nextLoadID &+= 1
                task = Task { try await self.finishLoad(key, now: now, id: id, load: load) }
                loads[key] = (id, task)
            }
            return usable.map(Lookup.value) ?? .wait(task)
        }
        switch lookup {
        case .value(let value): return value
        case .wait(let task): return try await task.value
        }
    }

    private func finishLoad(
        _ key: Key, now: Int64, id: UInt64, load: @Sendable () async throws -> Value
    ) async throws -> Value {
        let result: Result<Value, any Error>
        do { result = .success(try await load()) } catch { result = .failure(error) }
        lock.withLock {
            guard loads[key]?.id == id else { return }
            loads[key] = nil
            if case .success(let value) = result {
                if entries.count >= capacity { entries.removeAll() }
                entries[key] = Entry(value: value, storedAt: now)
            }
        }
        return try result.get()
    }

    func remove(_ key: Key) {
        lock.withLock {
            entries[key] = nil
            loads[key] = nil
        }
    }

    func removeAll() {
        lock.withLock {
            entries.removeAll()
            loads.removeAll()
        }
    }
}

/// The caches of one ``AttestationService``.
final class ServiceCaches: Sendable {
    /// Seconds a cached instance or key may be stale with respect to another process's changes.
    static let timeToLive: Int64 = 5
    let instances = TTLCache<String, InstanceRecord?>(timeToLive: timeToLive)
    let activeKeys = TTLCache<String, SigningKeyRecord?>(timeToLive: timeToLive)
    /// Effective policies (stored, else the default) by ``policyKey(instance:type:)``; changes through this service
    /// evict their entry at once.
    let storedPolicies = TTLCache<String, StoredPolicy>(timeToLive: timeToLive)
    /// Compiled stored policies by their exact JWS (immutable, so only the capacity bounds them). Draft policies,
    /// which callers choose freely, are never cached.
    let policies = TTLCache<String, AttestationPolicy>(timeToLive: Int64.max / 2, capacity: 256)

    static func policyKey(instance: String, type: MAAModels.AttestationType) -> String { instance + "\u{0}" + type.rawValue }

    /// Forgets everything cached about an instance.
    func evict(instance name: String) {
        instances.remove(name)
        activeKeys.remove(name)
        for type in MAAModels.AttestationType.allCases { storedPolicies.remove(Self.policyKey(instance: name, type: type)) }
    }
}
