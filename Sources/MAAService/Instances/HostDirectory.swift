/// A cached map from host name to instance name, so host-name routing does not read every instance per request.
///
/// Built on ``TTLCache``: refreshed when older than the cache's time to live (one shared load, the old map served
/// meanwhile) and at once after this process changes instances.
final class HostDirectory: Sendable {
    private let cache = TTLCache<Int, [String: String]>(timeToLive: ServiceCaches.timeToLive, capacity: 1)

    func invalidate() {
        cache.removeAll()
    }

    func instanceName(
        forHost host: String, now: Int64, load: @escaping @Sendable () async throws -> [InstanceRecord]
    ) async throws -> String? {
        let hosts = try await cache.value(for: 0, now: now) {
            var map: [String: String] = [:]
            for instance in try await load() {
                if let name = instance.hostName { map[name] = instance.name }
            }
            return map
        }
        return hosts[host]
    }
}
