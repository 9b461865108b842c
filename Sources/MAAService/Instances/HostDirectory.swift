import Foundation

/// A cached map from host name to instance name, so host-name routing does not read every instance per request.
/// Refreshed from storage when older than ``maximumAge`` seconds or after this process changes instances.
final class HostDirectory: @unchecked Sendable {
    static let maximumAge: Int64 = 5
    private let lock = NSLock()
    private var hosts: [String: String] = [:]  // guarded by `lock`
    private var loadedAt: Int64?  // guarded by `lock`

    func invalidate() {
        lock.withLock { loadedAt = nil }
    }

    func instanceName(forHost host: String, now: Int64, load: () async throws -> [InstanceRecord]) async throws -> String? {
        let cached: String?? = lock.withLock {
            guard let loadedAt, now - loadedAt < Self.maximumAge, now >= loadedAt else { return .none }
            return .some(hosts[host])
        }
        if let cached { return cached }
        var fresh: [String: String] = [:]
        for instance in try await load() {
            if let name = instance.hostName { fresh[name] = instance.name }
        }
        lock.withLock {
            hosts = fresh
            loadedAt = now
        }
        return fresh[host]
    }
}
