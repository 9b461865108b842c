import MAATesting
import Testing

@testable import MAADCAP

@Suite("Quote parsing")
struct QuoteParsingTests {
    @Test func sgxQuoteV3() throws {
        let quote = try Quote(try SharedData.bytes("evidence/sgx-dcap/dcapqvl_sgx_quote.bin"))
        #expect(quote.header.version == 3)
        #expect(quote.teeType == .sgx)
        #expect(quote.signedRange == 0..<432)
        guard case .sgx(let body) = quote.body else { Issue.record("not SGX"); return }
        #expect(body.mrEnclave.hex == "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb")
        #expect(body.mrSigner.hex == "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6")
        #expect(body.isvProductID == 0 && body.isvSVN == 0)
        #expect(body.isDebuggable == false)
        #expect(body.attributes.bytes == [0x05, 0, 0, 0, 0, 0, 0, 0, 0xe7, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(body.reportData.bytes.prefix(13)) == Array("Hello, world!".utf8))
        #expect(quote.certificationData.type == 5)
        #expect(quote.qeAuthData.count == 32)
    }

    @Test func azureQuoteV3() throws {
        let quote = try Quote(try SharedData.bytes("evidence/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin"))
        guard case .sgx(let body) = quote.body else { Issue.record("not SGX"); return }
        #expect(body.mrEnclave.hex == "b779202618becb636768e5d902f28d524222735fafb539ea9ba07c3fc171a1c2")
        #expect(body.isvProductID == 1 && body.isvSVN == 1)
        #expect(quote.header.qeSVN == quote.qeReport.isvSVN)
        #expect(quote.certificationData.data.count == 3528)
    }

    @Test func openEnclaveHeader() throws {
        let report = try OpenEnclaveReport(try SharedData.bytes("evidence/openenclave/azure-sdk/azure_sdk_open_enclave_report.bin"))
        #expect(report.quoteBytes == (try SharedData.bytes("evidence/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin")))
    }

    @Test func tdxQuoteV4() throws {
        let quote = try Quote(try SharedData.bytes("evidence/tdx/dcapqvl_tdx_quote.bin"))
        #expect(quote.header.version == 4)
        #expect(quote.teeType == .tdx)
        #expect(quote.signedRange == 0..<632)
        guard case .td(let td) = quote.body else { Issue.record("not TDX"); return }
        #expect(td.mrTD.hex.hasPrefix("91eb2b44d141d4ec"))
        #expect(td.rtmrs[0].hex.hasPrefix("44c0197b"))
        #expect(td.rtmrs[3].isZero)
        #expect(td.tdAttributes.bytes == [0, 0, 0, 0x10, 0, 0, 0, 0])
        #expect(td.tdAttributes.septVEDisable && !td.tdAttributes.isDebug)
        #expect(td.teeTCBSVN.hex == "06010300000000000000000000000000")
        #expect(td.xfam.hex == "e702060000000000")
        #expect(!td.isVersion15)
        #expect(quote.certificationData.data.count == 3678)
    }

    @Test func tdxQuoteV5() throws {
        let quote = try Quote(try SharedData.bytes("evidence/tdx/dcapqvl_tdx_quote_outdated.bin"))
        #expect(quote.header.version == 5)
        #expect(quote.bodyType == 3)
        #expect(quote.signedRange == 0..<(54 + 648))
        guard case .td(let td) = quote.body else { Issue.record("not TDX"); return }
        #expect(td.isVersion15)
        #expect(td.teeTCBSVN.hex == "07010300000000000000000000000000")
        #expect(td.teeTCBSVN2?.hex == "0d010300000000000000000000000000")
        #expect(td.mrServiceTD?.isZero == true)
    }
}
