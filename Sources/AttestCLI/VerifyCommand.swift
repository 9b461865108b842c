import ArgumentParser
import Foundation
import MAADCAP
import MAAWire

/// `attest verify sgx|tdx|oe --quote FILE --collateral FILE [--at UNIX_TIME] [--json]`
///
/// Exit status 0 when the cryptographic verification succeeded (whatever the TCB status), 1 when rejected.
/// With `--json` exactly one JSON object is printed: `{"ok":…,"status":…,"advisoryIds":[…],"claims":{…},"error":…}`.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify an Intel SGX / TDX DCAP quote or an OpenEnclave report against offline collateral."
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case sgx, tdx, oe
    }

    @Argument(help: "Evidence kind: sgx (SGX quote), tdx (TDX quote) or oe (OpenEnclave report).")
    var kind: Kind

    @Option(help: "The quote or OpenEnclave report (raw bytes).")
    var quote: String

    @Option(help: "Collateral in QuoteCollateralV3 JSON.")
    var collateral: String

    @Option(help: "Verification time, UNIX seconds (default: now).")
    var at: Int64?

    @Option(help: "Runtime data file; binds SHA-256 to the report data and adds x-ms-sgx-ehd.")
    var runtimeData: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let now = at.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date()
        let outcome: Result<VerifiedQuote, DCAPError>
        var runtime: [UInt8]?
        do {
            let evidence = Array(try Data(contentsOf: URL(fileURLWithPath: quote)))
            let bundle = try CollateralBundle(jsonBytes: Array(try Data(contentsOf: URL(fileURLWithPath: collateral))))
            runtime = try runtimeData.map { Array(try Data(contentsOf: URL(fileURLWithPath: $0))) }
            outcome = Result { () throws(DCAPError) -> VerifiedQuote in
                let verifier = DCAPVerifier()
                let verified: VerifiedQuote
                switch kind {
                case .oe: verified = try verifier.verify(openEnclaveReport: evidence, collateral: bundle, at: now)
                case .sgx, .tdx:
                    verified = try verifier.verify(quote: evidence, collateral: bundle, at: now)
                    let expected: TEEType = kind == .sgx ? .sgx : .tdx
                    guard verified.quote.teeType == expected else {
                        throw DCAPError(.teeTypeVersionMismatch, "expected a \(expected.rawValue) quote, got \(verified.quote.teeType.rawValue)")
                    }
                }
                if let runtime { try verified.bindRuntimeData(runtime) }
                return verified
            }
        } catch let error as DCAPError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(DCAPError(.collateralNotFound, "cannot read input: \(error)"))
        }
        report(outcome, runtime: runtime)
        if case .failure = outcome { throw ExitCode(1) }
    }

    private func report(_ outcome: Result<VerifiedQuote, DCAPError>, runtime: [UInt8]?) {
        switch outcome {
        case .success(let verified):
            let claims = verified.claims(runtimeData: runtime)
            if json {
                let object: JSONValue = .object(JSONObject([
                    ("ok", .bool(true)),
                    ("status", .string(verified.tcbStatus.rawValue)),
                    ("advisoryIds", .array(verified.advisoryIDs.map(JSONValue.string))),
                    ("claims", ClaimValue.object(claims).jsonValue),
                    ("error", .null),
                ]))
                print(object.serialized(.preservingOrder))
            } else {
                print("verified: \(verified.kind.rawValue), quote v\(verified.quote.header.version)")
                print("status: \(verified.tcbStatus.rawValue)")
                print("advisory IDs: \(verified.advisoryIDs.isEmpty ? "none" : verified.advisoryIDs.joined(separator: ", "))")
                print("debuggable: \(verified.isDebuggable)")
                print("claims:")
                for (name, value) in claims.sorted(by: { $0.key < $1.key }) {
                    print("  \(name): \(value.jsonValue.serialized())")
                }
            }
        case .failure(let error):
            if json {
                let object: JSONValue = .object(JSONObject([
                    ("ok", .bool(false)),
                    ("status", .null),
                    ("advisoryIds", .array([])),
                    ("claims", .object(JSONObject())),
                    ("error", .string(error.description)),
                ]))
                print(object.serialized(.preservingOrder))
            } else {
                print("rejected: \(error)")
            }
        }
    }
}
