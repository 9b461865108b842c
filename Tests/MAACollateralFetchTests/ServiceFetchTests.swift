import AsyncHTTPClient
import Foundation
import MAATesting
import Testing

@testable import MAACollateralFetch
@testable import MAADCAP
@testable import MAAService

/// The service's evidence path with a PCCS configured (what `attest serve --pccs-url` builds): a quote whose
/// platform has no stored collateral triggers one fetch, later quotes use the store.
@Suite("Service evidence verification with a PCCS")
struct ServiceFetchTests {
    @Test func quoteWithoutStoredCollateralTriggersOneFetch() async throws {
        let run = FetchCase.azure
        let pcs = try FakePCS([run.collateral])
        let directory = URL(fileURLWithPath: TestScratch.path("fetch"))
        try await pcs.serve { url, client in
            let store = CollateralStore()
            let source = PCSCollateralSource(configuration: try .init(baseURL: url), client: client)
            let evidence = EvidenceVerification(
                collateral: store, collateralTime: Int64(run.time),
                refresher: CollateralRefresher(source: source, store: store, directory: CollateralDirectory(dataDirectory: directory)))
            let report = try SharedData.bytes("evidence/openenclave/azure-sdk/azure_sdk_open_enclave_report.bin")
            let verified = try await evidence.verify(.openEnclave, evidence: report, now: 0)
            #expect(verified.tcbStatus == .outOfDate)
            #expect(pcs.log.all.count == 4)
            // The same platform again (as a bare SGX quote): served from the store.
            _ = try await evidence.verify(.sgxEnclave, evidence: try SharedData.bytes(run.quote), now: 0)
            #expect(pcs.log.all.count == 4)
            // The fetched set was persisted, so a restart loads it without fetching.
            let reloaded = CollateralStore()
            #expect(try CollateralDirectory(dataDirectory: directory).load(into: reloaded).isEmpty)
            #expect(reloaded.all.count == 1)
        }
    }

    @Test func withoutAPCCSNothingIsFetched() async throws {
        let run = FetchCase.sgx
        let evidence = EvidenceVerification(collateral: CollateralStore(), collateralTime: Int64(run.time))
        await #expect(throws: ServiceError.self) { try await evidence.verify(.sgxEnclave, evidence: try SharedData.bytes(run.quote), now: 0) }
    }

    @Test func aPCCSServingBadCollateralDoesNotMakeAQuoteVerify() async throws {
        let run = FetchCase.sgx
        let pcs = try FakePCS([run.collateral], fault: .tamperTCBInfo)
        try await pcs.serve { url, client in
            let store = CollateralStore()
            let source = PCSCollateralSource(configuration: try .init(baseURL: url), client: client)
            let evidence = EvidenceVerification(
                collateral: store, collateralTime: Int64(run.time), refresher: CollateralRefresher(source: source, store: store))
            await #expect(throws: ServiceError.self) {
                try await evidence.verify(.sgxEnclave, evidence: try SharedData.bytes(run.quote), now: 0)
            }
            #expect(store.all.isEmpty)
        }
    }
}
