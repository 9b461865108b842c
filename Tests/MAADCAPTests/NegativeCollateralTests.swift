import Crypto
import MAAWire
import Foundation
import MAATesting
import Testing

@testable import MAADCAP

/// Spec §9 "CRLs", "Collateral" and "MAA bindings" items that need no re-signing: real Intel collateral,
/// swapped or minimally changed.
@Suite("Negative: collateral and bindings (real evidence)")
struct NegativeCollateralTests {
    let sgxRun = EvidenceRun.all[0]
    let tdxRun = EvidenceRun.all[4]

    func bundle(_ run: EvidenceRun) throws -> CollateralBundle { try CollateralBundle(jsonBytes: try SharedData.bytes(run.collateral)) }

    func verify(_ run: EvidenceRun, _ bundle: CollateralBundle, at: TimeInterval? = nil) throws -> VerifiedQuote {
        try DCAPVerifier().verify(quote: try SharedData.bytes(run.quote), collateral: bundle, at: Date(timeIntervalSince1970: at ?? run.time))
    }

    @Test func rootCRLSignatureByteFlipped() throws {
        var b = try bundle(sgxRun)
        b.rootCACRL[b.rootCACRL.count - 3] ^= 1
        #expect(throws: DCAPError(.crlSignatureInvalid(.root))) { try verify(sgxRun, b) }
    }

    @Test func pckCRLOfTheOtherCA() throws {
        var b = try bundle(sgxRun)  // Processor CA
        b.pckCRL = try bundle(tdxRun).pckCRL  // Platform CA's CRL
        #expect(throws: DCAPError(.crlIssuerMismatch(.pck))) { try verify(sgxRun, b) }
        // Both swapped consistently (CRL + its issuer chain): the quote's PCK CA does not match.
        let t = try bundle(tdxRun)
        b.pckCRLIssuerChain = t.pckCRLIssuerChain
        #expect(throws: DCAPError(.crlIssuerMismatch(.pck))) { try verify(sgxRun, b, at: tdxRun.time) }
    }

    @Test func missingEmptyOrNonDERCRL() throws {
        let json = String(decoding: try SharedData.bytes(sgxRun.collateral), as: UTF8.self)
        let original = try bundle(sgxRun)
        let empty = json.replacingOccurrences(of: Hex.encodeLower(original.pckCRL), with: "")
        #expect(throws: DCAPError(.crlMalformed(.pck))) { try CollateralBundle(jsonBytes: Array(empty.utf8)) }
        let missing = json.replacingOccurrences(of: "\"root_ca_crl\"", with: "\"root_ca_crl_\"")
        #expect(throws: DCAPError(.crlMalformed(.root))) { try CollateralBundle(jsonBytes: Array(missing.utf8)) }
        let notString = json.replacingOccurrences(of: "\"tcb_info\":", with: "\"tcb_info\":1,\"x\":")
        #expect(throws: DCAPError(.collateralMalformed(.bundle))) { try CollateralBundle(jsonBytes: Array(notString.utf8)) }
        var b = original
        b.rootCACRL = [0x30, 0x03, 0x02, 0x01, 0x01]
        #expect(throws: DCAPError(.crlMalformed(.root))) { try verify(sgxRun, b) }
    }

    @Test func tcbInfoOneCharacterChanged() throws {
        var b = try bundle(sgxRun)
        let text = String(decoding: b.tcbInfo, as: UTF8.self)
        let changed = text.replacingOccurrences(of: "\"SGX\"", with: "\"SGx\"")
        #expect(changed != text)
        b.tcbInfo = Array(changed.utf8)
        #expect(throws: DCAPError(.collateralSignatureInvalid(.tcbInfo))) { try verify(sgxRun, b) }
        b.tcbInfo = Array((" " + text).utf8)
        #expect(throws: DCAPError(.collateralSignatureInvalid(.tcbInfo))) { try verify(sgxRun, b) }
        var s = try bundle(sgxRun)
        s.tcbInfoSignature[5] ^= 1
        #expect(throws: DCAPError(.collateralSignatureInvalid(.tcbInfo))) { try verify(sgxRun, s) }
    }

