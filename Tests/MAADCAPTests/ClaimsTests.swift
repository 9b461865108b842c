import Foundation
import MAATesting
import MAAWire
import Testing

@testable import MAADCAP

@Suite("Claims")
struct ClaimsTests {
    @Test func openEnclaveReportMatchesMAARecordedToken() throws {
        let verified = try EvidenceRun.all[3].run()
        let runtime = try SharedData.bytes("evidence/openenclave/azure-sdk/azure_sdk_runtime_data.bin")
        try verified.bindRuntimeData(runtime)
        let claims = verified.claims(runtimeData: runtime)
        let recorded = try JSONValue(parsing: try SharedData.bytes("evidence/openenclave/azure-sdk/maa_recorded_token_claims_2021-05-05.json"))
        for name in [
            "x-ms-sgx-mrenclave", "x-ms-sgx-mrsigner", "x-ms-sgx-product-id", "x-ms-sgx-svn", "x-ms-sgx-is-debuggable",
            "x-ms-sgx-ehd", "x-ms-attestation-type", "maa-ehd", "aas-ehd",
        ] {
            #expect(claims[name]?.jsonValue == recorded[name], "\(name)")
        }
        guard case .object(let collateral)? = claims["x-ms-sgx-collateral"] else { Issue.record("no collateral"); return }
        #expect(collateral["quotehash"]?.jsonValue == recorded["x-ms-sgx-collateral"]?["quotehash"])
        #expect(Set(collateral.keys) == Set(recorded["x-ms-sgx-collateral"]?.objectValue?.keys ?? []))
        // MAA's tokens show equal cert hashes and equal CRL hashes; so do ours.
        #expect(collateral["qeidcertshash"] == collateral["tcbinfocertshash"])
        #expect(collateral["qeidcrlhash"] == collateral["tcbinfocrlhash"])
        let incoming = verified.incomingClaims(runtimeData: runtime)
        #expect(incoming["$sgx-mrenclave"]?.jsonValue == recorded["sgx-mrenclave"])
        #expect(incoming["$product-id"]?.jsonValue == recorded["product-id"])
        #expect(incoming["$svn"]?.jsonValue == recorded["svn"])
        #expect(incoming["$is-debuggable"]?.jsonValue == recorded["is-debuggable"])
        #expect(incoming["$tee"]?.jsonValue == recorded["tee"])
        // Built on claims already computed, the incoming set is the same.
        #expect(verified.incomingClaims(extending: claims) == incoming)
    }

    @Test func maaRecordedOpenEnclaveReportBytes() throws {
        // The MAA-recorded report is byte-identical to the evidence copy.
        #expect(try SharedData.bytes("maa-data/sgx/open_enclave_report.bin")
            == (try SharedData.bytes("evidence/openenclave/azure-sdk/azure_sdk_open_enclave_report.bin")))
    }

    @Test func runtimeDataBinding() throws {
        let verified = try EvidenceRun.all[3].run()
        var runtime = try SharedData.bytes("evidence/openenclave/azure-sdk/azure_sdk_runtime_data.bin")
        runtime[runtime.count / 2] ^= 1
        #expect(throws: DCAPError(.runtimeDataMismatch)) { try verified.bindRuntimeData(runtime) }
    }

    @Test func tdxClaims() throws {
        let verified = try EvidenceRun.all[4].run()
        let claims = verified.claims()
        #expect(claims["x-ms-attestation-type"] == .string("tdxvm"))
        #expect(claims["attester_tcb_status"] == .string("UpToDate"))
        #expect(claims["dbgstat"] == .string("disabled"))
        #expect(claims["tdx_td_attributes"] == .string("0000001000000000"))
        #expect(claims["tdx_td_attributes_septve_disable"] == .bool(true))
        #expect(claims["tdx_td_attributes_debug"] == .bool(false))
        #expect(claims["tdx_xfam"] == .string("e702060000000000"))
        #expect(claims["tdx_tee_tcb_svn"] == .string("06010300000000000000000000000000"))
        #expect(claims["tdx_rtmr3"] == .string(String(repeating: "0", count: 96)))
        #expect(claims["tdx_report_data"] == .string(
            "9a9d48e7f6799642d3d1b34e1e5e1742d4bb02dd6ddd551862c1211d35c304f9eca3efdbb481601c163cf52493d6e44aed55d51ec39b7e518fadb92c2b523f20"))
    }

    @Test func sgxClaimsExposeStatus() throws {
        let verified = try EvidenceRun.all[0].run()
        let claims = verified.claims()
        #expect(claims["x-ms-sgx-tcb-status"] == .string("ConfigurationAndSWHardeningNeeded"))
        #expect(claims["x-ms-sgx-advisory-ids"] == .array([.string("INTEL-SA-00289"), .string("INTEL-SA-00615")]))
        #expect(claims["x-ms-sgx-ehd"] == nil)
        #expect(claims["x-ms-sgx-config-id"] == nil)  // not a KSS enclave
    }
}

@Suite("Collateral store")
struct CollateralStoreTests {
    @Test func selectsByPlatformAndTime() throws {
        let store = CollateralStore()
        for run in EvidenceRun.all {
            let bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(run.collateral))
            store.add(try VerifiedCollateral(bundle))
        }
        let verifier = DCAPVerifier()
        for run in EvidenceRun.all where run.error == nil && !run.openEnclave {
            let verified = try verifier.verify(
                quote: try SharedData.bytes(run.quote), store: store, at: Date(timeIntervalSince1970: run.time))
            #expect(verified.tcbStatus == run.status)
        }
        let oe = try verifier.verify(
            openEnclaveReport: try SharedData.bytes(EvidenceRun.all[3].quote), store: store,
            at: Date(timeIntervalSince1970: EvidenceRun.all[3].time))
        #expect(oe.tcbStatus == .outOfDate)
        // Outside every window: nothing is selected.
        #expect(throws: DCAPError(.collateralNotFound)) {
            try verifier.verify(quote: try SharedData.bytes(EvidenceRun.all[0].quote), store: store,
                                at: Date(timeIntervalSince1970: 1_900_000_000))
        }
    }

    @Test func directoryRoundTrip() throws {
        let dir = URL(fileURLWithPath: TestScratch.path("dcap-store"))
        let directory = CollateralDirectory(dataDirectory: dir)
        let bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(EvidenceRun.all[4].collateral))
        let (file, _) = try directory.importBundle(bundle)
        #expect(file.path.hasPrefix(dir.appendingPathComponent("collateral").path))
        // A corrupted file next to it is reported, not loaded.
        try Data("{}".utf8).write(to: dir.appendingPathComponent("collateral/broken.json"))
        let store = CollateralStore()
        let failures = try directory.load(into: store)
        #expect(failures.count == 1)
        #expect(store.all.count == 1)
        #expect(store.all.first?.bundle == bundle)
        // Tampered signed body is refused on import.
        var tampered = bundle
        tampered.tcbInfo[10] ^= 1
        #expect(throws: DCAPError(.collateralSignatureInvalid(.tcbInfo))) { try directory.importBundle(tampered) }
    }
}
