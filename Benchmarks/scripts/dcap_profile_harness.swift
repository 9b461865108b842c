// A synchronous driver for instruction counting under callgrind (valgrind cannot run Swift's async main, so the
// package-benchmark runner itself cannot be profiled). Built and run by `dcap-callgrind.sh`; not part of any package.
// Usage: dcap-profile-harness EVIDENCE_DIR MODE ITERATIONS [time]
// MODE: sgx | tdx (everything from bytes), sgx-steady | tdx-steady (verified collateral, memoised chain),
// sgx-bundle | tdx-bundle (`CollateralBundle(jsonBytes:)` alone: its flat-object fast path), sgx-maawire |
// tdx-maawire (MAAWire's general JSON parser on the same bundle, then reading its nine strings: a lower bound of
// the bundle's general path).
// With `time`, each iteration is timed (monotonic clock) and the 10th percentile and median are printed in µs: a
// quick A/B on a shared machine (the low percentiles move little with load); the published figures come from
// package-benchmark (`dcap-compare.sh`).
import Dispatch
import Foundation
import MAADCAP
import MAAWire

@inline(never) func consume<T>(_ value: T) { withExtendedLifetime(value) {} }

let arguments = CommandLine.arguments
guard arguments.count == 4 || arguments.count == 5, let count = Int(arguments[3]) else {
    fatalError("usage: dcap-profile-harness EVIDENCE_DIR sgx|tdx|sgx-steady|tdx-steady ITERATIONS")
}
let evidence = URL(fileURLWithPath: arguments[1])
let mode = arguments[2]
let (quotePath, collateralPath, time): (String, String, TimeInterval) =
    mode.hasPrefix("tdx")
    ? ("tdx/dcapqvl_tdx_quote.bin", "tdx/dcapqvl_tdx_quote_collateral.json", 1_752_919_234)
    : ("sgx-dcap/dcapqvl_sgx_quote.bin", "sgx-dcap/dcapqvl_sgx_quote_collateral.json", 1_752_919_277)
guard let quoteData = FileManager.default.contents(atPath: evidence.appendingPathComponent(quotePath).path),
    let collateralData = FileManager.default.contents(atPath: evidence.appendingPathComponent(collateralPath).path)
else { fatalError("evidence files missing under \(evidence.path)") }
let quote = Array(quoteData)
let json = Array(collateralData)
let now = Date(timeIntervalSince1970: time)
let steadyVerifier = DCAPVerifier()
let steadyCollateral = try VerifiedCollateral(CollateralBundle(jsonBytes: json))
let bundleKeys = [
    "pck_crl_issuer_chain", "root_ca_crl", "pck_crl", "tcb_info_issuer_chain", "tcb_info", "tcb_info_signature",
    "qe_identity_issuer_chain", "qe_identity", "qe_identity_signature",
]
func once() throws {
    if mode.hasSuffix("bundle") {
        consume(try CollateralBundle(jsonBytes: json))
    } else if mode.hasSuffix("maawire") {
        let value = try JSONValue(parsing: json, options: JSONParsingOptions(maxDepth: 4, maxInputBytes: 4 << 20))
        for key in bundleKeys { consume(value[key]?.stringValue) }
    } else if mode.hasSuffix("steady") {
        consume(try steadyVerifier.verify(quote: quote, collateral: steadyCollateral, at: now))
    } else {
        let verifier = DCAPVerifier(options: .init(chainCacheCapacity: 0))
        consume(try verifier.verify(quote: quote, collateral: CollateralBundle(jsonBytes: json), at: now))
    }
}
if arguments.count == 5 {
    for _ in 0..<200 { try once() }
    var samples: [UInt64] = []
    samples.reserveCapacity(count)
    for _ in 0..<count {
        let start = DispatchTime.now().uptimeNanoseconds
        try once()
        samples.append(DispatchTime.now().uptimeNanoseconds - start)
    }
    samples.sort()
    let p10 = Double(samples[samples.count / 10]) / 1000
    let p50 = Double(samples[samples.count / 2]) / 1000
    print("\(mode): p10 \(Int(p10.rounded())) µs, median \(Int(p50.rounded())) µs over \(count)")
} else {
    for _ in 0..<count { try once() }
}
