public import Foundation
import MAAWire

/// Where collateral comes from when the store has none current for a platform: a PCCS or an Intel
/// PCS-compatible service. Implementations fetch; everything fetched is verified by ``CollateralRefresher``
/// before use, so a source is not trusted.
///
/// The HTTP implementation (PCS v4 endpoints, spec §1.3) is `PCSCollateralSource` in `MAACollateralFetch`, so
/// this module needs no HTTP client.
public protocol CollateralSource: Sendable {
    /// Fetches a collateral bundle for `key`.
    func fetchCollateral(for key: CollateralKey) async throws -> CollateralBundle
}

/// Serves verified collateral from a ``CollateralStore``, fetching from a ``CollateralSource`` when nothing
/// current is stored; fetched bundles are verified, added to the store and optionally persisted, and reused
/// until their validity window (the earliest `nextUpdate` / `notAfter`) ends.
///
/// Concurrent requests for the same key share one fetch. After a failed fetch the key is not fetched again for
/// ``retryInterval`` (measured on the monotonic clock, not the verification time): callers get the same error,
/// so a flood of quotes from one platform cannot turn into a flood of requests to the source.
public actor CollateralRefresher {
    private let source: any CollateralSource
    private let store: CollateralStore
    private let directory: CollateralDirectory?
    private let trustAnchor: TrustAnchor
    /// How long a failed fetch is remembered.
    public let retryInterval: Duration
    private var inFlight: [CollateralKey: Task<VerifiedCollateral, any Error>] = [:]
    private var failures: [CollateralKey: (at: ContinuousClock.Instant, error: any Error)] = [:]

    public init(
        source: any CollateralSource, store: CollateralStore, directory: CollateralDirectory? = nil, trustAnchor: TrustAnchor = .intel,
        retryInterval: Duration = .seconds(30)
    ) {
        self.source = source
        self.store = store
        self.directory = directory
        self.trustAnchor = trustAnchor
        self.retryInterval = retryInterval
    }

    /// Current collateral for `key` at `now`, fetching once when the store has none.
    public func collateral(for key: CollateralKey, at now: Date) async throws -> VerifiedCollateral {
        if let stored = store.collateral(for: key, at: now) { return stored }
        if let failure = failures[key], failure.at.duration(to: .now) < retryInterval { throw failure.error }
        if let running = inFlight[key] {
            let verified = try await running.value
            try verified.checkCurrent(at: now)
            return verified
        }
        let task = Task { try await self.fetchAndVerify(key, at: now) }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        do {
            let verified = try await task.value
            failures[key] = nil
            return verified
        } catch {
            failures[key] = (ContinuousClock.now, error)
            throw error
        }
    }

    private func fetchAndVerify(_ key: CollateralKey, at now: Date) async throws -> VerifiedCollateral {
        let bundle = try await source.fetchCollateral(for: key)
        let verified = try VerifiedCollateral(bundle, trustAnchor: trustAnchor, at: now)
        guard verified.key == key else {
            throw DCAPError(.fmspcMismatch, "source returned collateral for \(verified.key), asked for \(key)")
        }
        if let directory { try directory.importBundle(bundle, trustAnchor: trustAnchor) }
        store.add(verified)
        return verified
    }
}

/// Cutting the signed body out of an Intel PCS / PCCS response such as `{"tcbInfo":{…},"signature":"…"}`.
public enum PCSResponse {
    /// The exact bytes of the value of top-level member `key` (e.g. `tcbInfo`, `enclaveIdentity`) and the
    /// decoded `signature`. The whole document must be one JSON object with no duplicate keys and nothing but
    /// whitespace after it.
    public static func signedBody(_ document: [UInt8], key: String, doc: CollateralDocument) throws(DCAPError) -> (body: [UInt8], signature: [UInt8]) {
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: document, options: JSONParsingOptions(maxDepth: 16, maxInputBytes: 4 << 20))
        } catch {
            throw DCAPError(.collateralMalformed(doc), "PCS response: \(error)")
        }
        guard let signatureHex = parsed["signature"]?.stringValue, let signature = try? Hex.decode(signatureHex),
            signature.count == 64
        else { throw DCAPError(.collateralMalformed(doc), "PCS response signature") }
        guard parsed[key]?.objectValue != nil, let range = topLevelValueRange(document, key: key) else {
            throw DCAPError(.collateralMalformed(doc), "PCS response has no \(key) object")
        }
        return (Array(document[range]), signature)
    }

    /// Scans the (already validated) document for the top-level member `key` and returns its value's byte range.
    private static func topLevelValueRange(_ b: [UInt8], key: String) -> Range<Int>? {
        let wanted = Array("\"\(key)\"".utf8)
        var depth = 0
        var index = 0
        var inString = false
        var stringStart = 0
        var expectValueFor: Bool = false
        var valueStart: Int?
        while index < b.count {
            let c = b[index]
            if inString {
                if c == UInt8(ascii: "\\") { index += 2; continue }
                if c == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 1, valueStart == nil, Array(b[stringStart...index]) == wanted { expectValueFor = true }
                }
                index += 1
                continue
            }
            switch c {
            case UInt8(ascii: "\""):
                inString = true
                stringStart = index
            case UInt8(ascii: ":") where expectValueFor && depth == 1:
                var start = index + 1
                while start < b.count, [0x20, 0x0A, 0x0D, 0x09].contains(b[start]) { start += 1 }
                valueStart = start
                expectValueFor = false
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 1, let start = valueStart { return start..<(index + 1) }
            case UInt8(ascii: ","):
                if depth == 1 { expectValueFor = false }
            default: break
            }
            index += 1
        }
        return nil
    }
}