    @Test func collateralOfTheOtherTEE() throws {
        // SGX quote + TDX collateral (all genuine Intel documents), and the reverse.
        #expect(throws: DCAPError(.collateralTypeMismatch(.tcbInfo))) { try verify(sgxRun, try bundle(tdxRun), at: tdxRun.time) }
        #expect(throws: DCAPError(.collateralTypeMismatch(.tcbInfo))) { try verify(tdxRun, try bundle(sgxRun), at: sgxRun.time) }
        // QE Identity of the other TEE inside a set.
        var mixed = try bundle(sgxRun)
        let t = try bundle(tdxRun)
        mixed.qeIdentity = t.qeIdentity
        mixed.qeIdentitySignature = t.qeIdentitySignature
        #expect(throws: DCAPError(.collateralTypeMismatch(.qeIdentity))) { try verify(sgxRun, mixed) }
    }

    @Test func tcbInfoForAnotherFMSPC() throws {
        // The dcap-qvl SGX quote (FMSPC 00A067110000) with the Azure quote's collateral (00906ED50000).
        let azure = EvidenceRun.all[2]
        #expect(throws: DCAPError(.fmspcMismatch)) { try verify(sgxRun, try bundle(azure), at: azure.time) }
    }

    @Test func oldRootCertificateIsAcceptedByKey() throws {
        // The 2021 Azure quote embeds the 2033-expiry root certificate; the pinned key accepts it.
        let quote = try Quote(try SharedData.bytes(EvidenceRun.all[2].quote))
        let chain = try PCKChain(pem: quote.certificationData.data, anchor: .intel)
        #expect(chain.root.notValidAfter < Date(timeIntervalSince1970: 2_100_000_000))
        #expect(try EvidenceRun.all[2].run().tcbStatus == .outOfDate)
    }

    @Test func openEnclaveHeader() throws {
        let report = try SharedData.bytes("evidence/openenclave/azure-sdk/azure_sdk_open_enclave_report.bin")
        var v2 = report; v2[0] = 2
        var local = report; local[4] = 1
        var size = report; size[8] &+= 1
        let short = Array(report.prefix(report.count - 1))
        for bad in [v2, local, size, short, Array(report.prefix(10))] {
            #expect(throws: DCAPError(.openEnclaveHeaderInvalid)) { try OpenEnclaveReport(bad) }
        }
    }

    @Test func runtimeDataBindsOnlyTheFirst32Bytes() throws {
        let s = try ResignedCase.sgx()
        let runtime = Array("runtime data".utf8)
        let digest = Array(SHA256.hash(data: runtime))
        let quote = try s.quote(mutateBody: { body in
            body.replaceSubrange((48 + 320)..<(48 + 352), with: digest)
            body.replaceSubrange((48 + 352)..<(48 + 384), with: [UInt8](repeating: 0xFF, count: 32))
        })
        let verified = try s.verify(quote, try s.bundle())
        try verified.bindRuntimeData(runtime)
        #expect(throws: DCAPError(.runtimeDataMismatch)) { try verified.bindRuntimeData(runtime + [0]) }
    }

    @Test func initTimeDataBinding() throws {
        let s = try ResignedCase.sgx()
        let initData = Array("init".utf8)
        let quote = try s.quote(mutateBody: { $0.replaceSubrange((48 + 192)..<(48 + 224), with: Array(SHA256.hash(data: initData))) })
        let verified = try s.verify(quote, try s.bundle())
        try verified.bindInitTimeData(initData)
        #expect(throws: DCAPError(.initTimeDataMismatch)) { try verified.bindInitTimeData([1]) }
    }
}

extension Hex {
    static func encodeLower(_ bytes: [UInt8]) -> String { encode(bytes) }
}
