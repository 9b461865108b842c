import AsyncHTTPClient
import Foundation
import MAATesting
import MAAWire
import Testing

@testable import MAACollateralFetch
@testable import MAADCAP

/// One quote of `../shared/evidence/` with the collateral the fake PCS serves and its pinned verification time.
struct FetchCase: Sendable, CustomTestStringConvertible {
    let quote: String
    let collateral: String
    let time: TimeInterval
    let status: TCBStatus

    var testDescription: String { String(quote.split(separator: "/").last ?? "") }
    var now: Date { Date(timeIntervalSince1970: time) }

    static let sgx = FetchCase(
        quote: "evidence/sgx-dcap/dcapqvl_sgx_quote.bin",
        collateral: "evidence/assembled-collateral/sgx-dcap/dcapqvl_sgx_quote.bin.run0.collateral.json",
        time: 1_752_919_277, status: .configurationAndSWHardeningNeeded)
    static let azure = FetchCase(
        quote: "evidence/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin",
        collateral: "evidence/assembled-collateral/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin.run1.collateral.json",
        time: 1_738_752_225, status: .outOfDate)
    static let tdx = FetchCase(
        quote: "evidence/tdx/dcapqvl_tdx_quote.bin",
        collateral: "evidence/assembled-collateral/tdx/dcapqvl_tdx_quote.bin.run0.collateral.json",
        time: 1_752_919_234, status: .upToDate)

    func key() throws -> CollateralKey { try DCAPVerifier().collateralKey(for: try Quote(try SharedData.bytes(quote))) }
}

@Suite("PCS collateral source over loopback HTTP")
struct PCSCollateralSourceTests {
    static func source(
        _ url: String, _ client: HTTPClient, timeout: Duration = .seconds(10), maximumResponseSize: Int = 2 << 20
    ) throws -> PCSCollateralSource {
        PCSCollateralSource(
            configuration: try .init(baseURL: url + "/", timeout: timeout, maximumResponseSize: maximumResponseSize), client: client)
    }

