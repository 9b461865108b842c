import MAAJOSE
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The instance's token signers from `/certs`, fetched on first use and refreshed when a token names a `kid` the
/// cache does not hold — at most once per refresh interval, so a stream of tokens naming unknown keys cannot turn
/// into a stream of `/certs` requests. Concurrent refreshes share one fetch.
actor SignerCache {
    typealias Fetch = @Sendable () async throws(AttestationClientError) -> [AttestationSigner]

    private var signers: [AttestationSigner] = []
    private var fetchedAt: Date? = nil
    /// When an unknown `kid` last caused a refresh.
    private var lastUnknownKeyRefresh: Date? = nil
    private var inFlight: Task<[AttestationSigner], any Error>? = nil
    private let refreshInterval: Duration
    private let now: @Sendable () -> Date
    private let fetch: Fetch

    init(refreshInterval: Duration, now: @escaping @Sendable () -> Date, fetch: @escaping Fetch) {
        self.refreshInterval = refreshInterval
        self.now = now
        self.fetch = fetch
    }

    /// The signers to validate a token naming `keyID` with: the cached set when it has that `kid` (or the token has
    /// none), otherwise a fresh `/certs` unless an unknown `kid` already caused one within the refresh interval.
    func signers(for keyID: String?) async throws(AttestationClientError) -> [AttestationSigner] {
        if fetchedAt != nil {
            if keyID == nil || signers.contains(where: { $0.keyID == keyID }) { return signers }
            let interval = Double(refreshInterval.components.seconds) + Double(refreshInterval.components.attoseconds) / 1e18
            let current = now()
            if let last = lastUnknownKeyRefresh, current.timeIntervalSince(last) < interval { return signers }
            if inFlight == nil { lastUnknownKeyRefresh = current }
        }
        return try await refresh()
    }

    /// Fetches `/certs` now (joining a fetch already under way) and caches the result.
    func refresh() async throws(AttestationClientError) -> [AttestationSigner] {
        let task: Task<[AttestationSigner], any Error>
        if let inFlight {
            task = inFlight
        } else {
            let fetch = self.fetch
            task = Task { try await fetch() }
            inFlight = task
        }
        do {
            let fresh = try await task.value
            if inFlight == task {
                inFlight = nil
                signers = fresh
                fetchedAt = now()
            }
            return fresh
        } catch {
            if inFlight == task { inFlight = nil }
            if let error = error as? AttestationClientError { throw error }
            throw AttestationClientError(.transportFailed, "cannot fetch the instance's signers: \(error)")
        }
    }

    /// Replaces the cache with signers just fetched by the caller.
    func store(_ fresh: [AttestationSigner]) {
        signers = fresh
        fetchedAt = now()
    }
}
