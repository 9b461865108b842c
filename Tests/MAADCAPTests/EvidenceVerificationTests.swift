import Foundation
import MAATesting
import MAAWire
import Testing

@testable import MAADCAP

/// One expected outcome from `../shared/evidence/*/expected-*.json`.
struct EvidenceRun: Sendable, CustomTestStringConvertible {
    let quote: String
    let collateral: String
    let time: TimeInterval
    let status: TCBStatus?
    let advisories: [String]
    let error: DCAPError.Code?
    var openEnclave = false
    var qeStatus: TCBStatus { quote.contains("azure") ? .outOfDate : .upToDate }

    var testDescription: String { "\(quote.split(separator: "/").last ?? "") + \(collateral.split(separator: "/").last ?? "")" }

    static let all: [EvidenceRun] = [
        EvidenceRun(
            quote: "evidence/sgx-dcap/dcapqvl_sgx_quote.bin",
            collateral: "evidence/assembled-collateral/sgx-dcap/dcapqvl_sgx_quote.bin.run0.collateral.json",
            time: 1_752_919_277, status: .configurationAndSWHardeningNeeded,
            advisories: ["INTEL-SA-00289", "INTEL-SA-00615"], error: nil),
        EvidenceRun(
            quote: "evidence/sgx-dcap/dcapqvl_sgx_quote.bin",
            collateral: "evidence/assembled-collateral/sgx-dcap/dcapqvl_sgx_quote.bin.run2.collateral.json",
            time: 1_751_624_924, status: .configurationAndSWHardeningNeeded,
            advisories: ["INTEL-SA-00289", "INTEL-SA-00615"], error: nil),
        EvidenceRun(
            quote: "evidence/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin",
            collateral: "evidence/assembled-collateral/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin.run1.collateral.json",
            time: 1_738_752_225, status: .outOfDate, advisories: azureAdvisories, error: nil),
        EvidenceRun(
            quote: "evidence/openenclave/azure-sdk/azure_sdk_open_enclave_report.bin",
            collateral: "evidence/assembled-collateral/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin.run1.collateral.json",
            time: 1_738_752_225, status: .outOfDate, advisories: azureAdvisories, error: nil, openEnclave: true),
        EvidenceRun(
            quote: "evidence/tdx/dcapqvl_tdx_quote.bin",
            collateral: "evidence/assembled-collateral/tdx/dcapqvl_tdx_quote.bin.run0.collateral.json",
            time: 1_752_919_234, status: .upToDate, advisories: [], error: nil),
        EvidenceRun(
            quote: "evidence/tdx/dcapqvl_tdx_quote.bin",
            collateral: "evidence/assembled-collateral/tdx/dcapqvl_tdx_quote.bin.run2.collateral.json",
            time: 1_751_624_191, status: .upToDate, advisories: [], error: nil),
        EvidenceRun(
            quote: "evidence/tdx/dcapqvl_tdx_quote.bin",
            collateral: "evidence/assembled-collateral/tdx/dcapqvl_tdx_quote.bin.run3.collateral.json",
            time: 1_761_057_412, status: .upToDate, advisories: [], error: nil),
        EvidenceRun(
            quote: "evidence/tdx/dcapqvl_tdx_quote_outdated.bin",
            collateral: "evidence/assembled-collateral/tdx/dcapqvl_tdx_quote_outdated.bin.run0.collateral.json",
            time: 1_774_003_274, status: nil, advisories: [], error: .tcbLevelNotFound),
        EvidenceRun(
            quote: "evidence/tdx/dcapqvl_tdx_quote_outdated.bin",
            collateral: "evidence/assembled-collateral/tdx/dcapqvl_tdx_quote_outdated.bin.run2.collateral.json",
            time: 1_772_707_803, status: nil, advisories: [], error: .tcbLevelNotFound),
        EvidenceRun(
            quote: "evidence/tdx/dcapqvl_tdx_quote_outdated.bin",
            collateral: "evidence/assembled-collateral/tdx/dcapqvl_tdx_quote_outdated.bin.run6.collateral.json",
            time: 1_771_980_350, status: nil, advisories: [], error: .tcbLevelNotFound),
    ]

    static let azureAdvisories = [
        "INTEL-SA-00161", "INTEL-SA-00614", "INTEL-SA-00617", "INTEL-SA-00219", "INTEL-SA-00289",
        "INTEL-SA-00828", "INTEL-SA-00334", "INTEL-SA-00615", "INTEL-SA-00477",
    ]

    func run(_ verifier: DCAPVerifier = DCAPVerifier()) throws -> VerifiedQuote {
        let bytes = try SharedData.bytes(quote)
        let bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(collateral))
        let now = Date(timeIntervalSince1970: time)
        return openEnclave
            ? try verifier.verify(openEnclaveReport: bytes, collateral: bundle, at: now)
            : try verifier.verify(quote: bytes, collateral: bundle, at: now)
    }
}

@Suite("Real evidence at the pinned times")
struct EvidenceVerificationTests {
    @Test(arguments: EvidenceRun.all)
    func expectedOutcome(_ run: EvidenceRun) throws {
        if let error = run.error {
            #expect(throws: DCAPError(error)) { try run.run() }
        } else {
            let verified = try run.run()
            #expect(verified.tcbStatus == run.status)
            #expect(verified.advisoryIDs == run.advisories)
            #expect(verified.tcb.qeStatus == run.qeStatus)
            #expect(verified.isDebuggable == false)
        }
    }

    @Test func dcapQVLQuoteFacts() throws {
        let verified = try EvidenceRun.all[0].run()
        #expect(Hex.encodeUppercase(verified.pck.fmspc) == "00A067110000")
        #expect(verified.pck.caKind == .processor)
        #expect(Hex.encode(verified.pck.ppid) == "d04ec06d4e6d92dc90d0ad3cf5ee2ddf")
        #expect(verified.pck.pceSVN == 13)
        #expect(verified.pck.sgxType == 0)
        #expect(verified.tcb.platformStatus == .configurationAndSWHardeningNeeded)
    }

    @Test func tdxQuoteFacts() throws {
        let verified = try EvidenceRun.all[4].run()
        #expect(Hex.encodeUppercase(verified.pck.fmspc) == "B0C06F000000")
        #expect(verified.pck.caKind == .platform)
        #expect(Hex.encode(verified.pck.cpuSVN) == "03030202040100050000000000000000")
        #expect(verified.pck.pceSVN == 11)
        #expect(verified.pck.sgxType == 1)
        #expect(verified.tcb.moduleStatus == .upToDate)
    }

    @Test func quoteHashes() throws {
        let oe = try EvidenceRun.all[3].run()
        #expect(oe.evidenceHash == "949b189c928f25c0a8090ae57d9f481b3435f26fb9a4d7e86e2619770d29c13f")
        let sgx = try EvidenceRun.all[2].run()
        #expect(sgx.evidenceHash.hasPrefix("af0e0563"))
    }
}
