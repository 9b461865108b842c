import Foundation
import MAADCAP

/// libFuzzer entry point: the input is a quote or an OpenEnclave report. Every input is parsed; whatever parses
/// is verified in full against real collateral at its pinned time (PCK chain PEM / X.509 / SGX extension,
/// signatures, QE identity, TCB evaluation). Any outcome but a trap is fine.
@_cdecl("LLVMFuzzerTestOneInput")
public func quoteFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let context = FuzzContext.shared
    if let report = try? OpenEnclaveReport(bytes) {
        _ = try? Quote(report.quoteBytes)
        _ = try? context.verifier.verify(openEnclaveReport: bytes, collateral: context.sgx, at: context.sgxTime)
    }
    if let quote = try? Quote(bytes) {
        if quote.teeType == .sgx {
            _ = try? context.verifier.verify(quote: bytes, collateral: context.sgx, at: context.sgxTime)
        } else {
            _ = try? context.verifier.verify(quote: bytes, collateral: context.tdx, at: context.tdxTime)
        }
    }
    return 0
}

/// Real collateral from `../shared/evidence/` (or `$FUZZ_EVIDENCE`), verified once at start-up.
struct FuzzContext: Sendable {
    let verifier = DCAPVerifier(options: .init(chainCacheCapacity: 64))
    let sgx: VerifiedCollateral
    let tdx: VerifiedCollateral
    let sgxTime = Date(timeIntervalSince1970: 1_752_919_277)
    let tdxTime = Date(timeIntervalSince1970: 1_752_919_234)

    static let shared = FuzzContext()

    init() {
        let evidence = ProcessInfo.processInfo.environment["FUZZ_EVIDENCE"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../../shared/evidence")
        func load(_ path: String) -> VerifiedCollateral {
            do {
                let data = try Data(contentsOf: evidence.appendingPathComponent(path))
                return try VerifiedCollateral(try CollateralBundle(jsonBytes: Array(data)))
            } catch {
                FileHandle.standardError.write(Data("QuoteFuzzer: cannot load \(path) under \(evidence.path): \(error)\n".utf8))
                exit(2)
            }
        }
        sgx = load("assembled-collateral/sgx-dcap/dcapqvl_sgx_quote.bin.run0.collateral.json")
        tdx = load("assembled-collateral/tdx/dcapqvl_tdx_quote.bin.run0.collateral.json")
    }
}