    @Test(arguments: [FetchCase.sgx, FetchCase.azure, FetchCase.tdx])
    func fetchesVerifiesCachesAndVerifiesTheQuote(_ run: FetchCase) async throws {
        let pcs = try FakePCS([run.collateral])
        try await pcs.serve { url, client in
            let store = CollateralStore()
            let refresher = CollateralRefresher(source: try Self.source(url, client), store: store)
            let key = try run.key()
            let fetched = try await refresher.collateral(for: key, at: run.now)
            // The assembled bundle is field for field the one the responses were made from.
            #expect(fetched.bundle == pcs.bundles[0])
            #expect(pcs.log.all.count == 4)
            // Cached until its window ends: no further requests.
            _ = try await refresher.collateral(for: key, at: run.now)
            #expect(pcs.log.all.count == 4)
            #expect(store.all.count == 1)
            let verified = try DCAPVerifier().verify(quote: try SharedData.bytes(run.quote), collateral: fetched, at: run.now)
            #expect(verified.tcbStatus == run.status)
        }
        let tee = run.quote.contains("tdx") ? "tdx" : "sgx"
        let ca = try run.key().caKind.rawValue
        #expect(Set(pcs.log.all) == [
            "/\(tee)/certification/v4/tcb?fmspc=\(Hex.encodeUppercase(try run.key().fmspc))",
            "/\(tee)/certification/v4/qe/identity",
            "/sgx/certification/v4/pckcrl?ca=\(ca)&encoding=der",
            "/sgx/certification/v4/rootcacrl",
        ])
    }

    @Test func servesTheRightFMSPCAmongSeveral() async throws {
        // Two SGX platforms behind one PCS: each key gets its own TCB Info.
        let pcs = try FakePCS([FetchCase.azure.collateral, FetchCase.sgx.collateral])
        try await pcs.serve { url, client in
            let bundle = try await Self.source(url, client).fetchCollateral(for: try FetchCase.sgx.key())
            #expect(bundle.tcbInfo == pcs.bundles[1].tcbInfo)
        }
    }

    @Test func tamperedTCBInfoIsRefusedAndNotCached() async throws {
        let run = FetchCase.sgx
        let pcs = try FakePCS([run.collateral], fault: .tamperTCBInfo)
        try await pcs.serve { url, client in
            let store = CollateralStore()
            let refresher = CollateralRefresher(source: try Self.source(url, client), store: store)
            await #expect(throws: DCAPError(.collateralSignatureInvalid(.tcbInfo))) {
                try await refresher.collateral(for: try run.key(), at: run.now)
            }
            #expect(store.all.isEmpty)
        }
    }

    @Test func collateralForAnotherFMSPCIsRefused() async throws {
        // The server answers with the Azure platform's TCB Info whatever FMSPC is asked for.
        let pcs = try FakePCS([FetchCase.azure.collateral], fault: .ignoreFMSPC)
        try await pcs.serve { url, client in
            let store = CollateralStore()
            let refresher = CollateralRefresher(source: try Self.source(url, client), store: store)
            await #expect(throws: DCAPError(.fmspcMismatch)) {
                try await refresher.collateral(for: try FetchCase.sgx.key(), at: FetchCase.azure.now)
            }
            #expect(store.all.isEmpty)
        }
    }

    @Test func unknownFMSPCIsA404() async throws {
        let pcs = try FakePCS([FetchCase.azure.collateral])
        try await pcs.serve { url, client in
            await #expect(throws: CollateralFetchError(.unexpectedStatus)) {
                try await Self.source(url, client).fetchCollateral(for: try FetchCase.sgx.key())
            }
        }
    }

    @Test func oversizeResponseIsRefused() async throws {
        let pcs = try FakePCS([FetchCase.sgx.collateral], fault: .padTCBResponse(300_000))
        try await pcs.serve { url, client in
            await #expect(throws: CollateralFetchError(.responseTooLarge)) {
                try await Self.source(url, client, maximumResponseSize: 256 << 10).fetchCollateral(for: try FetchCase.sgx.key())
            }
        }
    }

    @Test func slowServerTimesOut() async throws {
        let pcs = try FakePCS([FetchCase.sgx.collateral], fault: .delay(.seconds(30)))
        try await pcs.serve { url, client in
            await #expect(throws: CollateralFetchError(.timedOut)) {
                try await Self.source(url, client, timeout: .milliseconds(200)).fetchCollateral(for: try FetchCase.sgx.key())
            }
        }
    }

    @Test func missingOrMalformedIssuerChainHeaderIsRefused() async throws {
        let run = FetchCase.sgx
        let bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(run.collateral))
        let cases: [(String?, CollateralFetchError.Code)] = [
            (nil, .missingIssuerChain),
            ("not%20a%20certificate", .malformedIssuerChain),
            ("%ZZ", .malformedIssuerChain),
            (FakePCS.encodeHeader("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"), .malformedIssuerChain),
        ]
        for (header, code) in cases {
            let pcs = try FakePCS([run.collateral], fault: .tcbChainHeader(header))
            try await pcs.serve { url, client in
                await #expect(throws: CollateralFetchError(code)) { try await Self.source(url, client).fetchCollateral(for: try run.key()) }
            }
        }
        // A well-formed chain that does not lead to the TCB signing key: fetched, then refused by verification.
        let wrongChain = FakePCS.encodeHeader(bundle.pckCRLIssuerChain)
        let pcs = try FakePCS([run.collateral], fault: .tcbChainHeader(wrongChain))
        try await pcs.serve { url, client in
            let store = CollateralStore()
            let refresher = CollateralRefresher(source: try Self.source(url, client), store: store)
            await #expect(throws: DCAPError.self) { try await refresher.collateral(for: try run.key(), at: run.now) }
            #expect(store.all.isEmpty)
        }
    }

    @Test func configurationRejectsUnusableURLs() {
        for bad in ["", "ftp://pccs.example", "pccs.example:8081", "https://", "https://pccs.example/?x=1"] {
            #expect(throws: CollateralFetchError(.invalidURL)) { try PCSCollateralSource.Configuration(baseURL: bad) }
        }
        #expect(throws: CollateralFetchError(.invalidURL)) {
            try PCSCollateralSource.Configuration(baseURL: "https://pccs.example", maximumResponseSize: 0)
        }
    }

    @Test func crlBodiesInDERHexOrPEM() throws {
        let der = try CollateralBundle(jsonBytes: try SharedData.bytes(FetchCase.sgx.collateral)).rootCACRL
        let pem = "-----BEGIN X509 CRL-----\n" + Base64.standardEncoded(der) + "\n-----END X509 CRL-----\n"
        for body in [der, Array(Hex.encode(der).utf8), Array(pem.utf8)] {
            #expect(try PCSFormats.crlDER(.init(url: "u", headers: [:], body: body)) == der)
        }
        for body in [[], Array("zz".utf8), Array("0102".utf8), Array("-----BEGIN X509 CRL-----\n@@\n-----END X509 CRL-----".utf8)] {
            #expect(throws: CollateralFetchError(.malformedBody)) { try PCSFormats.crlDER(.init(url: "u", headers: [:], body: body)) }
        }
    }
}
