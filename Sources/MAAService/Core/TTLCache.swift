import Foundation
import MAAModels
import MAAPolicy

/// A small thread-safe cache whose entries expire after a number of seconds of the service clock, for values
/// read on every request (instances, active keys, API tokens, compiled policies). Changes made through this
/// process invalidate entries at once; changes made by another process (the offline CLI) are seen within
/// the time to live.
final class TTLCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Key: (value: Value, storedAt: Int64)] = [:]  // guarded by `lock`
    private let timeToLive: Int64
    private let capacity: Int

    init(timeToLive: Int64, capacity: Int = 1024) {
        self.timeToLive = timeToLive
        self.capacity = capacity
    }

    /// The cached value if fresh at `now`; otherwise loads, stores and returns it.
    func value(for key: Key, now: Int64, load: () async throws -> Value) async throws -> Value {
        let cached: Value? = lock.withLock {
            guard let entry = entries[key], now >= entry.storedAt, now - entry.storedAt < timeToLive else { return nil }
            return entry.value
        }
        if let cached { return cached }
        let value = try await load()
        lock.withLock {
            if entries.count >= capacity { entries.removeAll() }
            entries[key] = (value, now)
        }
        return value
    }

    func remove(_ key: Key) {
        lock.withLock { _ = entries.removeValue(forKey: key) }
    }

    func removeAll() {
        lock.withLock { entries.removeAll() }
    }
}

/// The caches of one ``AttestationService``.
final class ServiceCaches: Sendable {
    /// Seconds a cached instance or key may be stale with respect to another process's changes.
    static let timeToLive: Int64 = 5
    let instances = TTLCache<String, InstanceRecord?>(timeToLive: timeToLive)
    let activeKeys = TTLCache<String, SigningKeyRecord?>(timeToLive: timeToLive)
    /// Stored policies by ``policyKey(instance:type:)``; changes through this service evict their entry at once.
    let storedPolicies = TTLCache<String, StoredPolicy?>(timeToLive: timeToLive)
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
