import Foundation
import MAATesting
import MAAWire
import Testing

@testable import MAADCAP

/// A fake PCCS: serves fixed bundles by key and counts requests.
final class FakeSource: CollateralSource, @unchecked Sendable {
    let bundles: [CollateralKey: CollateralBundle]
    private let lock = NSLock()
    private var _requests = 0
    var requests: Int { lock.withLock { _requests } }

    init(_ bundles: [CollateralKey: CollateralBundle]) { self.bundles = bundles }

    func fetchCollateral(for key: CollateralKey) async throws -> CollateralBundle {
        lock.withLock { _requests += 1 }
        guard let bundle = bundles[key] else { throw DCAPError(.collateralNotFound) }
        return bundle
    }
}

@Suite("Collateral source")
struct CollateralSourceTests {
    @Test func fetchesOnceVerifiesAndCaches() async throws {
        let run = EvidenceRun.all[4]
        let bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(run.collateral))
        let verifier = DCAPVerifier()
        let quote = try SharedData.bytes(run.quote)
        let key = try verifier.collateralKey(for: try Quote(quote))
        let source = FakeSource([key: bundle])
        let store = CollateralStore()
        let refresher = CollateralRefresher(source: source, store: store)
        let now = Date(timeIntervalSince1970: run.time)
        let first = try await refresher.collateral(for: key, at: now)
        _ = try await refresher.collateral(for: key, at: now)
        #expect(source.requests == 1)
        #expect(try verifier.verify(quote: quote, collateral: first, at: now).tcbStatus == .upToDate)
        // Outside the window the stored set is not current: the source is asked again, and its (stale) answer
        // fails verification rather than being used.
        await #expect(throws: DCAPError.self) { try await refresher.collateral(for: key, at: now.addingTimeInterval(90 * 86_400)) }
        #expect(source.requests == 2)
    }

    @Test func tamperedFetchIsRefused() async throws {
        let run = EvidenceRun.all[0]
        var bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(run.collateral))
        let key = try DCAPVerifier().collateralKey(for: try Quote(try SharedData.bytes(run.quote)))
        bundle.qeIdentity[20] ^= 1
        let store = CollateralStore()
        let refresher = CollateralRefresher(source: FakeSource([key: bundle]), store: store)
        await #expect(throws: DCAPError(.collateralSignatureInvalid(.qeIdentity))) {
            try await refresher.collateral(for: key, at: Date(timeIntervalSince1970: run.time))
        }
        #expect(store.all.isEmpty)
    }

    @Test func failedFetchIsRememberedForTheRetryInterval() async throws {
        let run = EvidenceRun.all[0]
        let key = try DCAPVerifier().collateralKey(for: try Quote(try SharedData.bytes(run.quote)))
        let source = FakeSource([:])
        let now = Date(timeIntervalSince1970: run.time)
        let remembering = CollateralRefresher(source: source, store: CollateralStore(), retryInterval: .seconds(3600))
        for _ in 0..<3 {
            await #expect(throws: DCAPError(.collateralNotFound)) { try await remembering.collateral(for: key, at: now) }
        }
        #expect(source.requests == 1)
        let retrying = CollateralRefresher(source: source, store: CollateralStore(), retryInterval: .zero)
        for _ in 0..<2 {
            await #expect(throws: DCAPError(.collateralNotFound)) { try await retrying.collateral(for: key, at: now) }
        }
        #expect(source.requests == 3)
    }

    @Test func concurrentRequestsShareOneFetch() async throws {
        let run = EvidenceRun.all[0]
        let bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(run.collateral))
        let key = try DCAPVerifier().collateralKey(for: try Quote(try SharedData.bytes(run.quote)))
        let source = FakeSource([key: bundle])
        let refresher = CollateralRefresher(source: source, store: CollateralStore())
        let now = Date(timeIntervalSince1970: run.time)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { _ = try await refresher.collateral(for: key, at: now) } }
            try await group.waitForAll()
        }
        #expect(source.requests == 1)
    }

    @Test func pcsResponseBodyExtraction() throws {
        let bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(EvidenceRun.all[0].collateral))
        let body = String(decoding: bundle.tcbInfo, as: UTF8.self)
        let response = "{\"tcbInfo\":\(body),\"signature\":\"\(Hex.encode(bundle.tcbInfoSignature))\"}"
        let (extracted, signature) = try PCSResponse.signedBody(Array(response.utf8), key: "tcbInfo", doc: .tcbInfo)
        #expect(extracted == bundle.tcbInfo)
        #expect(signature == bundle.tcbInfoSignature)
        // Trailing garbage or a stray brace after the document, and duplicate keys, are rejected (C10).
        for bad in [response + "}", response + "garbage", "{\"tcbInfo\":{},\"tcbInfo\":\(body),\"signature\":\"00\"}"] {
            #expect(throws: DCAPError(.collateralMalformed(.tcbInfo))) {
                try PCSResponse.signedBody(Array(bad.utf8), key: "tcbInfo", doc: .tcbInfo)
            }
        }
    }
}
